"""Even-odd point-in-polygon over GeoJSON rings: an oracle independent of
GEOS, PROJ and json-c (pure Python, the json module)."""
import json


def inside(rings, x, y):
    c = False
    for r in rings:
        for (x1, y1), (x2, y2) in zip(r, r[1:] + r[:1]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                c = not c
    return c


def polygons(path, key):
    """(properties[key], every ring of the feature) per feature."""
    out = []
    for f in json.load(open(path))['features']:
        g = f['geometry']
        parts = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']
        out.append((f['properties'].get(key),
                    [[tuple(p[:2]) for p in r] for part in parts for r in part]))
    return out
