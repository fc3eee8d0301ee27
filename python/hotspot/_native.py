"""The C library through cffi (ABI mode): its declarations, preprocessed from
hotspot.h at build time (_cdef.h), and the shared library found from the
build or install (_config.py), or HOTSPOT_LIBRARY. cffi releases the GIL
around every C call; the progress callback turns Ctrl-C into a cancel."""
import logging
import os

import cffi

_here = os.path.dirname(os.path.abspath(__file__))
ffi = cffi.FFI()
with open(os.path.join(_here, "_cdef.h")) as _f:
    ffi.cdef(_f.read())
try:
    from ._config import LIBRARY as _built
except ImportError:  # not configured by CMake: only HOTSPOT_LIBRARY
    _built = None
lib = ffi.dlopen(os.environ.get("HOTSPOT_LIBRARY") or _built or "libhotspot.so.0.1")

log = logging.getLogger("hotspot")


class HotspotError(Exception):
    """A libhotspot call failed: ``status`` is its hs_status name, the
    message the library's, naming the file, line or record."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


_STATUS = {1: "EINVAL", 2: "ENOMEM", 3: "EIO", 4: "EPARSE", 5: "ECRS", 6: "ERANGE", 7: "EFORMAT",
           8: "ENODATA", 9: "ECANCELED"}
_LEVEL = {0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG, 3: logging.DEBUG, 4: logging.INFO}


def _interrupted(exc_type, exc, tb):
    # A KeyboardInterrupt raised while the callback ran (the main thread's
    # signal handler runs at the callback's first bytecode): cancel.
    return 1


@ffi.callback("int(void *, const char *, uint64_t, uint64_t)", onerror=_interrupted)
def _progress(user, stage, done, total):
    return 0


@ffi.callback("void(void *, hs_log_level, const char *)")
def _log(user, level, message):
    log.log(_LEVEL.get(level, logging.INFO), "%s", ffi.string(message).decode("utf-8", "replace"))


class Context:
    """An hs_ctx: the working CRS (metres), threads, messages to the
    ``hotspot`` logger, Ctrl-C as a cancel. One per call is cheap.
    ``progress``: None, or a function (stage, done, total) called between
    the stages of long calls; returning True cancels (QGIS's feedback)."""

    def __init__(self, crs="EPSG:27700", threads=None, progress=None):
        p = ffi.new("hs_ctx **")
        self.check(lib.hs_ctx_create(p), None)
        self.ptr = ffi.gc(p[0], lib.hs_ctx_destroy)
        self.check(lib.hs_ctx_set_crs(self.ptr, crs.encode()))
        if threads is not None:
            self.check(lib.hs_ctx_set_threads(self.ptr, int(threads)))
        if progress is None:
            lib.hs_ctx_set_progress(self.ptr, _progress, ffi.NULL)
        else:
            def call(user, stage, done, total):
                return 1 if progress(ffi.string(stage).decode(), done, total) else 0
            # kept with the context: the C side holds only its address
            self._progress = ffi.callback("int(void *, const char *, uint64_t, uint64_t)", call,
                                          onerror=_interrupted)
            lib.hs_ctx_set_progress(self.ptr, self._progress, ffi.NULL)
        lib.hs_ctx_set_log(self.ptr, _log, ffi.NULL)

    def check(self, status, ctx=True):
        """Raises the library's error for a non-zero status (Ctrl-C as
        KeyboardInterrupt)."""
        if status == 0:
            return
        if status == 9:
            raise KeyboardInterrupt("cancelled")
        msg = ffi.string(lib.hs_ctx_last_error(self.ptr)).decode("utf-8", "replace") if ctx else ""
        raise HotspotError(_STATUS.get(status, str(status)),
                           msg or ffi.string(lib.hs_status_string(status)).decode())


class _View:
    """Exposes library memory to numpy without a copy; holds its owner, so
    the memory lives as long as the array."""

    def __init__(self, owner, ptr, shape, typestr):
        self._owner = owner
        self.__array_interface__ = {"shape": shape, "typestr": typestr, "version": 3,
                                    "data": (int(ffi.cast("uintptr_t", ptr)), True)}


def strs(keep, value):
    """A C string kept alive in keep (NULL for None)."""
    if value is None:
        return ffi.NULL
    s = ffi.new("char[]", str(value).encode("utf-8"))
    keep.append(s)
    return s
