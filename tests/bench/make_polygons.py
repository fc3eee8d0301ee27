#!/usr/bin/env python3
"""Benchmark polygons: 20 polygons tiling the box of the generated incidents
(5 columns x 4 rows, in EPSG:27700) whose shared edges are wavy polylines of
125 vertices, so each polygon has about 500 vertices, like real ward outlines.
With NX NY: that many columns and rows (run_scale.sh: 60 x 60, the 3,600
polygons of a region's LSOAs; the South East has 5,382).
usage: make_polygons.py XMIN YMIN XMAX YMAX OUT.shp [NX NY]"""
import math, sys
import geopandas as gpd
from shapely.geometry import Polygon

x0, y0, x1, y1 = map(float, sys.argv[1:5])
out = sys.argv[5]
NX, NY = (int(sys.argv[6]), int(sys.argv[7])) if len(sys.argv) > 7 else (5, 4)
K = 125
xs = [x0 + (x1 - x0) * i / NX for i in range(NX + 1)]
ys = [y0 + (y1 - y0) * j / NY for j in range(NY + 1)]

def edge(a, b, seed):
    """K-vertex wavy line from a to b (not including b); the same for both
    neighbours because it depends only on the two end points."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    L = math.hypot(dx, dy)
    nx, ny = -dy / L, dx / L
    pts = []
    for k in range(K):
        t = k / K
        w = 0.02 * L * math.sin(2 * math.pi * 3 * t + seed) * math.sin(math.pi * t)
        pts.append((ax + dx * t + nx * w, ay + dy * t + ny * w))
    return pts

def side(a, b):
    # Orient each shared edge canonically so neighbours get identical vertices.
    if a <= b:
        e = edge(a, b, (a[0] + 3 * a[1]) % 7)
        return e
    e = edge(b, a, (b[0] + 3 * b[1]) % 7) + [a]
    return e[::-1][:-1]

polys, codes = [], []
for j in range(NY):
    for i in range(NX):
        c = [(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])]
        ring = []
        for k in range(4):
            ring += side(c[k], c[(k + 1) % 4])
        polys.append(Polygon(ring))
        codes.append(f"P{j}{i}" if NX <= 10 and NY <= 10 else f"P{j:02d}_{i:02d}")
g = gpd.GeoDataFrame({"code": codes, "name": codes}, geometry=polys, crs="EPSG:27700")
assert all(p.is_valid for p in polys)
g.to_file(out)
print(f"{len(polys)} polygons, {sum(len(p.exterior.coords) for p in polys) / len(polys):.0f} vertices each")
