#!/usr/bin/env bash
# Runs every case of cases.txt: the exit code must match, stderr must hold
# the message, and a failed run must leave its output folder empty (no
# partial or temporary files). Usage: run.sh HOTSPOT BAD_INPUT_DIR KENT_CSV WARDS_SHP WORKDIR
set -u
hs=$1 dir=$2 kent=$3 wards=$4 work=$5
fail=0 n=0
rm -rf "$work" && mkdir -p "$work"
while IFS='|' read -r name code msg args; do
  case "$name" in '' | '#'*) continue ;; esac
  n=$((n + 1))
  out="$work/$name"
  mkdir -p "$out"
  sub() { local s=$1; s=${s//\{D\}/$dir}; s=${s//\{K\}/$kent}; s=${s//\{W\}/$wards}; s=${s//\{O\}/$out}; printf '%s' "$s"; }
  read -r -a argv <<<"$(sub "$args")"
  want=$(sub "$msg")
  "$hs" "${argv[@]}" >"$out.stdout" 2>"$out.stderr"
  rc=$?
  if [ "$rc" != "$code" ]; then
    echo "FAIL $name: exit $rc, expected $code"; cat "$out.stderr"; fail=1; continue
  fi
  if ! grep -qF -- "$want" "$out.stderr"; then
    echo "FAIL $name: stderr lacks: $want"; cat "$out.stderr"; fail=1; continue
  fi
  if [ "$rc" != 0 ] && [ -n "$(ls -A "$out")" ]; then
    echo "FAIL $name: failed run left files: $(ls -A "$out")"; fail=1; continue
  fi
  if ls "$out" | grep -q '\.tmp\.'; then
    echo "FAIL $name: temporary file left"; fail=1; continue
  fi
done <"$dir/cases.txt"
echo "$n bad-input cases run"
exit $fail
