"""libhotspot for Python: crime hotspot maps, ward tables and patrol plans.

>>> import hotspot
>>> inc = hotspot.Incidents.read_csv(["2024-01-kent-street.csv"],
...                                  crime_type="Violence and sexual offences")
>>> r = hotspot.kde(inc, bandwidth=300, pixel_size=50)
>>> r.values.max(), r.transform
>>> table = hotspot.wards(inc, "wards.gpkg")
>>> top = hotspot.hotspots(inc, wards="wards.gpkg", top=20)

Every function is the C library's (same numbers as the `hotspot` command);
errors raise HotspotError with the library's message; Ctrl-C cancels a long
call; the library's messages go to the ``hotspot`` logger.
"""
from ._native import HotspotError, lib as _lib, ffi as _ffi
from .core import (Incidents, Raster, change, displacement, evaluate, gistar_grid, grid, hotspots,
                   kde, patrol, report, run, trend, wards)

__version__ = _ffi.string(_lib.hs_version()).decode()
__all__ = ["Incidents", "Raster", "HotspotError", "kde", "grid", "gistar_grid", "wards", "hotspots", "change",
           "trend", "evaluate", "displacement", "patrol", "report", "run"]
