#!/usr/bin/env bash
# Results that must hold whatever the options (issue 13, point 6), checked
# by an independent reader (Python's csv): patrol visits to one hotspot never
# overlap and lie within the window; a harm table's padded names match;
# every top hotspot holds incidents. Usage: run.sh HOTSPOT KENT_DIR WORKDIR
set -u
hs=$(realpath "$1") kent=$(realpath "$2") work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
"$hs" hotspots "$kent"/*.csv -q --crime-type "Violence and sexual offences" -o h.csv || fail=1
# With known hours (a force extract's times) and without (police.uk months).
for spec in "10 60 12-24" "12 60 12-24" "3 15 20-23" "4 45 0-24"; do
  set -- $spec
  "$hs" patrol h.csv -q --visits "$1" --minutes "$2" --window "$3" --days 56 --seed 7 -o "p_$1_$2.csv" || fail=1
  python3 - "p_$1_$2.csv" "$1" "$2" "$3" <<'PY' || fail=1
import csv, sys, collections
path, v, m, win = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
w0, w1 = (int(h) * 60 for h in win.split('-'))
def mins(t):
    h, mm = t.split(':'); return int(h) * 60 + int(mm)
by = collections.defaultdict(list)
for r in csv.DictReader(open(path)):
    if r['arm'] == 'patrol':
        a, b = mins(r['start']), mins(r['end'])
        assert b - a == m, (r, 'length')
        by[(r['day'], r['id'])].append((a, b))
over = out = 0
for k, iv in by.items():
    assert len(iv) == v, (k, len(iv))
    iv.sort()
    over += sum(c < b for (a, b), (c, d) in zip(iv, iv[1:]))
    out += sum(a < w0 or b > w1 for a, b in iv)
n = sum(len(x) for x in by.values())
print(f"{path}: {n} visits, {over} overlapping, {out} outside {win}")
sys.exit(1 if over or out or n == 0 else 0)
PY
done
# Known hours (Memphis robberies have date-times): visits follow the busiest
# hours over the whole day, still without overlap or crossing midnight.
m=$(dirname "$kent")/fixtures/sfhotspot-memphis/memphis_robberies.csv
"$hs" hotspots "$m" -q --crs EPSG:2843 --x-column x_epsg2843 --y-column y_epsg2843 \
  --date-column date --cell-size 500 -o hm.csv || fail=1
"$hs" patrol hm.csv -q --crs EPSG:2843 --visits 8 --minutes 90 --days 56 -o pm.csv || fail=1
python3 - pm.csv <<'PY' || fail=1
import csv, sys, collections
def mins(t):
    h, mm = t.split(':'); return int(h) * 60 + int(mm)
by = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    if r['arm'] == 'patrol':
        by[(r['day'], r['id'])].append((mins(r['start']), mins(r['end'])))
over = sum(sum(c < b for (a, b), (c, d) in zip(sorted(iv), sorted(iv)[1:])) for iv in by.values())
out = sum(a < 0 or b > 1440 for iv in by.values() for a, b in iv)
n = sum(len(x) for x in by.values())
print(f"memphis (hours known): {n} visits, {over} overlapping, {out} past midnight")
sys.exit(1 if over or out or n == 0 else 0)
PY
# A harm table with spaces around its names and weights: matched, and the
# first hotspot's harm equals 10 x its violent incidents counted by hand.
printf 'category,weight\n Violence and sexual offences , 10 \n' >harm.csv
"$hs" hotspots "$kent"/2024-01-kent-street.csv -q --harm harm.csv --rejects r.csv -o hh.csv || fail=1
python3 - hh.csv <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no hotspots"
for r in rows:
    h, n = float(r['harm']), int(r['count'])
    assert h > 0, ("a top hotspot without harm", r['rank'])
    assert h % 10 == 0 and h <= 10 * n, ("harm is 10 a violent incident", r)
print(f"harm: {len(rows)} hotspots, first harm {rows[0]['harm']}, all > 0")
PY
# A stray point (the 2024-02 file's violent crime in Basingstoke, 100 km
# west of Kent) is named; with a study area the cells are the same whether
# or not the stray is in the file, and they cover the whole area: one a
# 150 m square whose centre lies in it or that holds an incident (issue 15).
w=$(dirname "$kent")/boundaries/gravesham-wards-2013/gravesham_wards_2013.shp
V="Violence and sexual offences"
grep -v 'Rotherwick Lane,E01022492' "$kent"/2024-02-kent-street.csv >feb_without.csv
"$hs" hotspots "$kent"/2024-02-kent-street.csv --crime-type "$V" -o s0.csv 2>s0.err || fail=1
grep -q 'warning: 1 incident lies far from all the others (e.g. at -1.00005, 51.31548: .*2024-02-kent-street.csv line 954)' s0.err &&
  echo "stray: named" || { echo "FAIL: the Basingstoke stray is not named"; cat s0.err; fail=1; }
"$hs" hotspots "$kent"/2024-02-kent-street.csv --crime-type "$V" --study-area "$w" --all -q -o s1.csv 2>s1.err || fail=1
"$hs" hotspots feb_without.csv --crime-type "$V" --study-area "$w" --all -q -o s2.csv || fail=1
cmp -s s1.csv s2.csv && echo "study area: same cells with and without the stray" ||
  { echo "FAIL: the stray changes the study area's cells"; fail=1; }
! grep -q 'far from all' s1.err || { echo "FAIL: stray warning with a study area"; fail=1; }
# Every cell whose centre lies in a ward is there (ogr2ogr-free: the wards'
# area over 150 m squares, within the edge cells' share).
python3 - s1.csv <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n = len(rows)
# Gravesham's 18 wards cover 99.06 km2 (ogrinfo SUM(ST_Area)); 150 m cells: 4403 expected
assert abs(n - 99.06e6 / 22500) < 60, n
print(f"study area: {n} cells of 150 m over 99.06 km2")
PY
"$hs" hotspots "$kent"/2024-02-kent-street.csv --crime-type "$V" --cell-size 10 --max-cells 1000000 -q -o s3.csv 2>s3.err
[ $? = 1 ] && grep -q 'more than the limit of 1000000 (--max-cells); give a study area' s3.err && [ ! -e s3.csv ] &&
  echo "max cells: refused with the way out" || { echo "FAIL: --max-cells"; cat s3.err; fail=1; }
# A month short of rows (Kent's December 2018 had half its usual count):
# a third of March kept (5,238 of 15,713 rows used, against a median month
# of 14,086 = (13,843 + 14,330) / 2) is flagged by the commands and by check.
awk 'NR == 1 || NR % 3 == 0' "$kent"/2024-03-kent-street.csv >2024-03-partial.csv
"$hs" grid "$kent"/2024-01-kent-street.csv "$kent"/2024-02-kent-street.csv 2024-03-partial.csv \
  "$kent"/2024-04-kent-street.csv -q -o dq.csv 2>dq.err || fail=1
grep -q 'warning: 2024-03 has 5238 incidents against a median of 14086 a month (37%)' dq.err &&
  echo "short month: flagged" || { echo "FAIL: short month not flagged"; cat dq.err; fail=1; }
"$hs" check "$kent"/2024-01-kent-street.csv "$kent"/2024-02-kent-street.csv 2024-03-partial.csv \
  "$kent"/2024-04-kent-street.csv >/dev/null 2>ck.err || fail=1
grep -q 'warning: 2024-03-partial.csv: 5238 rows used against a median of 14086 a file' ck.err &&
  echo "short file: flagged by check" || { echo "FAIL: check does not flag"; cat ck.err; fail=1; }
"$hs" report "$kent"/2024-01-kent-street.csv "$kent"/2024-02-kent-street.csv 2024-03-partial.csv \
  "$kent"/2024-04-kent-street.csv --crime-type "$V" -q -o dq_report 2>/dev/null || fail=1
grep -q 'fill="#bd0026"><title>2024-03' dq_report/report.html && grep -q 'Months in red hold under 60' dq_report/report.html &&
  echo "short month: red on the page" || { echo "FAIL: the page does not flag the short month"; fail=1; }
"$hs" grid "$kent"/*.csv -q -o dq2.csv 2>dq2.err || fail=1
[ ! -s dq2.err ] || { echo "FAIL: a warning on the whole months"; cat dq2.err; fail=1; }
# Named places: each top cell's most common police.uk Location, its share
# and the share at its busiest single point, counted by hand from the CSV.
fx=$(dirname "$kent")/fixtures/gravesham_violence_2024-01_to_04_bng.csv
"$hs" hotspots "$fx" --x-column x_bng --y-column y_bng -q -o named.csv || fail=1
# The change and trend tables name their cells the same way, with the ward
# (issue 15: "trend and change outputs carry ... the ward's name").
wd=$(dirname "$kent")/boundaries/gravesham-wards-2013/gravesham_wards_2013.shp
"$hs" change "$fx" --x-column x_bng --y-column y_bng -q --wards "$wd" \
  --before 2024-01..2024-02 --after 2024-03..2024-04 -o named_change.csv || fail=1
"$hs" trend "$fx" --x-column x_bng --y-column y_bng -q --wards "$wd" -o named_trend.csv || fail=1
python3 - "$fx" named.csv named_change.csv named_trend.csv <<'PY' || fail=1
import csv, sys, math, collections
cells = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    x, y = float(r['x_bng']), float(r['y_bng'])
    cells[f"sq150_{math.floor(x / 150)}_{math.floor(y / 150)}"].append((r['Location'], x, y))
wards = {'Central', 'Chalk', 'Coldharbour', 'Higham', 'Istead Rise', 'Meopham North',
         'Meopham South and Vigo', 'Northfleet North', 'Northfleet South', 'Painters Ash', 'Pelham',
         'Riverside', 'Riverview', 'Shorne, Cobham and Luddesdown', 'Singlewell', 'Westcourt',
         'Whitehill', 'Woodlands'}  # the 18 Gravesham wards of 2013
for path in sys.argv[3:]:
    t = list(csv.DictReader(open(path)))
    key = 'code' if 'code' in t[0] else 'id'
    n = 0
    for h in t:
        inc = cells[h[key]]
        if not inc:
            continue
        n += 1
        locs = collections.Counter(l for l, _, _ in inc)
        best = max(locs.values())
        first = next(l for l, _, _ in inc if locs[l] == best)
        pts = max(collections.Counter((x, y) for _, x, y in inc).values())
        assert (h['location'], h['location_pct'], h['one_point_pct']) == (
            first, f"{100 * best / len(inc):.1f}", f"{100 * pts / len(inc):.1f}"), (path, h)
        assert h['ward_name'] in wards, (path, h[key], h['ward_name'])
    print(f"{path}: {n} cells named as counted by hand, each in a Gravesham ward")
rows = list(csv.DictReader(open(sys.argv[2])))
for h in rows:
    inc = cells[h['id']]
    assert len(inc) == int(h['count']), (h['id'], len(inc), h['count'])
    locs = collections.Counter(l for l, _, _ in inc)
    best = max(locs.values())
    first = next(l for l, _, _ in inc if locs[l] == best)  # ties: the text read first
    pts = max(collections.Counter((x, y) for _, x, y in inc).values())
    assert h['location'] == first, (h['id'], h['location'], first)
    assert f"{100 * best / len(inc):.1f}" == h['location_pct'], (h['id'], h['location_pct'])
    assert f"{100 * pts / len(inc):.1f}" == h['one_point_pct'], (h['id'], h['one_point_pct'])
print(f"named places: {len(rows)} hotspots, location and shares as counted by hand;"
      f" first: {rows[0]['location']} {rows[0]['location_pct']}%")
PY
# Unequal periods (issue 15): Medway's ward with 292 incidents in Oct-Dec
# (92 days) and 233 in Jan-Feb (59 days) fell in counts but rose per day:
# 30 x 233 / 59 = 118.47 against 30 x 292 / 92 = 95.22 a month, +24.4 %.
python3 - <<'PY'
import datetime
with open('unequal.csv', 'w') as f:
    f.write('x,y,date\n')
    for k in range(292):
        d = datetime.date(2018, 10, 1) + datetime.timedelta(days=k % 92)
        f.write(f'575010,165010,{d.isoformat()}\n')
    for k in range(233):
        d = datetime.date(2019, 1, 1) + datetime.timedelta(days=k % 59)
        f.write(f'575010,165010,{d.isoformat()}\n')
PY
"$hs" change unequal.csv --x-column x --y-column y --date-column date --before 2018-10..2018-12 \
  --after 2019-01..2019-02 -o unequal_out.csv 2>unequal.err || fail=1
python3 - unequal_out.csv <<'PY' || fail=1
import csv, sys
r = next(csv.DictReader(open(sys.argv[1])))
want = {'count': '233', 'count_compare': '292', 'change': '-59',
        'change_pct': f"{100 * (233 / 59 - 292 / 92) / (292 / 92):.1f}",
        'per_30d': f"{30 * 233 / 59:.2f}", 'per_30d_compare': f"{30 * 292 / 92:.2f}"}
for k, v in want.items():
    assert r[k] == v, (k, r[k], v)
print(f"unequal periods: change_pct {r['change_pct']} % by rate, raw change {r['change']}")
PY
grep -q 'before 2018-10..2018-12 (92 days), after 2019-01..2019-02 (59 days)' unequal.err &&
  grep -q '1 rose and 0 fell significantly' unequal.err && echo "unequal periods: rose, by rate" ||
  { echo "FAIL: unequal periods"; cat unequal.err; fail=1; }
# Density comparisons (issue 15): three months against one, per day, so the
# typical pixel's ratio is near 1 (by counts it would be near 3); kernel
# tails under the 1 % floor are nodata (a tail once gave 5e8); the style's
# ramp is centred on 1, geometrically (x k mirrors / k).
"$hs" kde "$kent"/2024-0[234]-kent-street.csv --crime-type "$V" --versus "$kent"/2024-01-kent-street.csv \
  --compare ratio --bandwidth 400 --pixel-size 100 --extent "$w" -q -o ratio.asc 2>ratio.err || fail=1
"$hs" kde "$kent"/2024-0[234]-kent-street.csv --crime-type "$V" --versus "$kent"/2024-01-kent-street.csv \
  --compare ratio --bandwidth 400 --pixel-size 100 --extent "$w" -q -o ratio.tif 2>>ratio.err || fail=1
python3 - ratio.asc ratio.qml <<'PY' || fail=1
import sys, re
v = sorted(float(x) for l in open(sys.argv[1]).readlines()[6:] for x in l.split() if float(x) != -9999)
med = v[len(v) // 2]
assert 0.7 < med < 1.3, ("median ratio per day", med)
assert v[-1] < 100, ("tails floored", v[-1])
stops = [float(x) for x in re.findall(r'<item alpha="\d+" value="([^"]+)"', open(sys.argv[2]).read())]
assert len(stops) == 6 and abs(stops[2] * stops[3] - 1) < 1e-6 and abs(stops[0] * stops[5] - 1) < 1e-6, stops
print(f"kde ratio per day: median {med:.2f}, max {v[-1]:.1f}, ramp {stops[0]:.2f}..{stops[5]:.2f} about 1")
PY
if [ "$fail" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
