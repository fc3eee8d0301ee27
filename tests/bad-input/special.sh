#!/usr/bin/env bash
# The bad inputs that need a set-up rather than a file: a 1 GB single line,
# a full disk (ulimit -f, and a tiny tmpfs when mount is allowed), an output
# folder that even root cannot write (a read-only mount), and SIGINT in the
# middle of a run. Each checks the exit code, the message, and that no file
# (not even a temporary) is left; and an input truncated while it is read. Usage: special.sh HOTSPOT KENT_DIR WORKDIR
set -u
hs=$1 kent=$2 work=$3 slow=${4:-1} # slow: time limits x this (sanitizer builds)
csv=$kent/2024-01-kent-street.csv
fail=0 n=0 skipped=0
rm -rf "$work" && mkdir -p "$work"

# check NAME WANT_EXIT MESSAGE OUTDIR -- exit code and stderr already in $rc, $work/NAME.err
check() {
  local name=$1 want=$2 msg=$3 out=$4
  n=$((n + 1))
  if [ "$rc" != "$want" ]; then
    echo "FAIL $name: exit $rc, expected $want"; cat "$work/$name.err"; fail=1; return
  fi
  if [ -n "$msg" ] && ! grep -qF -- "$msg" "$work/$name.err"; then
    echo "FAIL $name: stderr lacks: $msg"; cat "$work/$name.err"; fail=1; return
  fi
  if [ "$want" != 0 ] && [ -n "$(ls -A "$out")" ]; then
    echo "FAIL $name: left files: $(ls -A "$out")"; fail=1; return
  fi
  echo "ok   $name"
}

# 1. A 1 GB line (a broken export with no line ends): read with the rest,
# rejected as one row with the wrong number of fields, nothing lost.
big=$work/one_gb_line.csv
{ head -n 1 "$csv"; head -c 1073741824 /dev/zero | tr '\0' 'a'; echo; sed -n 2,5p "$csv"; } >"$big"
mkdir -p "$work/one_gb_line.out"
"$hs" grid "$big" -o "$work/one_gb_line.out/g.geojson" 2>"$work/one_gb_line.err"
rc=$?
check one_gb_line 0 "5 rows read: 4 used, 1 rejected (wrong number of fields 1)" "$work/one_gb_line.out"
rm -f "$big"

# 2. Disk full through the file size limit (ulimit -f counts 1 KiB blocks):
# GeoJSON (our stdio writer), GeoTIFF (libtiff) and Shapefile (shapelib).
for fmt in geojson tif shp; do
  name=file_size_limit_$fmt
  out=$work/$name.out
  mkdir -p "$out"
  case $fmt in
    geojson) args=(grid "$csv" --cell-size 50 -o "$out/o.geojson") ;;
    tif) args=(kde "$csv" --pixel-size 50 -o "$out/o.tif") ;;
    shp) args=(wards "$csv" -o "$out/o.shp") ;;
  esac
  (ulimit -f 8 && exec "$hs" "${args[@]}") 2>"$work/$name.err"
  rc=$?
  check "$name" 1 "write failed: File too large" "$out"
done

# 3. A really full disk (64 KiB tmpfs) and a read-only folder, where mount
# is allowed (root on a machine or a privileged container).
mnt=$work/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  "$hs" grid "$csv" --cell-size 20 -o "$mnt/o.geojson" 2>"$work/disk_full.err"
  rc=$?
  check disk_full 1 "$mnt/o.geojson: write failed: No space left on device" "$mnt"
  umount "$mnt"
  mount -t tmpfs -o ro,size=64k tmpfs "$mnt"
  "$hs" grid "$csv" -o "$mnt/o.geojson" 2>"$work/read_only.err"
  rc=$?
  check read_only 1 "$mnt/o.geojson: cannot write into $mnt: Read-only file system" "$mnt"
  umount "$mnt"
elif [ "$(id -u)" != 0 ]; then
  chmod 555 "$mnt"
  "$hs" grid "$csv" -o "$mnt/o.geojson" 2>"$work/read_only.err"
  rc=$?
  check read_only 1 "$mnt/o.geojson: cannot write into $mnt: Permission denied" "$mnt"
  chmod 755 "$mnt"
else
  echo "skip disk_full, read_only: root without mount (a container): chmod cannot stop root"
  skipped=2
fi

# 4. SIGINT during a run: exit 130, no half file and no temporary. The input
# (the four Kent months, eight times: 480,168 rows) keeps kde busy for
# seconds; the signal comes after 0.3 s, in the read or the computation.
many=$work/many.csv
{ head -n 1 "$csv"; for i in 1 2 3 4 5 6 7 8; do for f in "$kent"/*.csv; do tail -n +2 "$f"; done; done; } >"$many"
out=$work/sigint.out
mkdir -p "$out"
"$hs" kde "$many" --pixel-size 20 -o "$out/o.tif" 2>"$work/sigint.err" &
pid=$!
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
check sigint 130 "hotspot: interrupted: no output written" "$out"
rm -f "$many"

# 5. An input that shrinks while it is read (another program truncates it):
# the mapped pages past its new end would raise SIGBUS (exit 135, and a
# temporary left behind); now a clear error and nothing written.
shrink=$work/shrink.csv
{ head -n 1 "$csv"; for i in $(seq 1 100); do tail -n +2 "$csv"; done; } >"$shrink"
out=$work/shrink.out
mkdir -p "$out"
"$hs" grid "$shrink" -q -o "$out/o.geojson" 2>"$work/shrink.err" &
pid=$!
sleep 0.25
truncate -s 1000000 "$shrink"
wait "$pid"
rc=$?
check shrink 1 "shrink.csv: the file shrank while it was read (another program changed it); nothing was used from it" "$out"
rm -f "$shrink"

# 6. A study area with a million-vertex boundary and edge correction: took
# 77 s and honoured ^C 75 s late; now a few seconds, and ^C within 1 s (0.15 s idle).
dir=$(cd "$(dirname "$0")" && pwd)
python3 "$dir/make_shapes.py" "$dir/bowtie.prj" circle "$work/circle" 1000000
out=$work/bigmask.out
mkdir -p "$out"
t0=$(date +%s.%N)
"$hs" kde "$csv" -q --mask "$work/circle.shp" --edge-correction --bandwidth 300 --pixel-size 25 \
  -o "$out/k.tif" 2>"$work/bigmask.err"
rc=$?
t1=$(date +%s.%N)
check bigmask 0 "" "$out"
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
awk -v s="$secs" -v k="$slow" 'BEGIN { exit !(s < 30 * k) }' && echo "ok   bigmask: $secs s" || { echo "FAIL bigmask took $secs s"; fail=1; }
rm -rf "$out" && mkdir -p "$out"
"$hs" kde "$csv" -q --mask "$work/circle.shp" --edge-correction --bandwidth 300 --pixel-size 25 \
  -o "$out/k.tif" 2>"$work/bigmask_int.err" &
pid=$!
sleep "$(awk -v k="$slow" 'BEGIN { print 1.5 * k }')"
t0=$(date +%s.%N)
kill -INT "$pid"
wait "$pid"
rc=$?
t1=$(date +%s.%N)
lag=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
if [ "$rc" = 0 ]; then
  echo "note: bigmask finished before ^C; latency not measured"
else
  check bigmask_int 130 "hotspot: interrupted: no output written" "$out"
  awk -v s="$lag" -v k="$slow" 'BEGIN { exit !(s < 1 * k) }' && echo "ok   ^C honoured after $lag s" ||
    { echo "FAIL ^C honoured after $lag s"; fail=1; }
fi
rm -f "$work"/circle.*

echo "$n special bad-input cases run, $skipped skipped"
exit $fail
