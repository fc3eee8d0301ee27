#!/usr/bin/env bash
# Grid benchmark: generates N police.uk rows (fixed seed), times
# `hotspot grid` end to end (150 m, GeoJSON) against the numpy/pandas/pyproj
# peer in the same run, and the reader's MB/s. Medians of RUNS runs.
# usage: tests/bench/run.sh [N=1000000] [RUNS=5]   (from the repo top)
set -euo pipefail
N=${1:-1000000}
RUNS=${2:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/bench/out
mkdir -p "$out"
if ! /usr/bin/python3 -c "import pandas, pyproj, numpy" 2>/dev/null; then
  apt-get install -y -qq python3-pandas python3-pyproj python3-numpy >/dev/null
fi
cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release -DHS_BUILD_TESTS=OFF >/dev/null
cmake --build "$top/build-bench" -j2 >/dev/null
cc -O2 -o "$out/gen_policeuk" "$top/tests/bench/gen_policeuk.c"
cc -O2 -I"$top/include" -o "$out/bench_parse" "$top/tests/bench/bench_parse.c" \
  -L"$top/build-bench" -lhotspot -Wl,-rpath,"$top/build-bench"
data=$out/policeuk_$N.csv
[ -s "$data" ] || "$out/gen_policeuk" "$N" 1 > "$data"
bytes=$(stat -c %s "$data")
hs=$top/build-bench/hotspot

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # prints seconds of one run of "$@"
  local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l; }

echo "# $N rows, $bytes bytes, $(nproc) cores, $(date -u +%F)"
for th in 2 1; do
  m=$(for i in $(seq "$RUNS"); do timeit "$hs" grid "$data" -o "$out/hs.geojson" --threads $th -q; done | median)
  echo "hotspot grid, $th thread(s): median $m s"
  eval "hs_$th=$m"
done
p=$(for i in $(seq "$RUNS"); do timeit /usr/bin/python3 "$top/tests/bench/peer_numpy.py" "$data" "$out/peer.geojson"; done | median)
echo "peer (pandas + pyproj + numpy.histogram2d + json): median $p s"
echo "ratio peer / hotspot (2 threads): $(echo "$p / $hs_2" | bc -l | cut -c1-5)"
# Same answer: total and cell count agree with the peer.
/usr/bin/python3 - "$out/hs.geojson" "$out/peer.geojson" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ca = {(f["properties"]["row"], f["properties"]["col"]): f["properties"]["count"] for f in a["features"]}
cb = {(f["properties"]["row"], f["properties"]["col"]): f["properties"]["count"] for f in b["features"]}
print(f"cells: hotspot {len(ca)}, peer {len(cb)}; identical counts: {ca == cb}")
PY
"$out/bench_parse" "$data" "$RUNS"
