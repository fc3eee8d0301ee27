#!/usr/bin/env bash
# Reads hotspot's GeoTIFF back with GDAL (what QGIS uses for rasters):
# georeferencing, CRS, nodata, compression, Float32, the method in the
# metadata, and the pixel values equal to the .asc written alongside.
# usage: check_raster.sh HOTSPOT INPUT WORK_DIR
set -euo pipefail
exe=$1 input=$2 work=$3
mkdir -p "$work"
args=(kde "$input" --bandwidth 400 --pixel-size 100 --units density -q)
"$exe" "${args[@]}" -o "$work/k.tif"
"$exe" "${args[@]}" -o "$work/k.asc"
info=$(gdalinfo -mdd all "$work/k.tif")
fail=0
for want in "Driver: GTiff" 'ID\["EPSG",27700\]' "Pixel Size = \(100\.0+,-100\.0+\)" \
            "NoData Value=-9999" "COMPRESSION=DEFLATE" "Type=Float32" \
            "KERNEL=quartic" "BANDWIDTH_M=400" "UNITS=incidents per km2"; do
  if ! grep -Eq "$want" <<<"$info"; then echo "FAIL: gdalinfo lacks: $want"; fail=1; fi
done
# Origin on multiples of the pixel size (snapped grid).
grep -Eq "Origin = \([0-9]+00\.0+,[0-9]+00\.0+\)" <<<"$info" || { echo "FAIL: origin not snapped"; fail=1; }
gdal_translate -q -of AAIGrid "$work/k.tif" "$work/k_gdal.asc"
/usr/bin/python3 - "$work/k.asc" "$work/k_gdal.asc" <<'PY' || fail=1
import sys
def grid(p):
    lines = open(p).read().split("\n")
    vals = [float(v) for l in lines[6:] for v in l.split()]
    return {l.split()[0].lower(): float(l.split()[1]) for l in lines[:6] if l.strip()}, vals
(ha, a), (hb, b) = grid(sys.argv[1]), grid(sys.argv[2])
ok = len(a) == len(b) and all(abs(x - y) <= 1e-6 * max(1, abs(x)) for x, y in zip(a, b))
ok = ok and abs(ha["xllcorner"] - hb["xllcorner"]) < 1e-6 and abs(ha["yllcorner"] - hb["yllcorner"]) < 1e-6
print("GeoTIFF values equal the ASCII grid" if ok else "FAIL: GeoTIFF and ASCII grid differ")
sys.exit(0 if ok else 1)
PY
# The QGIS style is well-formed XML with a pseudocolour renderer.
/usr/bin/python3 -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); \
  assert r.find('pipe/rasterrenderer').get('type') == 'singlebandpseudocolor'" "$work/k.qml" \
  || { echo "FAIL: .qml"; fail=1; }
/usr/bin/python3 -c "import sys, json; d = json.load(open(sys.argv[1])); \
  assert d['kernel'] == 'quartic' and d['bandwidth_m'] == 400 and d['units'] == 'incidents per km2'" \
  "$work/k.json" || { echo "FAIL: .json"; fail=1; }
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
