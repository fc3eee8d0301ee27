"""libhotspot for Python: incidents, density, grid and ward counts as data,
and every `hotspot` command as a library job (the same code and bytes as
the command line)."""
import os
import tempfile
from typing import Iterable, Optional, Sequence, Union

import numpy as np

from ._native import Context, HotspotError, _View, ffi, lib, strs

PathLike = Union[str, os.PathLike]

_REASONS = None


def _reasons():
    global _REASONS
    if _REASONS is None:
        n = len(ffi.new("hs_read_summary *").rejected)
        _REASONS = [ffi.string(lib.hs_reject_reason_string(r)).decode() for r in range(n)]
    return _REASONS


class Incidents:
    """A table of incidents in a working CRS (metres): from CSV files
    (police.uk recognised by its header), from arrays, or from a
    GeoDataFrame of points. Every row read is used or rejected with a
    reason (``summary``, ``rejects``), as in the command line.

    ``x``, ``y`` and ``weight`` are read-only numpy views of the library's
    memory (no copy), valid as long as they are referenced."""

    def __init__(self, crs: str = "EPSG:27700", threads: Optional[int] = None):
        self._ctx = Context(crs, threads)
        p = ffi.new("hs_incidents **")
        self._ctx.check(lib.hs_incidents_create(self._ctx.ptr, p))
        self.ptr = ffi.gc(p[0], lib.hs_incidents_destroy)
        self.crs = crs

    @classmethod
    def read_csv(cls, paths: Union[PathLike, Iterable[PathLike]], *, crime_type=None,
                 start: Optional[str] = None, end: Optional[str] = None, x_column=None,
                 y_column=None, input_crs=None, lon_column=None, lat_column=None,
                 date_column=None, category_column=None, weight_column=None, label_column=None,
                 crs: str = "EPSG:27700", threads: Optional[int] = None) -> "Incidents":
        """Reads CSV files as `hotspot` does (``start``/``end``: --from/--to,
        "YYYY-MM" or "YYYY-MM-DD"; ``crime_type``: a name or a list)."""
        inc = cls(crs, threads)
        keep = []
        o = ffi.new("hs_read_options *")
        lib.hs_read_options_init(o)
        for field, v in (("x_column", x_column), ("y_column", y_column), ("input_crs", input_crs),
                         ("lon_column", lon_column), ("lat_column", lat_column),
                         ("date_column", date_column), ("category_column", category_column),
                         ("weight_column", weight_column), ("label_column", label_column),
                         ("from", start), ("to", end)):
            if v is not None:
                setattr(o, field, strs(keep, v))
        if crime_type is not None:
            types = [crime_type] if isinstance(crime_type, str) else list(crime_type)
            arr = ffi.new("const char *[]", [strs(keep, t) for t in types])
            keep.append(arr)
            o.crime_types, o.crime_type_count = arr, len(types)
        for p in [paths] if isinstance(paths, (str, os.PathLike)) else paths:
            inc._ctx.check(lib.hs_incidents_read_csv(inc._ctx.ptr, os.fsencode(p), o, inc.ptr))
        return inc

    @classmethod
    def from_arrays(cls, x, y, *, crs: Optional[str] = None, dates=None, categories=None,
                    weights=None, labels=None, name: str = "arrays",
                    working_crs: str = "EPSG:27700", threads: Optional[int] = None) -> "Incidents":
        """Incidents from arrays: ``x``, ``y`` in ``crs`` (default the
        working CRS; "EPSG:4326" takes x as longitude), ``dates`` as
        numpy datetime64 (or anything numpy converts: strings, pandas
        timestamps; NaT is undated), ``categories`` (strings, or a pandas
        Categorical), ``weights``, ``labels`` (place texts such as
        police.uk's Location, which name hotspots). NaN coordinates are
        rejected as "no location"."""
        inc = cls(working_crs, threads)
        inc.add_arrays(x, y, crs=crs, dates=dates, categories=categories, weights=weights,
                       labels=labels, name=name)
        return inc

    def add_arrays(self, x, y, *, crs=None, dates=None, categories=None, weights=None,
                   labels=None, name="arrays") -> None:
        """Appends arrays as one more input (see from_arrays)."""
        keep = []
        x = np.ascontiguousarray(x, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError("x and y must be 1-D arrays of one length")
        n = len(x)
        a = ffi.new("hs_incident_arrays *")
        a.n = n
        a.x = ffi.cast("const double *", ffi.from_buffer(x))
        a.y = ffi.cast("const double *", ffi.from_buffer(y))
        keep += [x, y]
        a.crs = strs(keep, crs)
        if weights is not None:
            w = np.ascontiguousarray(weights, dtype=np.float64)
            keep.append(w)
            a.weight = ffi.cast("const double *", ffi.from_buffer(w))
        if dates is not None:
            d = np.asarray(dates)
            if d.dtype.kind != "M":
                d = d.astype("datetime64[s]")
            unit = np.datetime_data(d.dtype)[0]
            prec = {"Y": 1, "M": 1, "W": 2, "D": 2, "h": 3, "m": 3}.get(unit, 4)
            # NaT is numpy's minimum int64: the library's undated row.
            t = np.ascontiguousarray(d.astype("datetime64[s]").astype(np.int64))
            keep.append(t)
            a.time_s = ffi.cast("const int64_t *", ffi.from_buffer(t))
            a.precision = prec
        for values, field, many in ((categories, "category", "categories"), (labels, "label", "labels")):
            if values is None:
                continue
            try:  # a pandas Categorical: its codes and categories as they are
                codes, names = values.codes, list(values.categories)
            except AttributeError:
                names, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
                names = list(names)
            c = np.ascontiguousarray(np.where(np.asarray(codes) < 0, 2**32 - 1, codes), dtype=np.uint32)
            cn = ffi.new("const char *[]", [strs(keep, s) for s in names])
            keep += [c, cn]
            setattr(a, field, ffi.cast("const uint32_t *", ffi.from_buffer(c)))
            setattr(a, many, cn)
            setattr(a, field + "_count", len(names))
        self._ctx.check(lib.hs_incidents_add_arrays(self._ctx.ptr, self.ptr, name.encode(), a))

    @classmethod
    def from_geodataframe(cls, gdf, *, date_column=None, category_column=None,
                          weight_column=None, name="geodataframe",
                          working_crs: str = "EPSG:27700", threads=None) -> "Incidents":
        """Incidents from a GeoDataFrame of points (its CRS honoured);
        empty or missing geometries are rejected as "no location"."""
        geom = gdf.geometry
        empty = geom.isna() | geom.is_empty
        x = np.where(empty, np.nan, geom.x.where(~empty))
        y = np.where(empty, np.nan, geom.y.where(~empty))
        crs = gdf.crs.to_string() if gdf.crs is not None else None
        cats = gdf[category_column].astype("category").cat if category_column else None
        return cls.from_arrays(
            x, y, crs=crs, name=name, working_crs=working_crs, threads=threads,
            dates=gdf[date_column].to_numpy(dtype="datetime64[s]") if date_column else None,
            categories=cats, weights=gdf[weight_column].to_numpy() if weight_column else None)

    def __len__(self) -> int:
        return int(lib.hs_incidents_count(self.ptr))

    def _col(self, fn) -> np.ndarray:
        n = len(self)
        return np.asarray(_View(self, fn(self.ptr) if n else ffi.new("double[1]"), (n,), "<f8"))

    @property
    def x(self) -> np.ndarray:
        return self._col(lib.hs_incidents_x)

    @property
    def y(self) -> np.ndarray:
        return self._col(lib.hs_incidents_y)

    @property
    def weight(self) -> np.ndarray:
        return self._col(lib.hs_incidents_weight)

    @property
    def summary(self) -> dict:
        """Rows read, used and rejected by reason, over every input."""
        s = ffi.new("hs_read_summary *")
        lib.hs_incidents_summary(self.ptr, 2**32 - 1, s)
        return {"rows_read": s.rows_read, "rows_used": s.rows_used,
                "rejected": {r: s.rejected[k] for k, r in enumerate(_reasons()) if s.rejected[k]}}

    def rejects(self):
        """Every rejected row: input, line (row), reason (a DataFrame when
        pandas is there, else a dict of lists)."""
        out = {"file": [], "line": [], "reason": []}
        r = ffi.new("hs_reject *")
        for i in range(lib.hs_incidents_reject_count(self.ptr)):
            lib.hs_incidents_reject_get(self.ptr, i, r)
            out["file"].append(ffi.string(lib.hs_incidents_file_name(self.ptr, r.file)).decode())
            out["line"].append(r.line)
            out["reason"].append(_reasons()[r.reason])
        return _frame(out)


def _frame(cols: dict):
    try:
        import pandas as pd
        return pd.DataFrame(cols)
    except ImportError:
        return cols


class Raster:
    """A density surface: ``values`` a (height, width) float32 array, rows
    from the top, a view of the library's memory (no copy; nodata where
    masked); ``transform`` the affine (a, b, c, d, e, f) as rasterio and the
    ``affine`` package use it: x = a*col + b*row + c, y = d*col + e*row + f
    (pixel corners); ``crs``; ``nodata``; ``info`` the method and sums."""

    def __init__(self, ctx, ptr):
        self._ctx = ctx
        self.ptr = ffi.gc(ptr, lib.hs_raster_destroy)
        i = ffi.new("hs_raster_info *")
        lib.hs_raster_info_get(self.ptr, i)
        self.width, self.height, self.nodata = i.width, i.height, float(i.nodata)
        self.transform = (i.pixel_size_m, 0.0, i.x_min, 0.0, -i.pixel_size_m, i.y_max)
        self.crs = ffi.string(lib.hs_ctx_crs(ctx.ptr)).decode()
        self.info = {"kernel": ffi.string(lib.hs_kernel_name(i.kernel)).decode(),
                     "bandwidth_m": i.bandwidth_m,
                     "bandwidth_rule": ffi.string(lib.hs_bandwidth_rule_name(i.rule)).decode(),
                     "pixel_size_m": i.pixel_size_m, "incidents": i.incidents, "min": i.min,
                     "max": i.max, "sum": i.sum, "data_pixels": i.data_pixels}

    @property
    def values(self) -> np.ndarray:
        return np.asarray(_View(self, lib.hs_raster_values(self.ptr), (self.height, self.width), "<f4"))

    def write(self, path: PathLike) -> None:
        """Writes it as `hotspot kde` does: .tif (GeoTIFF with its .qml style
        and .json sidecar) or .asc."""
        self._ctx.check(lib.hs_raster_write(self._ctx.ptr, self.ptr, os.fsencode(path)))


def _named(ctx, from_name, ctype, name):
    """An enum value from its name, by the library's table (hs_*_from_name)."""
    out = ffi.new(ctype + " *")
    ctx.check(from_name(name.encode(), out))
    return out[0]


def kde(incidents: Incidents, *, bandwidth: Optional[float] = None, rule: str = "thumb",
        kernel: str = "quartic", pixel_size: Optional[float] = None, units: str = "raw",
        extent: Optional[Sequence[float]] = None, mask: Optional[PathLike] = None,
        edge_correction: bool = False, binned: bool = False, grid: str = "snapped",
        threads: Optional[int] = None, progress=None) -> Raster:
    """Kernel density (exact unless ``binned``), as `hotspot kde`: the same
    options and defaults, the same values. ``mask``: a polygon file (study
    area); ``extent``: (xmin, ymin, xmax, ymax) in the working CRS."""
    ctx = Context(incidents.crs, threads, progress)
    o = ffi.new("hs_kde_options *")
    lib.hs_kde_options_init(o)
    o.kernel = _named(ctx, lib.hs_kernel_from_name, "hs_kernel", kernel)
    o.rule = _named(ctx, lib.hs_bandwidth_rule_from_name, "hs_bandwidth_rule", rule)
    o.units = _named(ctx, lib.hs_kde_units_from_name, "hs_kde_units", units)
    o.grid = _named(ctx, lib.hs_kde_grid_from_name, "hs_kde_grid", grid)
    o.bandwidth_m = bandwidth or 0
    o.pixel_size_m = pixel_size or 0
    o.edge_correction, o.binned = int(edge_correction), int(binned)
    if extent is not None:
        o.extent = list(map(float, extent))
        o.has_extent = 1
    area = None
    if mask is not None:
        p = ffi.new("hs_units **")
        ctx.check(lib.hs_units_create(ctx.ptr, p))
        area = ffi.gc(p[0], lib.hs_units_destroy)
        ctx.check(lib.hs_units_read(ctx.ptr, os.fsencode(mask), ffi.NULL, area))
        o.mask = area
    out = ffi.new("hs_raster **")
    ctx.check(lib.hs_kde_compute(ctx.ptr, incidents.ptr, o, out))
    return Raster(ctx, out[0])


def grid(incidents: Incidents, *, cell_size: float = 150, shape: str = "square",
         origin: Sequence[float] = (0.0, 0.0), include_empty: bool = False, geometry: bool = True):
    """Counts per cell, as `hotspot grid`: id, row, col, cx, cy, count,
    weight; a GeoDataFrame of cell polygons (working CRS) when geopandas is
    installed and ``geometry``, else a DataFrame (or dict of arrays)."""
    ctx = Context(incidents.crs)
    o = ffi.new("hs_grid_options *")
    lib.hs_grid_options_init(o)
    o.shape = _named(ctx, lib.hs_grid_shape_from_name, "hs_grid_shape", shape)
    o.cell_size_m = float(cell_size)
    o.origin_x, o.origin_y = float(origin[0]), float(origin[1])
    o.include_empty = int(include_empty)
    p = ffi.new("hs_grid **")
    ctx.check(lib.hs_grid_count(ctx.ptr, incidents.ptr, o, p))
    g = ffi.gc(p[0], lib.hs_grid_destroy)
    n = lib.hs_grid_cell_count(g)
    cols = {k: [] for k in ("id", "row", "col", "cx", "cy", "count", "weight")}
    rings = []
    c = ffi.new("hs_cell *")
    buf = ffi.new("char[96]")
    xy = ffi.new("double[14]")
    npts = ffi.new("size_t *")
    for i in range(n):
        lib.hs_grid_cell(g, i, c)
        lib.hs_grid_cell_id(g, i, buf, 96)
        cols["id"].append(ffi.string(buf).decode())
        for k in ("row", "col", "cx", "cy", "count", "weight"):
            cols[k].append(getattr(c, k))
        if geometry:
            lib.hs_grid_cell_ring(g, i, xy, npts)
            rings.append([(xy[2 * j], xy[2 * j + 1]) for j in range(npts[0])])
    return _with_geometry(cols, rings if geometry else None, incidents.crs)


def _queen_lists(h: int, w: int):
    """Neighbour lists (compressed) of an h x w block of cells, row-major;
    each cell's neighbours in the order of the offsets (-1, -1) .. (1, 1),
    so a cell of a tile with its ring lists them as the whole box does."""
    idx = np.arange(h * w, dtype=np.int64).reshape(h, w)
    nbs = np.full((h, w, 8), -1, dtype=np.int64)
    k = 0
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == 0 and dc == 0:
                continue
            r0, r1 = max(0, -dr), min(h, h - dr)
            c0, c1 = max(0, -dc), min(w, w - dc)
            nbs[r0:r1, c0:c1, k] = idx[r0 + dr:r1 + dr, c0 + dc:c1 + dc]
            k += 1
    nbs = nbs.reshape(h * w, 8)
    ok = nbs >= 0
    start = np.zeros(h * w + 1, dtype=np.uint32)
    np.cumsum(ok.sum(axis=1), out=start[1:])
    return start, np.ascontiguousarray(nbs[ok], dtype=np.uint32)


def _moments(values) -> tuple:
    """n, the sum and the sum of squares of the values, each rounded once
    (math.fsum): the same doubles whatever the order, so tiles summed on a
    cluster give what one process gives."""
    import math
    v = np.ascontiguousarray(values, dtype=float).ravel()
    return v.size, math.fsum(v), math.fsum(v * v)


def _gistar_block(block, moments, star: bool = True):
    """z of every cell of a block (h x w values) with its queen neighbours
    inside the block, mean and variance from moments (n, sum, sum of squares)."""
    block = np.ascontiguousarray(block, dtype=float)
    h, w = block.shape
    start, nb = _queen_lists(h, w)
    z = np.empty(h * w)
    n_all, sx, sxx = moments
    st = (lib.hs_getis_ord_moments(
        ffi.cast("const double *", ffi.from_buffer(block)), h * w,
        ffi.cast("const uint32_t *", ffi.from_buffer(start)),
        ffi.cast("const uint32_t *", ffi.from_buffer(nb)), int(star), n_all, sx, sxx,
        ffi.cast("double *", ffi.from_buffer(z))))
    if st:
        raise HotspotError("EINVAL", ffi.string(lib.hs_status_string(st)).decode())
    return z.reshape(h, w)


def _p_values(z):
    z = np.ascontiguousarray(z, dtype=float).ravel()
    p = np.empty_like(z)
    lib.hs_p_two_sided(ffi.cast("const double *", ffi.from_buffer(z)), z.size,
                       ffi.cast("double *", ffi.from_buffer(p)))
    return p


def _box(table, weighted: bool):
    """The grid table's cells as a dense box (empty cells 0): values, first row, first col."""
    rows = np.asarray(table["row"], dtype=np.int64)
    cols = np.asarray(table["col"], dtype=np.int64)
    vals = np.asarray(table["weight" if weighted else "count"], dtype=float)
    if rows.size == 0:
        return np.zeros((0, 0)), 0, 0
    r0, c0 = int(rows.min()), int(cols.min())
    box = np.zeros((int(rows.max()) - r0 + 1, int(cols.max()) - c0 + 1))
    box[rows - r0, cols - c0] = vals
    return box, r0, c0


def _box_frame(box, r0, c0, z):
    h, w = box.shape
    rr, cc = np.divmod(np.arange(h * w), w) if w else (np.zeros(0, int), np.zeros(0, int))
    return _frame({"row": rr + r0, "col": cc + c0, "value": box.ravel(), "z": z.ravel(),
                   "p": _p_values(z)})


def gistar_grid(incidents: Incidents, *, cell_size: float = 150, weighted: bool = False,
                star: bool = True):
    """Getis-Ord Gi* (Gi with ``star=False``) over every square cell of the
    incidents' box (origin 0, 0; empty cells included), 8 neighbours each:
    row, col, value (count, or weight sum when ``weighted``), z and the
    two-sided p (not FDR-adjusted). The mean and variance are over the box's
    cells, their sums rounded once, so hotspot.dask.gistar gives the same
    bytes; for counts they are hs_getis_ord's own."""
    box, r0, c0 = _box(grid(incidents, cell_size=cell_size, geometry=False), weighted)
    z = _gistar_block(box, _moments(box), star) if box.size else np.zeros((0, 0))
    return _box_frame(box, r0, c0, z)


def _with_geometry(cols, rings, crs):
    try:
        import geopandas as gpd
        from shapely.geometry import Polygon
    except ImportError:
        return _frame(cols)
    if rings is None:
        return _frame(cols)
    return gpd.GeoDataFrame(cols, geometry=[Polygon(r) for r in rings], crs=crs)


def wards(incidents: Incidents, boundaries: Optional[Union[PathLike, Sequence[PathLike]]] = None, *,
          code_field=None, name_field=None, start=None, end=None, compare=None,
          population: Optional[PathLike] = None):
    """The ward table, as `hotspot wards` (a GeoDataFrame of the polygons when
    geopandas is installed): one row per polygon (code, name,
    count, weight, share_pct, rank, area_km2, per_km2, and with
    ``population`` a rate per 1,000; with ``compare=(from, to)`` the other
    period, the change per day and its exact p). ``boundaries``: Shapefile,
    GeoJSON or GeoPackage files (default: the built-in Gravesham wards)."""
    ctx = Context(incidents.crs)
    keep = []
    p = ffi.new("hs_units **")
    ctx.check(lib.hs_units_create(ctx.ptr, p))
    u = ffi.gc(p[0], lib.hs_units_destroy)
    lo = ffi.new("hs_layer_options *")
    lib.hs_layer_options_init(lo)
    lo.code_field, lo.name_field = strs(keep, code_field), strs(keep, name_field)
    if boundaries is None:
        ctx.check(lib.hs_units_read_builtin(ctx.ptr, b"gravesham-wards-2013", u))
    else:
        for b in [boundaries] if isinstance(boundaries, (str, os.PathLike)) else boundaries:
            ctx.check(lib.hs_units_read(ctx.ptr, os.fsencode(b), lo, u))
    n, ni = lib.hs_units_count(u), len(incidents)
    unit_of = np.empty(max(ni, 1), dtype=np.uint32)
    ctx.check(lib.hs_units_locate(ctx.ptr, u, incidents.ptr,
                                  ffi.cast("uint32_t *", ffi.from_buffer(unit_of))))
    to = ffi.new("hs_tally_options *")
    lib.hs_tally_options_init(to)
    setattr(to, "from", strs(keep, start))
    to.to = strs(keep, end)
    if compare is not None:
        to.compare_from, to.compare_to = strs(keep, compare[0]), strs(keep, compare[1])
    tp = ffi.new("hs_tally **")
    ctx.check(lib.hs_tally_compute(ctx.ptr, u, incidents.ptr,
                                   ffi.cast("uint32_t *", ffi.from_buffer(unit_of)), to, tp))
    t = ffi.gc(tp[0], lib.hs_tally_destroy)
    if population is not None:
        ctx.check(lib.hs_tally_set_population(ctx.ptr, t, os.fsencode(population), ffi.NULL))
    fields = ["count", "weight", "share_pct", "rank", "area_km2", "per_km2", "population",
              "rate_per_1000"]
    if compare is not None:
        fields += ["count_compare", "change", "change_pct", "per_30d", "per_30d_compare",
                   "change_per_30d", "change_p"]
    cols = {"code": [], "name": [], **{f: [] for f in fields}}
    un, row = ffi.new("hs_unit *"), ffi.new("hs_tally_row *")
    for i in range(n):
        lib.hs_units_get(u, i, un)
        lib.hs_tally_row_get(t, i, row)
        cols["code"].append(ffi.string(un.code).decode())
        cols["name"].append(ffi.string(un.name).decode())
        for f in fields:
            cols[f].append(getattr(row, f))
    if population is None:
        del cols["population"], cols["rate_per_1000"]
    try:
        import geopandas as gpd
    except ImportError:
        return _frame(cols)
    # The polygons: the table written as the command writes it, read back.
    with tempfile.TemporaryDirectory(prefix="hotspot-") as d:
        path = os.path.join(d, "wards.geojson")
        ctx.check(lib.hs_tally_write(ctx.ptr, t, path.encode()))
        geo = gpd.read_file(path).to_crs(incidents.crs)
    return gpd.GeoDataFrame(cols, geometry=list(geo.geometry), crs=incidents.crs)


def run(command: str, incidents: Optional[Union[Incidents, PathLike, Sequence[PathLike]]] = None,
        output: Optional[PathLike] = None, progress=None, **options) -> None:
    """Runs any `hotspot` command as a library job: ``options`` are its long
    options with ``_`` for ``-`` (``crime_type="Robbery"``, ``cell_size=150``;
    True for a switch; a list repeats an option). ``incidents``: an
    Incidents table (used as read, with the command's type and period
    filters applied) or CSV paths. Same code, same bytes as the command
    line. ``progress(stage, done, total)``: called between stages; True
    cancels."""
    ctx = Context(options.pop("crs", None) or (incidents.crs if isinstance(incidents, Incidents)
                                               else "EPSG:27700"), options.pop("threads", None),
                  progress)
    cmd = ffi.new("hs_command *")
    ctx.check(lib.hs_command_from_name(command.encode(), cmd))
    jp = ffi.new("hs_job **")
    ctx.check(lib.hs_job_create(ctx.ptr, cmd[0], jp))
    job = ffi.gc(jp[0], lib.hs_job_destroy)
    if isinstance(incidents, Incidents):
        ctx.check(lib.hs_job_set_incidents(ctx.ptr, job, incidents.ptr))
    elif incidents is not None:
        for p in [incidents] if isinstance(incidents, (str, os.PathLike)) else incidents:
            ctx.check(lib.hs_job_add_input(ctx.ptr, job, os.fsencode(p)))
    if output is not None:
        options["output"] = os.fspath(output)
    for k, v in options.items():
        if v is None or v is False:
            continue
        name = k.rstrip("_").replace("_", "-").encode()
        for item in v if isinstance(v, (list, tuple)) and k not in ("extent", "origin") else [v]:
            if isinstance(v, (list, tuple)) and k in ("extent", "origin"):
                item = ",".join(map(str, v))
            value = ffi.NULL if item is True else str(item).encode()
            ctx.check(lib.hs_job_set(ctx.ptr, job, name, value))
    ctx.check(lib.hs_job_run(ctx.ptr, job))


def _table_command(command, incidents, output, geometry=False, **options):
    """Runs a command whose output is a table and reads it back: a pandas
    DataFrame, or with ``geometry`` a GeoDataFrame in the working CRS
    (geopandas; the command's GeoJSON read back)."""
    import pandas as pd
    if geometry and output is None:
        import geopandas as gpd
        with tempfile.TemporaryDirectory(prefix="hotspot-") as d:
            path = os.path.join(d, "out.geojson")
            run(command, incidents, path, **options)
            crs = incidents.crs if isinstance(incidents, Incidents) else options.get("crs", "EPSG:27700")
            return gpd.read_file(path).to_crs(crs)
    if output is not None:
        run(command, incidents, output, **options)
        out = os.fspath(output)
        if out.endswith(".csv"):
            return pd.read_csv(out, keep_default_na=False, na_values=[""])
        if out.endswith(".geojson"):
            try:
                import geopandas as gpd
                return gpd.read_file(out)
            except ImportError:
                return None
        return None
    with tempfile.TemporaryDirectory(prefix="hotspot-") as d:
        path = os.path.join(d, "out.csv")
        run(command, incidents, path, **options)
        return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def hotspots(incidents, *, output=None, geometry=False, **options):
    """`hotspot hotspots`: the top places with Gi*, PAI, ward, location and
    profile, as a DataFrame (with ``geometry``: a GeoDataFrame of the cells;
    ``output``: also written, any format the command takes). Options as the
    command's (``cell_size``, ``top``, ``harm``, ``wards``, ``study_area``,
    ``crime_type``, ...)."""
    return _table_command("hotspots", incidents, output, geometry, **options)


def change(incidents, *, before, after, output=None, geometry=False, **options):
    """`hotspot change`: per place the counts ``before`` and ``after``
    (each "FROM..TO"), the change per 30 days and its exact p."""
    return _table_command("change", incidents, output, geometry, before=before, after=after,
                          **options)


def trend(incidents, *, output=None, geometry=False, **options):
    """`hotspot trend`: emerging-hotspot categories, Mann-Kendall trend and
    a count per period for each place."""
    return _table_command("trend", incidents, output, geometry, **options)


def evaluate(incidents, hotspots_csv: PathLike, *, output=None, **options) -> dict:
    """`hotspot evaluate`: hit rate, PAI, PEI, RRI and the periods, as a
    dict (measure: value)."""
    df = _table_command("evaluate", incidents, output, hotspots=os.fspath(hotspots_csv), **options)
    return {r.measure: _number(r.value) for r in df.itertuples()}


def displacement(incidents, *, treated: PathLike, buffer: float, before: str, after: str,
                 output=None, **options) -> dict:
    """`hotspot displacement`: the weighted displacement quotient's counts
    and measures, as a dict."""
    df = _table_command("displacement", incidents, output, treated=os.fspath(treated),
                        buffer=buffer, before=before, after=after, **options)
    return {r.measure: _number(r.value) for r in df.itertuples()}


def patrol(hotspots_csv: PathLike, *, output=None, **options):
    """`hotspot patrol`: a randomised patrol schedule for a hotspots CSV,
    as a DataFrame."""
    return _table_command("patrol", hotspots_csv, output, **options)


def report(incidents, output: PathLike, **options) -> str:
    """`hotspot report`: the whole job into the folder ``output`` (page,
    QGIS project, layers); returns the page's path."""
    run("report", incidents, output, **options)
    return os.path.join(os.fspath(output), "report.html")


__all__ = ["Incidents", "Raster", "HotspotError", "kde", "grid", "wards", "hotspots", "change",
           "trend", "evaluate", "displacement", "patrol", "report", "run"]
