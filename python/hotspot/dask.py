"""hotspot.dask: density and grid counts past one machine, on dask.distributed.

The surface is cut into tiles; each worker computes its tile with the same
library from the incidents within reach of it (a halo of one kernel reach),
and the tiles are put back together. The result is the single-process
result, byte for byte:

- a density pixel sums, in input order, the terms of the incidents that
  reach it, and a tile holds exactly those incidents, in the same order;
- the exact kernel evaluates its polynomial in blocks anchored at multiples
  of 512 pixel columns of the whole plane (kde.c), so tiles are cut on
  those columns (rows are independent and cut anywhere);
- a grid cell's count and weight sum come from its own incidents in input
  order, and each cell belongs to one tile;
- Gi* needs the mean and variance over every cell: the cells' values are
  gathered first and their sum and sum of squares rounded once (math.fsum,
  the same doubles in any order); then each tile of columns, with its ring
  of one column either side, computes z for its own cells with those
  moments and the same neighbour order as the whole box.

Pixel centres must be exact in binary (metre pixels on metre coordinates).
The same code runs on any cluster: ``Client("scheduler:8786")`` instead of
a LocalCluster; the workers need libhotspot and this package installed.
"""
import math
from typing import Optional, Sequence

import numpy as np

from . import core

#: kde.c anchors its polynomial blocks at multiples of this many columns.
BLOCK_COLUMNS = 512
#: The density's nodata (pixels no incident reaches), as hotspot.kde's.
NODATA = -9999.0


def _kde_tile(x, y, w, tile, bandwidth, pixel_size, kernel, reach, crs):
    m = ((x >= tile[0] - reach - pixel_size) & (x <= tile[2] + reach + pixel_size)
         & (y >= tile[1] - reach - pixel_size) & (y <= tile[3] + reach + pixel_size))
    inc = core.Incidents.from_arrays(x[m], y[m], weights=None if w is None else w[m],
                                     working_crs=crs, threads=1)
    if len(inc) == 0:
        return None
    r = core.kde(inc, bandwidth=bandwidth, pixel_size=pixel_size, kernel=kernel, extent=tile,
                 threads=1)
    return np.array(r.values)


def kde(client, x, y, *, bandwidth: float, pixel_size: float, extent: Sequence[float],
        weights=None, kernel: str = "quartic", gaussian_cutoff: float = 4,
        tile_columns: int = 2 * BLOCK_COLUMNS, tile_rows: int = 1024,
        crs: str = "EPSG:27700"):
    """The exact density of incidents (x, y in the working CRS; optional
    weights) over ``extent`` (xmin, ymin, xmax, ymax) on the snapped pixel
    grid, computed tile by tile on the cluster of ``client``. Returns
    (values, transform) as hotspot.kde's Raster has them: the same bytes."""
    px = float(pixel_size)
    x_min = math.floor(extent[0] / px) * px
    y_max = math.ceil(extent[3] / px) * px
    width = max(1, math.ceil((extent[2] - x_min) / px))
    height = max(1, math.ceil((y_max - extent[1]) / px))
    reach = bandwidth * (gaussian_cutoff if kernel == "gaussian" else 1)
    if tile_columns % BLOCK_COLUMNS:
        raise ValueError("tile_columns must be a multiple of %d" % BLOCK_COLUMNS)
    # Column cuts on the plane's multiples of the block, row cuts anywhere.
    col0 = round(x_min / px)
    cuts = [0] + [c for c in range(1, width) if (col0 + c) % tile_columns == 0] + [width]
    rows = list(range(0, height, tile_rows)) + [height]
    xs, ys = client.scatter([np.ascontiguousarray(x, float), np.ascontiguousarray(y, float)],
                            broadcast=True)
    ws = client.scatter(np.ascontiguousarray(weights, float), broadcast=True) if weights is not None else None
    jobs = []
    for c0, c1 in zip(cuts, cuts[1:]):
        for r0, r1 in zip(rows, rows[1:]):
            tile = (x_min + c0 * px, y_max - r1 * px, x_min + c1 * px, y_max - r0 * px)
            jobs.append(((r0, c0), client.submit(_kde_tile, xs, ys, ws, tile, bandwidth, px, kernel,
                                                 reach, crs, pure=False)))
    # Pixels no incident reaches are nodata, as in the single run.
    out = np.full((height, width), NODATA, dtype=np.float32)
    for (r0, c0), fut in jobs:
        v = fut.result()
        if v is not None:
            out[r0:r0 + v.shape[0], c0:c0 + v.shape[1]] = v
    return out, (px, 0.0, x_min, 0.0, -px, y_max)


def _grid_tile(x, y, w, lo, hi, cell_size, crs):
    m = (x >= lo) & (x < hi)
    if not m.any():
        return None
    inc = core.Incidents.from_arrays(x[m], y[m], weights=None if w is None else w[m],
                                     working_crs=crs, threads=1)
    return core.grid(inc, cell_size=cell_size, geometry=False)


def grid(client, x, y, *, cell_size: float = 150, weights=None, columns_per_tile: int = 64,
         crs: str = "EPSG:27700"):
    """Incidents per square cell (origin 0, 0), the cells split by columns
    over the cluster: the table hotspot.grid gives (id, row, col, cx, cy,
    count, weight), in its order (row, then column)."""
    import pandas as pd
    x = np.ascontiguousarray(x, float)
    y = np.ascontiguousarray(y, float)
    cs = float(cell_size)
    ok = np.isfinite(x)
    lo = math.floor(x[ok].min() / cs) if ok.any() else 0
    hi = math.floor(x[ok].max() / cs) + 1 if ok.any() else 1
    xs, ys = client.scatter([x, y], broadcast=True)
    ws = client.scatter(np.ascontiguousarray(weights, float), broadcast=True) if weights is not None else None
    futs = [client.submit(_grid_tile, xs, ys, ws, c * cs, (c + columns_per_tile) * cs, cs, crs, pure=False)
            for c in range(lo, hi, columns_per_tile)]
    parts = [f.result() for f in futs]
    df = pd.concat([p for p in parts if p is not None], ignore_index=True)
    return df.sort_values(["row", "col"], kind="stable", ignore_index=True)


def _gistar_tile(block, own0, own1, moments, star):
    return core._gistar_block(block, moments, star)[:, own0:own1]


def gistar(client, x, y, *, cell_size: float = 150, weights=None, star: bool = True,
           columns_per_tile: int = 64, crs: str = "EPSG:27700"):
    """hotspot.gistar_grid on the cluster: counts (or weight sums) by cell
    columns, the global moments gathered, then Gi* by tiles of columns with a
    ring of one cell. The same table (row, col, value, z, p), byte for byte."""
    table = grid(client, x, y, cell_size=cell_size, weights=weights,
                 columns_per_tile=columns_per_tile, crs=crs)
    box, r0, c0 = core._box(table, weights is not None)
    if not box.size:
        return core._box_frame(box, r0, c0, np.zeros((0, 0)))
    moments = core._moments(box)
    width = box.shape[1]
    jobs = []
    for a in range(0, width, columns_per_tile):
        b = min(width, a + columns_per_tile)
        lo, hi = max(0, a - 1), min(width, b + 1)
        jobs.append((a, b, client.submit(_gistar_tile, box[:, lo:hi], a - lo, a - lo + (b - a),
                                         moments, star, pure=False)))
    z = np.empty(box.shape)
    for a, b, fut in jobs:
        z[:, a:b] = fut.result()
    return core._box_frame(box, r0, c0, z)


__all__ = ["kde", "grid", "gistar", "BLOCK_COLUMNS"]
