#!/usr/bin/env bash
# hotspot.dask's overhead (issue 18): the kde benchmark's N clustered points
# (quartic, radius 250 m, 10 m pixels) by hotspot.kde in one process (2
# threads) and by hotspot.dask.kde on a LocalCluster of 2 worker processes
# (1 thread each), in the same run; the two rasters must be the same bytes.
# Medians; the cluster's start-up is timed apart.
# usage: tests/bench/run_dask.sh [N=1000000] [RUNS=3]   (from the repo top)
N=${1:-1000000}
RUNS=${2:-3}
source "$(dirname "$0")/common.sh"
python_points "$N" >/dev/null
pts=$out/kde_$N.csv
# A script file, not stdin: the worker processes import the main module.
cat >"$out/dask_bench.py" <<'PY'
import sys, time
import numpy as np
import distributed
import hotspot, hotspot.dask as hd


def med(f, runs):
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); r = f(); t.append(time.perf_counter() - t0)
    return sorted(t)[len(t) // 2], r


def main():
    xy, runs = np.load(sys.argv[1]), int(sys.argv[2])
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    box = (560000, 160000, 580000, 180000)
    one, r1 = med(lambda: hotspot.kde(hotspot.Incidents.from_arrays(x, y), bandwidth=250,
                                      pixel_size=10, extent=box, threads=2).values.copy(), runs)
    t0 = time.perf_counter()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    client.wait_for_workers(2)
    start = time.perf_counter() - t0
    two, r2 = med(lambda: hd.kde(client, x, y, bandwidth=250, pixel_size=10, extent=box)[0], runs)
    print(f"| hotspot.kde, one process, 2 threads | {one:.2f} s |")
    print(f"| hotspot.dask.kde, LocalCluster of 2 processes | {two:.2f} s (cluster start {start:.1f} s, apart) |")
    print(f"overhead: {two / one:.2f}x; identical bytes: {r1.tobytes() == r2.tobytes()}", flush=True)
    client.close()
    cluster.close()


if __name__ == "__main__":  # the worker processes import this file too
    main()
PY
/usr/bin/python3 "$out/dask_bench.py" "$out/kde_$N.npy" "$RUNS" 2>/dev/null
