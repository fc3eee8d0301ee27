# common.sh — shared by the benchmark scripts: build, data, timing.
# Sets: top, out, hs (the hotspot command), data (N police.uk rows).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/tests/bench/out
mkdir -p "$out"
if ! /usr/bin/python3 -c "import pandas, pyproj, numpy" 2>/dev/null || ! command -v bc >/dev/null; then
  apt-get install -y -qq python3-pandas python3-pyproj python3-numpy bc >/dev/null
fi
cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release -DHS_BUILD_TESTS=OFF >/dev/null
cmake --build "$top/build-bench" -j2 >/dev/null
hs=$top/build-bench/hotspot
cc -O2 -o "$out/gen_policeuk" "$top/tests/bench/gen_policeuk.c" -lm

# bench_prog NAME: builds tests/bench/NAME.c against the library.
bench_prog() {
  cc -O2 -I"$top/include" -I"$top/tests/bench" -o "$out/$1" "$top/tests/bench/$1.c" \
    -L"$top/build-bench" -lhotspot -Wl,-rpath,"$top/build-bench"
}
# policeuk N: path of N generated rows (seed 1), made once.
policeuk() {
  local f=$out/policeuk_$1.csv
  [ -s "$f" ] || "$out/gen_policeuk" "$1" 1 > "$f"
  echo "$f"
}
# policeuk_snapped N: N rows whose points are snapped to N / 4.7 fixed map
# points (data.police.uk's anonymisation; 4.7 incidents a point as on the
# real Kent files), made once.
policeuk_snapped() {
  local f=$out/policeuk_snapped_$1.csv
  [ -s "$f" ] || "$out/gen_policeuk" "$1" 1 $(( $1 * 10 / 47 )) > "$f"
  echo "$f"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timeit CMD...: seconds of one run.
timeit() {
  local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l; }
# median_of RUNS CMD...: median seconds over RUNS runs.
median_of() {
  local runs=$1; shift
  for _ in $(seq "$runs"); do timeit "$@"; done | median; }

# The kde benchmarks' clustered incidents (fixed seed; 40 clusters plus 30 %
# background in a 20 km square of British National Grid).
points() { # points N FILE.csv: the clustered incidents, x,y in EPSG:27700
  [ -s "$2" ] || /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, numpy as np
n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(1)
cx, cy = rng.uniform(560000, 580000, 40), rng.uniform(160000, 180000, 40)
sd = rng.uniform(100, 800, 40)
k, bg = rng.integers(0, 40, n), rng.random(n) < 0.3
x = np.where(bg, rng.uniform(560000, 580000, n), rng.normal(cx[k], sd[k])).clip(560000, 579999.9)
y = np.where(bg, rng.uniform(160000, 180000, n), rng.normal(cy[k], sd[k])).clip(160000, 179999.9)
with open(out, "w") as f:
    f.write("x,y\n")
    np.savetxt(f, np.column_stack([x, y]), fmt="%.1f", delimiter=",")
PY
  echo "$2"; }

# python_points N: the Python package of build-bench on PYTHONPATH, and the
# path of the N clustered points as a .npy (x, y columns), made once.
python_points() {
  cmake --build "$top/build-bench" -j2 --target python_package >/dev/null
  export PYTHONPATH=$top/build-bench/python
  local pts; pts=$(points "$1" "$out/kde_$1.csv")
  [ -s "$out/kde_$1.npy" ] || /usr/bin/python3 -c "
import numpy as np, sys
np.save(sys.argv[2], np.loadtxt(sys.argv[1], delimiter=',', skiprows=1))" "$pts" "$out/kde_$1.npy"
  echo "$out/kde_$1.npy"
}
