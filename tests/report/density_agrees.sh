#!/usr/bin/env bash
# The report's two halves agree (issue 16): with its default bandwidth (the
# area rule), each of the 10 cells with the highest Gi* z lies in a density
# pixel above the density's 90th percentile (over the pixels in the wards),
# for the Gravesham wards, the Dartford wards and both together. The
# density is read back with GDAL (gdal_translate to ASCII grid), the Gi*
# cells from `hotspot hotspots` over the same wards, all cells listed.
# Usage: density_agrees.sh HOTSPOT DATA WORKDIR
set -u
hs=$(realpath "$1") data=$(realpath "$2") work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
kent=$data/police-uk-kent b=$data/boundaries
g=$b/gravesham-wards-2013/gravesham_wards_2013.shp d=$b/dartford-wards-2013/dartford_wards_2013.shp
V="Violence and sexual offences"
fail=0
check() { # name, then --wards options
  local name=$1
  shift
  "$hs" report "$kent"/*.csv --crime-type "$V" -q "$@" -o "$name" || { echo "FAIL report $name"; fail=1; return; }
  "$hs" hotspots "$kent"/*.csv --crime-type "$V" -q --top 1000000 "$@" -o "$name/all_cells.csv" || fail=1
  gdal_translate -q -of AAIGrid "$name/density.tif" "$name/density.asc" || fail=1
  python3 - "$name" <<'PY' || fail=1
import csv, re, sys
d = sys.argv[1]
lines = open(d + "/density.asc").read().split("\n")
hdr, i = {}, 0
while re.match(r"[a-zA-Z_]+\s", lines[i]):
    k, v = lines[i].split()
    hdr[k.lower()] = float(v)
    i += 1
nc, nr, cs = int(hdr["ncols"]), int(hdr["nrows"]), hdr["cellsize"]
x0, ytop, nd = hdr["xllcorner"], hdr["yllcorner"] + nr * hdr["cellsize"], hdr.get("nodata_value")
grid = [[float(v) for v in l.split()] for l in lines[i:i + nr]]
vals = sorted(v for r in grid for v in r if v != nd)
p90 = vals[int(0.9 * (len(vals) - 1))]
cells = sorted(csv.DictReader(open(d + "/all_cells.csv")), key=lambda r: -float(r["gistar_z"]))[:10]
bw = re.search(r"Bandwidth</td><td>([^<]+)", open(d + "/report.html").read()).group(1)
low = []
for r in cells:
    v = grid[int((ytop - float(r["y"])) / cs)][int((float(r["x"]) - x0) / cs)]
    if not v > p90:
        low.append((r["id"], v))
print(f"{'ok  ' if not low else 'FAIL'} {d}: bandwidth {bw}; the 10 highest Gi* cells lie above the "
      f"density's 90th percentile ({p90:.4g})" + (f": not {low}" if low else ""))
sys.exit(1 if low else 0)
PY
}
check gravesham --wards "$g"
check dartford --wards "$d"
check both --wards "$g" --wards "$d"
if [ "$fail" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
