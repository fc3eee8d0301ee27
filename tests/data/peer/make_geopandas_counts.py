#!/usr/bin/env python3
"""Peer reference, run once outside the test suite (the outputs are committed):
counts of the fixture's 1,428 violent incidents (x_bng, y_bng) per
Gravesham ward and per LSOA, by geopandas.sjoin(predicate="within") on the
shapefiles in tests/data/boundaries. Debian 12: python3-geopandas 0.12.2, shapely 1.8.5 (GEOS
3.11.1), fiona 1.9.0, rtree 1.0.1 (python3-rtree).
usage: make_geopandas_counts.py tests/data tests/data/peer"""
import sys
import geopandas as gpd
import pandas as pd

data, out = sys.argv[1], sys.argv[2]
pts = pd.read_csv(f"{data}/fixtures/gravesham_violence_2024-01_to_04_bng.csv")
g = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts.x_bng, pts.y_bng), crs="EPSG:27700")
for name, path, code in [("wards", "boundaries/gravesham-wards-2013/gravesham_wards_2013.shp", "WD13CD"),
                         ("lsoa", "boundaries/gravesham-lsoa-2011/gravesham_lsoa_2011.shp", "LSOA11CD")]:
    polys = gpd.read_file(f"{data}/{path}")
    j = gpd.sjoin(g, polys[[code, "geometry"]], how="left", predicate="within")
    counts = j.groupby(code).size()
    res = polys[[code]].copy()
    res["n"] = res[code].map(counts).fillna(0).astype(int)
    res.rename(columns={code: "code"}).to_csv(f"{out}/gravesham_violence_{name}_geopandas.csv", index=False)
    print(name, "in polygons:", int(res.n.sum()), "outside:", int(j[code].isna().sum()))
