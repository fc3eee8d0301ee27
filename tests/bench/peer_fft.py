#!/usr/bin/env python3
"""Peer for the 10M kernel-density benchmark: the approximate pipeline a
Python analyst would write -- pandas.read_csv of the two columns,
numpy.histogram2d onto the 2000 x 2000 grid of 10 m pixels, then
scipy.signal.fftconvolve with the quartic stencil (1 - d^2/r^2)^2 evaluated
at pixel-centre offsets. Every incident is moved to its pixel's centre
(binning), so it is approximate; it writes no raster.
usage: peer_fft.py IN.csv XMIN YMIN XMAX YMAX PIXEL RADIUS [OUT.npy]
OUT.npy (optional, not part of the timed job): the surface, rows from the top,
for the error check against the exact raster."""
import sys
import numpy as np
import pandas as pd
from scipy.signal import fftconvolve

src = sys.argv[1]
x0, y0, x1, y1, px, r = map(float, sys.argv[2:8])
df = pd.read_csv(src, usecols=["x", "y"], dtype="float64")
nx, ny = int(round((x1 - x0) / px)), int(round((y1 - y0) / px))
h, _, _ = np.histogram2d(df["y"].to_numpy(), df["x"].to_numpy(), bins=[ny, nx],
                         range=[[y0, y1], [x0, x1]])
k = int(np.ceil(r / px))
off = np.arange(-k, k + 1) * px
q = (off[None, :] ** 2 + off[:, None] ** 2) / (r * r)
stencil = np.where(q <= 1, (1 - q) ** 2, 0.0)
dens = fftconvolve(h, stencil, mode="same")[::-1]  # rows from the top, as a GeoTIFF
if len(sys.argv) > 8:
    np.save(sys.argv[8], dens.astype(np.float32))
