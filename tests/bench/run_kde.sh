#!/usr/bin/env bash
# Kernel density benchmark: N incidents (fixed seed; 40 clusters plus 30 %
# background in a 20 km square of British National Grid), quartic, radius
# 250 m, 10 m pixels (2000 x 2000). Times, in the same run: `hotspot kde`
# end to end on QGIS's grid (read CSV, density, GeoTIFF + style + sidecar)
# and QGIS 3.22's Heatmap through qgis_process (from a GeoPackage of the
# same points); compares the two rasters pixel by pixel; reports the phases
# (bench_kde) and peak memory; then 10x N for hotspot alone.
# usage: tests/bench/run_kde.sh [N=1000000] [RUNS=3]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-3}
source "$(dirname "$0")/common.sh"
if [ ! -x /usr/bin/qgis_process.bin ] || ! command -v ogr2ogr >/dev/null; then
  apt-get install -y -qq --no-install-recommends qgis qgis-providers gdal-bin >/dev/null
fi
bench_prog bench_kde
pts=$(points "$N" "$out/kde_$N.csv")
[ -s "$out/kde_$N.gpkg" ] || ogr2ogr -q -f GPKG "$out/kde_$N.gpkg" "$pts" -oo X_POSSIBLE_NAMES=x \
  -oo Y_POSSIBLE_NAMES=y -a_srs EPSG:27700 -nln points
echo "# kde: $N incidents, quartic r 250 m, 10 m pixels, $(nproc) cores, $(date -u +%F)"
hs_args=(kde "$pts" --x-column x --y-column y --bandwidth 250 --pixel-size 10 --grid qgis -q)
h2=$(median_of "$RUNS" "$hs" "${hs_args[@]}" -o "$out/hs_kde.tif" --threads 2)
h1=$(median_of "$RUNS" "$hs" "${hs_args[@]}" -o "$out/hs_kde.tif" --threads 1)
mem=$( { /usr/bin/time -f "%M" "$hs" "${hs_args[@]}" -o "$out/hs_kde.tif" --threads 2; } 2>&1 | tail -1)
q=$(median_of "$RUNS" env QT_QPA_PLATFORM=offscreen /usr/bin/qgis_process.bin run \
  qgis:heatmapkerneldensityestimation --INPUT="$out/kde_$N.gpkg" --RADIUS=250 --PIXEL_SIZE=10 \
  --KERNEL=0 --OUTPUT_VALUE=0 --OUTPUT="$out/qgis_kde.tif")
qmem=$( { /usr/bin/time -f "%M" env QT_QPA_PLATFORM=offscreen /usr/bin/qgis_process.bin run \
  qgis:heatmapkerneldensityestimation --INPUT="$out/kde_$N.gpkg" --RADIUS=250 --PIXEL_SIZE=10 \
  --KERNEL=0 --OUTPUT_VALUE=0 --OUTPUT="$out/qgis_kde.tif" >/dev/null; } 2>&1 | tail -1)
echo "hotspot kde end to end, 2 threads: median $h2 s, peak $((mem / 1024)) MB"
echo "hotspot kde end to end, 1 thread: median $h1 s"
echo "QGIS Heatmap (qgis_process): median $q s, peak $((qmem / 1024)) MB"
echo "ratio QGIS / hotspot (2 threads): $(echo "$q / $h2" | bc -l | cut -c1-5)"
# Same grid, pixel by pixel (QGIS's vertical defect, docs/methods.md, bounds the difference).
for f in hs_kde qgis_kde; do gdal_translate -q -of ENVI "$out/$f.tif" "$out/$f.raw"; done
/usr/bin/python3 - "$out" <<'PY'
import sys, numpy as np
out = sys.argv[1]
def load(f):
    hdr = {k.strip(): v.strip() for k, v in (l.split("=", 1) for l in open(f"{out}/{f}.hdr") if "=" in l)}
    w, h = int(hdr["samples"]), int(hdr["lines"])
    return np.fromfile(f"{out}/{f}.raw", dtype="<f4").reshape(h, w)
a, b = load("hs_kde"), load("qgis_kde")
a, b = np.where(a == -9999, 0, a), np.where(b == -9999, 0, b)
print(f"same grid {a.shape == b.shape}; max |hotspot - QGIS| = {np.abs(a - b).max():.4g} "
      f"on a maximum of {a.max():.6g} ({np.abs(a - b).max() / a.max():.2%})")
PY
"$out/bench_kde" "$pts" x y 250 10 560000,160000,580000,180000 "$out/hs_kde_snapped.tif" "$RUNS"
hb=$(median_of "$RUNS" "$hs" "${hs_args[@]}" -o "$out/hs_kde_binned.tif" --threads 2 --binned)
echo "hotspot kde --binned (approximate), 2 threads: median $hb s"
N10=$((N * 10))
pts10=$(points "$N10" "$out/kde_$N10.csv")
t10=$(median_of 1 "$hs" kde "$pts10" --x-column x --y-column y --bandwidth 250 --pixel-size 10 -q -o "$out/hs_kde10.tif")
mem10=$( { /usr/bin/time -f "%M" "$hs" kde "$pts10" --x-column x --y-column y --bandwidth 250 --pixel-size 10 -q -o "$out/hs_kde10.tif"; } 2>&1 | tail -1)
echo "hotspot kde end to end, $N10 incidents, 2 threads: $t10 s, peak $((mem10 / 1024)) MB"
t10b=$(median_of 1 "$hs" kde "$pts10" --x-column x --y-column y --bandwidth 250 --pixel-size 10 -q --binned -o "$out/hs_kde10b.tif")
echo "hotspot kde --binned (approximate), $N10 incidents, 2 threads: $t10b s"
