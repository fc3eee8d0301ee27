#!/usr/bin/env bash
# Grid benchmark: generates N police.uk rows (fixed seed), times
# `hotspot grid` end to end (150 m, GeoJSON) against the numpy/pandas/pyproj
# peer in the same run, and the reader's MB/s. Medians of RUNS runs. Then
# the same on rows snapped to N / 4.7 map points, as police.uk publishes
# them (each distinct point is projected once).
# usage: tests/bench/run.sh [N=1000000] [RUNS=5]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-5}
source "$(dirname "$0")/common.sh"
bench_prog bench_parse
data=$(policeuk "$N")
echo "# grid: $N rows, $(stat -c %s "$data") bytes, $(nproc) cores, $(date -u +%F)"
hs_2=$(median_of "$RUNS" "$hs" grid "$data" -o "$out/hs.geojson" --threads 2 -q)
hs_1=$(median_of "$RUNS" "$hs" grid "$data" -o "$out/hs.geojson" --threads 1 -q)
echo "hotspot grid, 2 threads: median $hs_2 s"
echo "hotspot grid, 1 thread: median $hs_1 s"
p=$(median_of "$RUNS" /usr/bin/python3 "$top/tests/bench/peer_numpy.py" "$data" "$out/peer.geojson")
echo "peer (pandas + pyproj + numpy.histogram2d + json): median $p s"
echo "ratio peer / hotspot (2 threads): $(echo "$p / $hs_2" | bc -l | cut -c1-5)"
# Same answer: the cells and counts agree with the peer.
/usr/bin/python3 - "$out/hs.geojson" "$out/peer.geojson" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ca = {(f["properties"]["row"], f["properties"]["col"]): f["properties"]["count"] for f in a["features"]}
cb = {(f["properties"]["row"], f["properties"]["col"]): f["properties"]["count"] for f in b["features"]}
print(f"cells: hotspot {len(ca)}, peer {len(cb)}; identical counts: {ca == cb}")
PY
"$out/bench_parse" "$data" "$RUNS"
snapped=$(policeuk_snapped "$N")
sn_2=$(median_of "$RUNS" "$hs" grid "$snapped" -o "$out/hs_snapped.geojson" --threads 2 -q)
sn_1=$(median_of "$RUNS" "$hs" grid "$snapped" -o "$out/hs_snapped.geojson" --threads 1 -q)
ps=$(median_of "$RUNS" /usr/bin/python3 "$top/tests/bench/peer_numpy.py" "$snapped" "$out/peer_snapped.geojson")
echo "snapped to $(( N * 10 / 47 )) points: hotspot grid 2 threads $sn_2 s, 1 thread $sn_1 s; peer $ps s"
