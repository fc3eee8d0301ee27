#!/usr/bin/env bash
# National scale on one machine (issue 18): N police.uk rows snapped to
# N / 4.7 map points (default 30,000,000: 6.4 GB, several years of England
# and Wales) through `grid`, `wards` (3,600 LSOA-sized polygons of ~500
# vertices), `kde` and `hotspots`, each with wall time, CPU time and peak
# memory (bytes a row); `report` and exact `kde` on N/3 rows; then exact KDE
# on 10M unsnapped points against the approximate numpy FFT pipeline
# (peer_fft.py) in the same go. Progress goes to stderr (HOTSPOT_PROGRESS=1);
# the last lines of each command's progress are kept in out/scale_*.log.
# With BASE=path/to/an/older/hotspot, grid and kde are timed with it too, in
# the same go (before and after a change).
# usage: [BASE=...] tests/bench/run_scale.sh [N=30000000] [RUNS=1]   (from the repo top)
N=${1:-30000000}
RUNS=${2:-1}
source "$(dirname "$0")/common.sh"
if ! /usr/bin/python3 -c "import geopandas, scipy" 2>/dev/null; then
  apt-get install -y -qq python3-geopandas python3-scipy >/dev/null
fi
data=$(policeuk_snapped "$N")
N3=$((N / 3))
data3=$(policeuk_snapped "$N3")
# The polygons tile the box of the generated points (its first 1M rows).
if [ ! -s "$out/lsoa3600.shp" ]; then
  head -n 1000001 "$data" > "$out/scale_head.csv"
  /usr/bin/python3 - "$out/scale_head.csv" "$out/scale_box.txt" <<'PY'
import sys, pandas as pd
from pyproj import Transformer
df = pd.read_csv(sys.argv[1], usecols=["Longitude", "Latitude"]).dropna()
x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
    df.Longitude.values, df.Latitude.values)
open(sys.argv[2], "w").write(f"{x.min() - 2000} {y.min() - 2000} {x.max() + 2000} {y.max() + 2000}")
PY
  /usr/bin/python3 "$top/tests/bench/make_polygons.py" $(cat "$out/scale_box.txt") "$out/lsoa3600.shp" 60 60
fi
bytes=$(stat -c %s "$data")
echo "# scale: $N rows ($bytes bytes), $(nproc) cores, $(nproc) threads, $(date -u +%F)"
# measure NAME ROWS CMD...: wall, CPU (user + system), peak RSS and bytes a row.
measure() {
  local name=$1 rows=$2 log; shift 2
  log=$out/scale_${name// /_}.log
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out/scale_time.txt" env HOTSPOT_PROGRESS=1 "$@" \
      2> "$log" >/dev/null
    read -r wall user sys kb < "$out/scale_time.txt"
    echo "$wall $user $sys $kb"
  done | sort -g | awk -v name="$name" -v rows="$rows" '{a[NR]=$0} END {
    split(a[int((NR+1)/2)], f, " ");
    printf "%-24s wall %7.2f s  cpu %7.2f s  peak %6.0f MB  %5.1f B/row\n",
      name, f[1], f[2] + f[3], f[4] / 1024, f[4] * 1024 / rows }'
}
measure "grid $N" "$N" "$hs" grid "$data" -o "$out/scale_grid.geojson"
if [ -n "${BASE:-}" ]; then
  measure "grid $N (BASE)" "$N" "$BASE" grid "$data" -o "$out/scale_grid_base.geojson"
  cmp -s "$out/scale_grid.geojson" "$out/scale_grid_base.geojson" && echo "grid: the same bytes as BASE"
fi
measure "wards $N" "$N" "$hs" wards "$data" --wards "$out/lsoa3600.shp" -o "$out/scale_wards.csv"
measure "kde $N" "$N" "$hs" kde "$data" --bandwidth 250 --pixel-size 10 -o "$out/scale_kde.tif"
measure "hotspots $N" "$N" "$hs" hotspots "$data" -o "$out/scale_hotspots.csv"
measure "kde $N3" "$N3" "$hs" kde "$data3" --bandwidth 250 --pixel-size 10 -o "$out/scale_kde3.tif"
if [ -n "${BASE:-}" ]; then
  measure "grid $N3" "$N3" "$hs" grid "$data3" -o "$out/scale_grid3.geojson"
  measure "grid $N3 (BASE)" "$N3" "$BASE" grid "$data3" -o "$out/scale_grid3_base.geojson"
  measure "kde $N3 (BASE)" "$N3" "$BASE" kde "$data3" --bandwidth 250 --pixel-size 10 \
    -o "$out/scale_kde3_base.tif"
  cmp -s "$out/scale_kde3.tif" "$out/scale_kde3_base.tif" && echo "kde $N3: the same bytes as BASE"
fi
rm -rf "$out/scale_report"
measure "report $N3" "$N3" "$hs" report "$data3" -o "$out/scale_report"
echo "progress, grid $N (stderr, HOTSPOT_PROGRESS=1):"; grep -E "%$" "$out/scale_grid_$N.log" | head -4
# Exact KDE against the approximate FFT pipeline, 10M unsnapped points.
pts10=$(points 10000000 "$out/kde_10000000.csv")
measure "kde 10M unsnapped exact" 10000000 "$hs" kde "$pts10" --x-column x --y-column y \
  --bandwidth 250 --pixel-size 10 --extent 560000,160000,580000,180000 -o "$out/scale_kde10.tif"
[ -n "${BASE:-}" ] && measure "kde 10M unsnapped (BASE)" 10000000 "$BASE" kde "$pts10" --x-column x \
  --y-column y --bandwidth 250 --pixel-size 10 --extent 560000,160000,580000,180000 \
  -o "$out/scale_kde10_base.tif"
measure "numpy FFT (approximate)" 10000000 /usr/bin/python3 "$top/tests/bench/peer_fft.py" "$pts10" \
  560000 160000 580000 180000 10 250
# How far the approximation is from the exact surface (untimed).
/usr/bin/python3 "$top/tests/bench/peer_fft.py" "$pts10" 560000 160000 580000 180000 10 250 "$out/fft10.npy"
gdal_translate -q -of ENVI "$out/scale_kde10.tif" "$out/scale_kde10.raw" 2>/dev/null && \
/usr/bin/python3 - "$out" <<'PY'
import sys, numpy as np
out = sys.argv[1]
a = np.fromfile(f"{out}/scale_kde10.raw", dtype="<f4").reshape(2000, 2000).astype(float)
a = np.where(a == -9999, 0, a)
b = np.load(f"{out}/fft10.npy").astype(float)
d = np.abs(a - b)
print(f"FFT against exact: max |difference| {d.max():.4g} on a maximum of {a.max():.6g} "
      f"({d.max() / a.max():.2%}); median relative {np.median(d[a > 0] / a[a > 0]):.2e}")
PY
