#!/usr/bin/env python3
"""Checks hotspot's GeoJSON and CSV grid layers with an independent reader
(Python's json and csv): RFC 7946 shape (FeatureCollection, no "crs",
lon/lat ranges, closed counter-clockwise rings), properties, and that the
counts add up to the rows used. Usage: check_geojson.py HOTSPOT DATA_DIR OUT_DIR"""
import csv, glob, json, os, subprocess, sys

exe, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
inputs = sorted(glob.glob(os.path.join(data, "*.csv")))
fails = 0

def check(cond, msg):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", msg)

for shape in ("square", "hex"):
    gj, cv = os.path.join(out, shape + ".geojson"), os.path.join(out, shape + ".csv")
    for path in (gj, cv):
        r = subprocess.run([exe, "grid", *inputs, "--shape", shape, "-o", path],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"{shape} {path}: exit {r.returncode} {r.stderr}")
    used = 59420
    doc = json.load(open(gj))
    check(doc["type"] == "FeatureCollection" and "crs" not in doc, "collection")
    props = ["id", "row", "col", "x_min", "y_min", "x_max", "y_max", "count", "weight"]
    total, ids = 0, set()
    for ft in doc["features"]:
        p = ft["properties"]
        check(list(p) == props, f"properties {list(p)}")
        total += p["count"]
        ids.add(p["id"])
        ring = ft["geometry"]["coordinates"][0]
        check(ft["geometry"]["type"] == "Polygon", "polygon")
        check(ring[0] == ring[-1] and len(ring) == (5 if shape == "square" else 7), "closed ring")
        check(all(-2 < lon < 2 and 50.5 < lat < 51.6 for lon, lat in ring), "Kent lon/lat")
        area2 = sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
                    for i in range(len(ring) - 1))
        check(area2 > 0, f"counter-clockwise ring {p['id']}")
    check(total == used, f"{shape}: counts add to {total}, want {used}")
    check(len(ids) == len(doc["features"]), "unique ids")
    rows = list(csv.DictReader(open(cv)))
    check([r["id"] for r in rows] == [f["properties"]["id"] for f in doc["features"]],
          "csv and geojson list the same cells")
    check(sum(int(r["count"]) for r in rows) == used, "csv counts")
    print(f"{shape}: {len(rows)} cells, {total} incidents, RFC 7946 checks passed")

# The ward table as GeoJSON: polygons with holes and parts, RFC 7946
# orientation (exterior counter-clockwise, holes clockwise), and the
# violence counts of the peer (geopandas) file.
peerdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "peer")
wj = os.path.join(out, "wards.geojson")
r = subprocess.run([exe, "wards", *inputs, "--crime-type", "Violence and sexual offences",
                    "--by-type", "-o", wj], capture_output=True, text=True)
check(r.returncode == 0, f"wards: exit {r.returncode} {r.stderr}")
doc = json.load(open(wj))
peer = {row["code"]: int(row["n"]) for row in csv.DictReader(open(os.path.join(peerdir, "gravesham_violence_wards_geopandas.csv")))}
check(doc["type"] == "FeatureCollection" and "crs" not in doc and len(doc["features"]) == 18, "wards collection")
def area2(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
for ft in doc["features"]:
    p, g = ft["properties"], ft["geometry"]
    check(p["count"] == peer[p["code"]], f"{p['code']}: {p['count']} vs geopandas {peer[p['code']]}")
    check(p["Violence and sexual offences"] == p["count"], "by-type column")
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    check(g["type"] in ("Polygon", "MultiPolygon"), "polygonal")
    for poly in polys:
        check(area2(poly[0]) > 0, f"{p['code']}: exterior counter-clockwise")
        for hole in poly[1:]:
            check(area2(hole) < 0, f"{p['code']}: hole clockwise")
        for ring in poly:
            check(ring[0] == ring[-1] and len(ring) >= 4, "closed ring")
            check(all(0.2 < lon < 0.6 and 51.3 < lat < 51.5 for lon, lat in ring), "Gravesham lon/lat")
print(f"wards: 18 polygons, counts equal to geopandas, RFC 7946 checks passed")

# LSOAs: two of them are MultiPolygons.
lsoa = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                    "boundaries", "gravesham-lsoa-2011", "gravesham_lsoa_2011.shp")
lj = os.path.join(out, "lsoa.geojson")
r = subprocess.run([exe, "wards", *inputs, "--crime-type", "Violence and sexual offences",
                    "--wards", lsoa, "-o", lj], capture_output=True, text=True)
check(r.returncode == 0, f"lsoa: exit {r.returncode} {r.stderr}")
doc = json.load(open(lj))
peer = {row["code"]: int(row["n"]) for row in csv.DictReader(open(os.path.join(peerdir, "gravesham_violence_lsoa_geopandas.csv")))}
multi = 0
for ft in doc["features"]:
    p, g = ft["properties"], ft["geometry"]
    check(p["count"] == peer[p["code"]], f"{p['code']}: {p['count']} vs geopandas")
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    multi += g["type"] == "MultiPolygon"
    for poly in polys:
        check(area2(poly[0]) > 0, f"{p['code']}: exterior counter-clockwise")
check(len(doc["features"]) == 64 and multi == 2, f"{len(doc['features'])} LSOAs, {multi} multipart")
print(f"lsoa: 64 polygons ({multi} MultiPolygons), counts equal to geopandas")

print("1 passed, 0 failed" if not fails else f"0 passed, 1 failed")
sys.exit(1 if fails else 0)
