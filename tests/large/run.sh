#!/usr/bin/env bash
# Files over 4 GiB and over 2^31 rows (issue 7): 64-bit offsets, line
# numbers and counts, and memory that stays bounded while a file streams.
# Generated on the fly and deleted after; needs 5 GB free in WORKDIR, else
# skipped (exit 77). Usage: run.sh HOTSPOT WORKDIR
set -u
hs=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
free_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt 5000000 ]; then
  echo "skip: $((free_kb / 1024)) MB free in $work, 5 GB needed"
  exit 77
fi
fail=0

# Peak resident memory of a command, in MB (from /proc, no GNU time needed).
peak_mb() {
  "$@" &
  local pid=$! peak=0 kb
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
    sleep 0.2
  done
  wait "$pid"
  rc=$?
  echo $((peak / 1024)) >"$work/peak"
  return $rc
}

# A. 2^31 + 1003 rows in 4.3 GB: 2^31 + 1000 rows with no location (",")
# and 3 real ones after them, counted by 'hotspot check' (which keeps
# nothing). Every count is past what 32 bits hold.
rows=$((2147483648 + 1000))
a=$work/many_rows.csv
start=$(date +%s)
{ printf 'x,y\n'; yes , | head -n "$rows"; printf '530000,180000\n530001,180001\n530002,180002\n'; } >"$a"
echo "generated $(($(stat -c %s "$a") / 1048576)) MB, $((rows + 3)) rows in $(($(date +%s) - start)) s"
start=$(date +%s)
peak_mb "$hs" check "$a" --x-column x --y-column y >"$work/check.out" 2>"$work/check.err"
rc=$?
secs=$(($(date +%s) - start))
want="$a: $((rows + 3)) rows read: 3 used, $rows rejected (no location $rows)"
if [ "$rc" != 0 ] || [ "$(cat "$work/check.out")" != "$want" ]; then
  echo "FAIL check: exit $rc"; echo " got:  $(cat "$work/check.out")"; echo " want: $want"
  cat "$work/check.err"; fail=1
else
  echo "ok   check: $((rows + 3)) rows in $secs s, peak RSS $(cat "$work/peak") MB"
fi
if [ "$(cat "$work/peak")" -gt 1024 ]; then echo "FAIL check: peak RSS over 1 GB"; fail=1; fi
rm -f "$a"

# B. 4.4 GB in 4,201 rows of 1 MiB each (x, y and a 1 MiB note), the last
# with no location: read for real by 'hotspot grid'. The rejects file must
# give that row's line number and its text, found at an offset past 4 GiB.
b=$work/big_rows.csv
python3 - "$b" <<'EOF'
import sys
pad = "a" * (1 << 20)
with open(sys.argv[1], "w") as f:
    f.write("x,y,note\n")
    for i in range(4200):
        f.write("%d,%d,%s\n" % (530000 + 10 * (i % 100), 180000 + 10 * (i // 100), pad))
    f.write(",,%s\n" % pad)
EOF
echo "generated $(($(stat -c %s "$b") / 1048576)) MB, 4201 rows"
start=$(date +%s)
peak_mb "$hs" grid "$b" --x-column x --y-column y --cell-size 10 --rejects "$work/rejects.csv" \
  -o "$work/grid.csv" 2>"$work/grid.err"
rc=$?
secs=$(($(date +%s) - start))
if [ "$rc" != 0 ] || ! grep -qF "4201 rows read: 4200 used, 1 rejected (no location 1)" "$work/grid.err"; then
  echo "FAIL grid: exit $rc"; cat "$work/grid.err"; fail=1
fi
# 4200 cells of one incident each (10 m cells on a 10 m lattice).
cells=$(tail -n +2 "$work/grid.csv" | wc -l)
total=$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(sum(int(x['count']) for x in r))" "$work/grid.csv")
if [ "$cells" != 4200 ] || [ "$total" != 4200 ]; then
  echo "FAIL grid: $cells cells, $total incidents; want 4200 and 4200"; fail=1
fi
# The reject: line 4202 (after the header), its record re-read from past 4 GiB.
got=$(python3 -c "
import csv, sys
csv.field_size_limit(1 << 30)
rows = list(csv.reader(open(sys.argv[1])))
r = rows[1]
print(len(rows), r[1], r[2], len(r[3]), r[3][:3])" "$work/rejects.csv")
if [ "$got" != "2 4202 no location $(((1 << 20) + 2)) ,,a" ]; then
  echo "FAIL rejects: got '$got'"; fail=1
elif [ $fail = 0 ]; then
  echo "ok   grid: 4201 rows of 1 MiB (4.4 GB) in $secs s, peak RSS $(cat "$work/peak") MB; reject at line 4202 re-read whole"
fi
rm -rf "$work"
exit $fail
