"""hotspot.dask on a LocalCluster of 2 worker processes gives the
single-process density and grid table, byte for byte."""
import os

import numpy as np
import pytest

import hotspot

distributed = pytest.importorskip("distributed")
import hotspot.dask as hd  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    c.wait_for_workers(2)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(11)
    n = 300000
    k = rng.integers(0, 12, n)
    cx, cy = rng.uniform(560000, 590000, 12), rng.uniform(160000, 185000, 12)
    x = np.round(rng.normal(cx[k], 900), 1)
    y = np.round(rng.normal(cy[k], 900), 1)
    return x, y, rng.uniform(0.5, 3, n).round(2)


@pytest.mark.parametrize("kernel,bw,px", [("quartic", 400, 25), ("epanechnikov", 250, 10),
                                          ("gaussian", 150, 50)])
def test_kde_tiles_are_the_single_run(client, points, kernel, bw, px):
    x, y, w = points
    box = (558000, 157000, 592000, 188000)
    single = hotspot.kde(hotspot.Incidents.from_arrays(x, y, weights=w), bandwidth=bw,
                         pixel_size=px, kernel=kernel, extent=box)
    values, transform = hd.kde(client, x, y, weights=w, bandwidth=bw, pixel_size=px, kernel=kernel,
                               extent=box, tile_rows=300)
    assert transform == single.transform
    assert values.tobytes() == single.values.tobytes()


def test_grid_tiles_are_the_single_run(client, points):
    x, y, w = points
    single = hotspot.grid(hotspot.Incidents.from_arrays(x, y, weights=w), geometry=False)
    tiled = hd.grid(client, x, y, weights=w, columns_per_tile=40)
    assert list(tiled["id"]) == list(single["id"])
    assert tiled["count"].tolist() == single["count"].tolist()
    assert tiled["weight"].tolist() == single["weight"].tolist()  # sums in input order: exact


@pytest.mark.parametrize("weighted,star", [(False, True), (True, True), (True, False)])
def test_gistar_tiles_are_the_single_run(client, points, weighted, star):
    x, y, w = points
    inc = hotspot.Incidents.from_arrays(x, y, weights=w if weighted else None)
    single = hotspot.gistar_grid(inc, cell_size=500, weighted=weighted, star=star)
    tiled = hd.gistar(client, x, y, cell_size=500, weights=w if weighted else None, star=star,
                      columns_per_tile=7)
    assert len(single) == len(tiled) > 3000
    for k in ("row", "col", "value", "z", "p"):
        assert tiled[k].to_numpy().tobytes() == single[k].to_numpy().tobytes(), k
