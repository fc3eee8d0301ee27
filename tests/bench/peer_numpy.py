#!/usr/bin/env python3
"""Peer for the grid benchmark: the same job done the usual Python way --
pandas.read_csv, pyproj (PROJ) to EPSG:27700, numpy.histogram2d on 150 m
cells snapped to multiples of 150 m, and the non-empty cells written as
GeoJSON polygons in WGS84. usage: peer_numpy.py IN.csv OUT.geojson [CELL]"""
import json, sys
import numpy as np
import pandas as pd
from pyproj import Transformer

src, out = sys.argv[1], sys.argv[2]
cs = float(sys.argv[3]) if len(sys.argv) > 3 else 150.0
df = pd.read_csv(src, usecols=["Longitude", "Latitude"], dtype="float64")
df = df.dropna()
fwd = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
x, y = fwd.transform(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
x0, y0 = np.floor(x.min() / cs) * cs, np.floor(y.min() / cs) * cs
nx, ny = int((x.max() - x0) // cs) + 1, int((y.max() - y0) // cs) + 1
h, _, _ = np.histogram2d(x, y, bins=[nx, ny], range=[[x0, x0 + nx * cs], [y0, y0 + ny * cs]])
ix, iy = np.nonzero(h)
inv = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
xmin, ymin = x0 + ix * cs, y0 + iy * cs
cx = np.stack([xmin, xmin + cs, xmin + cs, xmin, xmin], axis=1)
cy = np.stack([ymin, ymin, ymin + cs, ymin + cs, ymin], axis=1)
lon, lat = inv.transform(cx.ravel(), cy.ravel())
lon, lat = np.round(lon, 7).reshape(cx.shape), np.round(lat, 7).reshape(cy.shape)
feats = [{"type": "Feature",
          "properties": {"row": int(r), "col": int(c), "count": int(h[i, j])},
          "geometry": {"type": "Polygon",
                       "coordinates": [list(map(list, zip(lon[k], lat[k])))]}}
         for k, (i, j, r, c) in enumerate(zip(ix, iy, (ymin // cs).astype(int), (xmin // cs).astype(int)))]
with open(out, "w") as f:
    json.dump({"type": "FeatureCollection", "features": feats}, f)
print(f"peer: {len(df)} points, {len(feats)} cells", file=sys.stderr)
