#!/usr/bin/env bash
# Peers for the point-in-polygon join, timed in the same run as hotspot:
#  - PostGIS: points and polygons loaded, GiST index on the polygons, then
#    only the query is timed (ST_Contains join grouped by polygon);
#  - geopandas: sjoin(predicate="within") + groupby, timed in Python.
# Each prints its per-polygon counts to OUT_DIR for comparison.
# usage: peer_wards.sh POINTS_XY.csv POLYGONS.shp OUT_DIR RUNS
set -euo pipefail
pts=$1 shp=$2 out=$3 runs=$4
PGBIN=/usr/lib/postgresql/15/bin
pgdir=$(mktemp -d /tmp/hs_pg.XXXXXX)
chown postgres "$pgdir"
as_pg() { runuser -u postgres -- "$@"; }
as_pg $PGBIN/initdb -D "$pgdir/data" -A trust >/dev/null
as_pg $PGBIN/pg_ctl -D "$pgdir/data" -o "-k $pgdir -c listen_addresses='' -c max_parallel_workers_per_gather=2" -l "$pgdir/log" start >/dev/null
trap 'as_pg $PGBIN/pg_ctl -D "$pgdir/data" stop -m fast >/dev/null; rm -rf "$pgdir"' EXIT
psql() { as_pg /usr/bin/psql -h "$pgdir" -d postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -c "CREATE EXTENSION postgis"
cp "$pts" "$pgdir/pts.csv" && chown postgres "$pgdir/pts.csv"
psql -c "CREATE TABLE pts (x float8, y float8)" -c "\\copy pts FROM '$pgdir/pts.csv' CSV HEADER"
psql -c "ALTER TABLE pts ADD COLUMN geom geometry(Point, 27700)" \
     -c "UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(x, y), 27700)" -c "VACUUM ANALYZE pts"
/usr/bin/python3 - "$shp" "$pgdir/polys.sql" <<'PY'
import sys, geopandas as gpd
g = gpd.read_file(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write("CREATE TABLE polys (code text, geom geometry(Polygon, 27700));\n")
    for c, geom in zip(g["code"], g.geometry):
        f.write(f"INSERT INTO polys VALUES ('{c}', ST_GeomFromText('{geom.wkt}', 27700));\n")
    f.write("CREATE INDEX ON polys USING gist (geom);\nANALYZE polys;\n")
PY
chown postgres "$pgdir/polys.sql"
psql -f "$pgdir/polys.sql"
q="SELECT p.code, count(*) FROM polys p JOIN pts ON ST_Contains(p.geom, pts.geom) GROUP BY p.code ORDER BY p.code"
for i in $(seq "$runs"); do
  t0=$(date +%s.%N); psql -At -c "$q" > "$out/postgis_counts.txt"; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
done | sort -g | awk '{a[NR]=$1} END {printf "postgis join (ST_Contains, GiST), median of %d: %.3f s\n", NR, a[int((NR+1)/2)]}'
/usr/bin/python3 - "$pts" "$shp" "$out" "$runs" <<'PY'
import sys, time, statistics
import geopandas as gpd, pandas as pd
pts, shp, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
df = pd.read_csv(pts)
g = gpd.GeoDataFrame(geometry=gpd.points_from_xy(df.x, df.y), crs="EPSG:27700")
polys = gpd.read_file(shp)
ts = []
for _ in range(runs):
    t0 = time.perf_counter()
    j = gpd.sjoin(g, polys[["code", "geometry"]], predicate="within")
    counts = j.groupby("code").size()
    ts.append(time.perf_counter() - t0)
counts.sort_index().to_csv(f"{out}/geopandas_counts.txt", sep="|", header=False)
print(f"geopandas join (sjoin within + groupby), median of {runs}: {statistics.median(ts):.3f} s")
PY
