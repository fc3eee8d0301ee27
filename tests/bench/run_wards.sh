#!/usr/bin/env bash
# Wards benchmark: N police.uk rows (fixed seed) over 20 polygons of ~500
# vertices tiling their extent. Times, in the same run: the join alone
# (hs_units_locate) against PostGIS ST_Contains with a GiST index (query
# only) and geopandas sjoin; then `hotspot wards` end to end (read,
# reproject, join, table) with those polygons and with the built-in
# Gravesham wards. Checks all three give the same counts.
# usage: tests/bench/run_wards.sh [N=1000000] [RUNS=5]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-5}
source "$(dirname "$0")/common.sh"
if ! /usr/bin/python3 -c "import geopandas, rtree" 2>/dev/null || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  apt-get install -y -qq python3-geopandas python3-rtree postgresql-15 postgresql-15-postgis-3 >/dev/null
fi
bench_prog bench_wards
data=$(policeuk "$N")
# The same projected points for every peer (PROJ via pyproj, as hotspot).
/usr/bin/python3 - "$data" "$out/points_xy.csv" "$out/poly_box.txt" <<'PY'
import sys, pandas as pd
from pyproj import Transformer
df = pd.read_csv(sys.argv[1], usecols=["Longitude", "Latitude"]).dropna()
x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
    df.Longitude.values, df.Latitude.values)
pd.DataFrame({"x": x, "y": y}).to_csv(sys.argv[2], index=False, float_format="%.17g")
open(sys.argv[3], "w").write(f"{x.min() - 200} {y.min() - 200} {x.max() + 200} {y.max() + 200}")
PY
/usr/bin/python3 "$top/tests/bench/make_polygons.py" $(cat "$out/poly_box.txt") "$out/poly20.shp"
echo "# wards: $N rows, $(nproc) cores, $(date -u +%F)"
"$out/bench_wards" "$data" "$out/poly20.shp" "$RUNS"
bash "$top/tests/bench/peer_wards.sh" "$out/points_xy.csv" "$out/poly20.shp" "$out" "$RUNS"
"$hs" wards "$data" --wards "$out/poly20.shp" -o "$out/hs_wards.csv" -q
/usr/bin/python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
ours = {r["code"]: int(r["count"]) for r in csv.DictReader(open(f"{out}/hs_wards.csv")) if int(r["count"])}
def peer(name):
    return {l.split("|")[0]: int(l.split("|")[1]) for l in open(f"{out}/{name}") if l.strip()}
pg, gp = peer("postgis_counts.txt"), peer("geopandas_counts.txt")
print(f"counts per polygon: hotspot = PostGIS: {ours == pg}; hotspot = geopandas: {ours == gp}; total {sum(ours.values())}")
PY
e20=$(median_of "$RUNS" "$hs" wards "$data" --wards "$out/poly20.shp" -o "$out/hs_wards.csv" -q)
eg=$(median_of "$RUNS" "$hs" wards "$data" -o "$out/hs_gravesham.csv" -q)
echo "hotspot wards end to end, 20 polygons: median $e20 s"
echo "hotspot wards end to end, built-in Gravesham wards: median $eg s"
