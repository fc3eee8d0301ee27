#!/usr/bin/env bash
# Gi* benchmark: N incidents (fixed seed; 80 clusters plus 30 % background)
# in a 40 km x 40 km county, 100 m cells (160,000 with the empty ones).
# usage: tests/bench/run_hotspots.sh [N=1000000] [RUNS=5]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-5}
source "$(dirname "$0")/common.sh"
bench_prog bench_hotspots
pts=$out/county_$N.csv
[ -s "$pts" ] || /usr/bin/python3 - "$N" "$pts" <<'PY'
import sys, numpy as np
n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(2)
cx, cy = rng.uniform(540000, 580000, 80), rng.uniform(140000, 180000, 80)
sd = rng.uniform(100, 1500, 80)
k, bg = rng.integers(0, 80, n), rng.random(n) < 0.3
x = np.where(bg, rng.uniform(540000, 580000, n), rng.normal(cx[k], sd[k])).clip(540000, 579999.9)
y = np.where(bg, rng.uniform(140000, 180000, n), rng.normal(cy[k], sd[k])).clip(140000, 179999.9)
with open(out, "w") as f:
    f.write("x,y\n")
    np.savetxt(f, np.column_stack([x, y]), fmt="%.1f", delimiter=",")
PY
echo "# hotspots: $N incidents, 40 km county, 100 m cells, $(nproc) cores, $(date -u +%F)"
"$out/bench_hotspots" "$pts" "$RUNS"
