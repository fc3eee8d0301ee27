#!/usr/bin/env bash
# Opens hotspot's GeoJSON grid with GDAL/OGR, the library QGIS reads vector
# layers with: the driver, geometry type, CRS and field types must be what
# QGIS users get. usage: check_ogr.sh HOTSPOT INPUT WORK_DIR
set -euo pipefail
exe=$1 input=$2 work=$3
mkdir -p "$work"
"$exe" grid "$input" -o "$work/ogr.geojson" -q
info=$(ogrinfo -ro -al -so "$work/ogr.geojson")
fail=0
for want in "using driver \`GeoJSON' successful" "Geometry: Polygon" 'ID\["EPSG",4326\]' \
            "id: String" "row: Integer" "col: Integer" "x_min: Real" "y_min: Real" \
            "x_max: Real" "y_max: Real" "count: Integer" "weight: Real"; do
  if ! grep -Eq "$want" <<<"$info"; then echo "FAIL: ogrinfo lacks: $want"; fail=1; fi
done
# The CSV layer, through OGR's CSV driver, lists the same cells.
"$exe" grid "$input" -o "$work/ogr.csv" -q
n_json=$(grep -o 'Feature Count: [0-9]*' <<<"$info")
n_csv=$(ogrinfo -ro -al -so "$work/ogr.csv" | grep -o 'Feature Count: [0-9]*')
[ "$n_json" = "$n_csv" ] || { echo "FAIL: $n_json vs csv $n_csv"; fail=1; }
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
