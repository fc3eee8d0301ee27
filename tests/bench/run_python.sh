#!/usr/bin/env bash
# The Python package's cost (issue 17): hotspot.kde on N points from numpy
# arrays against `hotspot kde` on the same points (a CSV of x,y), quartic,
# radius 250 m, 10 m pixels on QGIS's grid, GeoTIFF written, in the same
# run; medians. Python is timed two ways: the whole process (interpreter,
# imports, arrays loaded from .npy, from_arrays, kde, write) and the calls
# alone inside one process. The two GeoTIFFs must be the same bytes.
# usage: tests/bench/run_python.sh [N=1000000] [RUNS=5]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-5}
source "$(dirname "$0")/common.sh"
cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release -DHS_BUILD_TESTS=OFF >/dev/null
python_points "$N" >/dev/null
pts=$out/kde_$N.csv
cat >"$out/py_kde.py" <<'PY'
import sys, time
import numpy as np
import hotspot
xy = np.load(sys.argv[1])
runs = int(sys.argv[3])
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    inc = hotspot.Incidents.from_arrays(xy[:, 0], xy[:, 1])
    r = hotspot.kde(inc, bandwidth=250, pixel_size=10, grid="qgis", threads=2)
    r.write(sys.argv[2])
    times.append(time.perf_counter() - t0)
print(sorted(times)[len(times) // 2])
PY
echo "# python: $N incidents, quartic r 250 m, 10 m pixels, $(nproc) cores, $(date -u +%F)"
cli=$(median_of "$RUNS" "$hs" kde "$pts" --x-column x --y-column y --bandwidth 250 --pixel-size 10 \
  --grid qgis --threads 2 -q -o "$out/cli_kde.tif")
proc=$(median_of "$RUNS" /usr/bin/python3 "$out/py_kde.py" "$out/kde_$N.npy" "$out/py_kde.tif" 1)
calls=$(/usr/bin/python3 "$out/py_kde.py" "$out/kde_$N.npy" "$out/py_kde.tif" "$RUNS")
cmp -s "$out/cli_kde.tif" "$out/py_kde.tif" && same="same bytes" || same="DIFFERENT BYTES"
printf '| %s | %.2f s |\n' "hotspot kde (CSV read + density + GeoTIFF)" "$cli" \
  "python process (import, .npy load, from_arrays, kde, write)" "$proc" \
  "python calls alone (from_arrays + kde + write)" "$calls"
printf 'ratio python process / CLI: %.2f; calls / CLI: %.2f; the GeoTIFFs: %s\n' \
  "$(echo "$proc / $cli" | bc -l)" "$(echo "$calls / $cli" | bc -l)" "$same"
