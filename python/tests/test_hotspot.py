"""The Python package against the `hotspot` command on the shipped data: the
same numbers, and the same bytes where files are written (the command is
the independent side: argv parsing, its own reading of the files). Run by
ctest (python_pytest) with HOTSPOT_EXE and HOTSPOT_DATA set."""
import csv
import filecmp
import os
import signal
import subprocess
import threading

import numpy as np
import pytest

import hotspot

EXE = os.environ["HOTSPOT_EXE"]
DATA = os.environ["HOTSPOT_DATA"]
KENT = sorted(os.path.join(DATA, "police-uk-kent", f) for f in os.listdir(os.path.join(DATA, "police-uk-kent"))
              if f.endswith(".csv"))
WARDS = os.path.join(DATA, "boundaries", "gravesham-wards-2013", "gravesham_wards_2013.shp")
GPKG = os.path.join(DATA, "boundaries", "gravesham-wards-2013", "gravesham_wards_2013.gpkg")
V = "Violence and sexual offences"
BOX = (560600, 161000, 573300, 176550)


def cli(*args):
    subprocess.run([EXE, *map(str, args), "-q"], check=True)


@pytest.fixture(scope="module")
def violence():
    return hotspot.Incidents.read_csv(KENT, crime_type=V)


def test_read_accounts_for_every_row(violence):
    s = violence.summary
    assert s["rows_read"] == 60021
    assert s["rows_used"] + sum(s["rejected"].values()) == s["rows_read"]
    assert len(violence) == s["rows_used"] == 23439
    rej = violence.rejects()
    assert len(rej) == s["rows_read"] - s["rows_used"]
    assert set(rej["reason"]) == set(s["rejected"])


def test_kde_same_bytes_as_cli(violence, tmp_path):
    cli("kde", *KENT, "--crime-type", V, "--bandwidth", 300, "--pixel-size", 50,
        "--extent", ",".join(map(str, BOX)), "-o", tmp_path / "cli.tif")
    r = hotspot.kde(violence, bandwidth=300, pixel_size=50, extent=BOX)
    r.write(tmp_path / "py.tif")
    for ext in (".tif", ".json", ".qml"):
        assert filecmp.cmp(tmp_path / ("cli" + ext), tmp_path / ("py" + ext), shallow=False), ext
    # The values are the library's memory, rows from the top, with the
    # GeoTIFF's transform: the pixel holding the maximum is where the
    # command's .asc has it.
    cli("kde", *KENT, "--crime-type", V, "--bandwidth", 300, "--pixel-size", 50,
        "--extent", ",".join(map(str, BOX)), "-o", tmp_path / "cli.asc")
    lines = open(tmp_path / "cli.asc").read().split("\n")
    hdr = dict(l.split() for l in lines[:6])
    asc = np.array([[float(v) for v in l.split()] for l in lines[6:] if l.strip()])
    assert asc.shape == r.values.shape
    assert float(hdr["xllcorner"]) == r.transform[2]
    assert float(hdr["yllcorner"]) + asc.shape[0] * 50 == r.transform[5]
    np.testing.assert_allclose(np.where(asc == -9999, r.nodata, asc), r.values, rtol=1e-6, atol=1e-4)


def test_arrays_and_geodataframe_give_the_csv_answer(violence):
    xs, ys = violence.x.copy(), violence.y.copy()
    a = hotspot.Incidents.from_arrays(xs, ys)
    ra, rc = (hotspot.kde(i, bandwidth=250, pixel_size=100, extent=BOX) for i in (a, violence))
    assert np.array_equal(ra.values, rc.values)
    # lon/lat from the files themselves, as a GeoDataFrame (EPSG:4326)
    gpd = pytest.importorskip("geopandas")
    rows = [r for f in KENT for r in csv.DictReader(open(f, encoding="utf-8-sig"))
            if r["Crime type"] == V]
    gdf = gpd.GeoDataFrame(
        {"month": [r["Month"] + "-01" for r in rows], "type": [r["Crime type"] for r in rows]},
        geometry=gpd.points_from_xy([float(r["Longitude"]) if r["Longitude"] else np.nan for r in rows],
                                    [float(r["Latitude"]) if r["Latitude"] else np.nan for r in rows]),
        crs="EPSG:4326")
    g = hotspot.Incidents.from_geodataframe(gdf, date_column="month", category_column="type")
    assert len(g) == len(violence)
    assert g.summary["rows_used"] + g.summary["rejected"].get("no location", 0) == len(rows)
    np.testing.assert_allclose(np.sort(g.x), np.sort(violence.x), atol=1e-6)
    wg, wc = hotspot.wards(g, WARDS), hotspot.wards(violence, WARDS)
    assert list(wg["count"]) == list(wc["count"])


def test_wards_and_grid_match_cli(violence, tmp_path):
    cli("wards", *KENT, "--crime-type", V, "--wards", GPKG, "-o", tmp_path / "w.csv")
    want = {r["code"]: int(r["count"]) for r in csv.DictReader(open(tmp_path / "w.csv"))}
    got = hotspot.wards(violence, GPKG)
    assert dict(zip(got["code"], got["count"])) == want
    if hasattr(got, "geometry"):  # with geopandas: the polygons, areas as the table's
        assert np.allclose(got.geometry.area / 1e6, got["area_km2"], rtol=1e-3)
    cli("grid", *KENT, "--crime-type", V, "-o", tmp_path / "g.csv")
    want = {r["id"]: int(r["count"]) for r in csv.DictReader(open(tmp_path / "g.csv"))}
    g = hotspot.grid(violence, geometry=False)
    assert dict(zip(g["id"], g["count"])) == want


def test_commands_write_the_cli_bytes(violence, tmp_path):
    cli("hotspots", *KENT, "--crime-type", V, "--wards", WARDS, "-o", tmp_path / "h_cli.csv")
    df = hotspot.hotspots(violence, wards=WARDS, crime_type=V, output=tmp_path / "h_py.csv")
    assert filecmp.cmp(tmp_path / "h_cli.csv", tmp_path / "h_py.csv", shallow=False)
    assert list(df["rank"]) == list(range(1, 21))
    if pytest.importorskip("geopandas"):
        gdf = hotspot.hotspots(violence, wards=WARDS, crime_type=V, geometry=True)
        assert list(gdf["id"]) == list(df["id"]) and np.allclose(gdf.geometry.area, 22500, rtol=1e-3)
    ch = hotspot.change(violence, before="2024-01..2024-02", after="2024-03..2024-04", wards=WARDS)
    cli("change", *KENT, "--crime-type", V, "--before", "2024-01..2024-02", "--after", "2024-03..2024-04",
        "--wards", WARDS, "-o", tmp_path / "c.csv")
    assert list(ch["count"]) == [int(r["count"]) for r in csv.DictReader(open(tmp_path / "c.csv"))]
    m = hotspot.evaluate(violence, tmp_path / "h_cli.csv", after="2024-03..2024-04",
                         before="2024-01..2024-02", study_area=WARDS)
    assert 0 < m["hit_rate_pct"] <= 100 and m["period"] == "2024-03..2024-04"
    plan = hotspot.patrol(tmp_path / "h_cli.csv", days=7, seed=3)
    cli("patrol", tmp_path / "h_cli.csv", "--days", 7, "--seed", 3, "-o", tmp_path / "p.csv")
    assert len(plan) == sum(1 for _ in open(tmp_path / "p.csv")) - 1


def test_report_from_a_table_is_the_cli_report(violence, tmp_path):
    cli("report", *KENT, "--crime-type", V, "--title", "T", "-o", tmp_path / "cli")
    page = hotspot.report(violence, tmp_path / "py", crime_type=V, title="T")
    assert os.path.exists(page)
    for f in sorted(os.listdir(tmp_path / "cli")):
        assert filecmp.cmp(tmp_path / "cli" / f, tmp_path / "py" / f, shallow=False), f


def test_errors_carry_the_library_message(tmp_path):
    with pytest.raises(hotspot.HotspotError) as e:
        hotspot.Incidents.read_csv(tmp_path / "missing.csv")
    assert e.value.status == "EIO" and "missing.csv" in str(e.value)
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":1},'
                   '"geometry":{"type":"Point","coordinates":[0,51]}}]}')
    inc = hotspot.Incidents.from_arrays([565000.0], [173000.0])
    with pytest.raises(hotspot.HotspotError, match="feature 1: holds a Point"):
        hotspot.wards(inc, bad)


def test_rows_with_nan_are_rejected_not_lost():
    inc = hotspot.Incidents.from_arrays([565000.0, np.nan, np.inf], [173000.0, 1.0, 2.0],
                                        weights=[1.0, 1.0, 1.0])
    assert len(inc) == 1
    assert inc.summary["rejected"] == {"no location": 1, "bad number": 1}


def test_views_outlive_their_table():
    inc = hotspot.Incidents.from_arrays(np.arange(3.0) + 565000, np.full(3, 173000.0))
    x = inc.x
    del inc
    assert list(x) == [565000.0, 565001.0, 565002.0] and not x.flags.writeable


def test_ctrl_c_cancels_a_long_call():
    rng = np.random.default_rng(7)
    inc = hotspot.Incidents.from_arrays(rng.uniform(560000, 575000, 400000),
                                        rng.uniform(160000, 177000, 400000))
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for _ in range(50):  # several seconds of work if never cancelled
            hotspot.kde(inc, bandwidth=600, pixel_size=5)
    timer.cancel()


def test_gistar_grid_against_brute_force(violence):
    """Gi* over the box of 250 m cells against the formula summed by brute
    force in numpy (Getis & Ord 1992; docs/methods.md), and, for counts, the
    same bytes as hs_getis_ord over the whole box (its sums in index order
    are exact for integers)."""
    t = hotspot.gistar_grid(violence, cell_size=250)
    rows = t["row"].to_numpy() - t["row"].min()
    cols = t["col"].to_numpy() - t["col"].min()
    h, w = rows.max() + 1, cols.max() + 1
    x = np.zeros((h, w))
    x[rows, cols] = t["value"].to_numpy()
    assert x.sum() == len(violence)
    n, xbar = x.size, x.mean()
    s = np.sqrt((x * x).mean() - xbar * xbar)
    pad = np.pad(x, 1)
    lag = sum(pad[1 + dr:1 + dr + h, 1 + dc:1 + dc + w] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    ones = np.pad(np.ones((h, w)), 1)
    W = sum(ones[1 + dr:1 + dr + h, 1 + dc:1 + dc + w] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    z = (lag - xbar * W) / (s * np.sqrt((n * W - W * W) / (n - 1)))
    got = np.zeros((h, w))
    got[rows, cols] = t["z"].to_numpy()
    assert np.max(np.abs(got - z)) < 1e-9
    from hotspot.core import _queen_lists, ffi, lib
    start, nb = _queen_lists(h, w)
    zz = np.empty(h * w)
    xs = np.ascontiguousarray(x.ravel())
    assert lib.hs_getis_ord(ffi.cast("const double *", ffi.from_buffer(xs)), h * w,
                            ffi.cast("const uint32_t *", ffi.from_buffer(start)),
                            ffi.cast("const uint32_t *", ffi.from_buffer(nb)), 1,
                            ffi.cast("double *", ffi.from_buffer(zz))) == 0
    assert zz.reshape(h, w)[rows, cols].tobytes() == t["z"].to_numpy().tobytes()
