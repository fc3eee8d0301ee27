#!/usr/bin/env bash
# The whole report on N generated police.uk rows (fixed seed; around eight
# Kent towns, Gravesend among them) with the shipped Gravesham wards, against
# the same pipeline in QGIS 3.22 through qgis_process, timed in the same run:
#   hotspot report (read once; ward table, 150 m grid, KDE r 300 m at 25 m
#   pixels, Gi* top 20, patrol plan, QGIS project, HTML report)
# against
#   ogr2ogr CSV -> GeoPackage in EPSG:27700 (QGIS's way in for a CSV this big),
#   native:extractbylocation (the incidents in the wards),
#   native:countpointsinpolygon on the wards (the ward table),
#   native:creategrid 150 m over the wards + native:countpointsinpolygon (grid),
#   qgis:heatmapkerneldensityestimation r 300 m, 25 m pixels (the density).
# QGIS has no Gi*, patrol plan or report page in that list: the peer does less.
# usage: tests/bench/run_report.sh [N=1000000] [RUNS=3]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-3}
source "$(dirname "$0")/common.sh"
if [ ! -x /usr/bin/qgis_process.bin ] || ! command -v ogr2ogr >/dev/null; then
  apt-get install -y -qq --no-install-recommends qgis qgis-providers gdal-bin >/dev/null
fi
data=$(policeuk "$N")
wards=$top/shapefiles/gravesham_wards_2013.shp
echo "# report: $N police.uk rows ($(($(stat -c %s "$data") / 1048576)) MB), Gravesham wards, $(nproc) cores, $(date -u +%F)"

rm -rf "$out/report_bench"
hs_args=(report "$data" --bandwidth 300 --pixel-size 25 -q -o "$out/report_bench")
h=$(median_of "$RUNS" "$hs" "${hs_args[@]}")
mem=$( { /usr/bin/time -f "%M" "$hs" "${hs_args[@]}"; } 2>&1 | tail -1)
in_wards=$(python3 -c "import csv,sys; print(sum(int(r['count']) for r in csv.DictReader(open(sys.argv[1]))))" "$out/report_bench/wards.csv")
echo "hotspot report: median $h s, peak $((mem / 1024)) MB; $in_wards incidents in the wards"

qp() { env QT_QPA_PLATFORM=offscreen /usr/bin/qgis_process.bin run "$@"; }
peer() {
  local d=$out/qgis_report
  rm -rf "$d" && mkdir -p "$d"
  ogr2ogr -q -f GPKG "$d/points.gpkg" "$data" -oo X_POSSIBLE_NAMES=Longitude \
    -oo Y_POSSIBLE_NAMES=Latitude -oo KEEP_GEOM_COLUMNS=NO -s_srs EPSG:4326 -t_srs EPSG:27700 \
    -nln points -skipfailures
  qp native:extractbylocation --INPUT="$d/points.gpkg" --PREDICATE=0 --INTERSECT="$wards" \
    --OUTPUT="$d/in_wards.gpkg"
  qp native:countpointsinpolygon --POLYGONS="$wards" --POINTS="$d/in_wards.gpkg" \
    --FIELD=NUMPOINTS --OUTPUT="$d/wards.gpkg"
  local ext
  ext=$(ogrinfo -so -al "$wards" | awk -F'[(), -]+' '/^Extent/ {print $2","$4","$3","$5}')
  qp native:creategrid --TYPE=2 --EXTENT="$ext [EPSG:27700]" --HSPACING=150 --VSPACING=150 \
    --CRS=EPSG:27700 --OUTPUT="$d/grid.gpkg"
  qp native:countpointsinpolygon --POLYGONS="$d/grid.gpkg" --POINTS="$d/in_wards.gpkg" \
    --FIELD=NUMPOINTS --OUTPUT="$d/grid_counts.gpkg"
  qp qgis:heatmapkerneldensityestimation --INPUT="$d/in_wards.gpkg" --RADIUS=300 \
    --PIXEL_SIZE=25 --KERNEL=0 --OUTPUT_VALUE=0 --OUTPUT="$d/heatmap.tif"
}
q=$(median_of "$RUNS" peer)
peer >/dev/null 2>&1
qin=$(ogrinfo -q -sql "SELECT SUM(NUMPOINTS) FROM wards" "$out/qgis_report/wards.gpkg" | awk '/SUM/ {print $NF}')
echo "QGIS pipeline (ogr2ogr + 5 qgis_process steps): median $q s; $qin incidents in the wards"
echo "ratio: hotspot report is $(echo "$q / $h" | bc -l | xargs printf '%.1f')x faster"
