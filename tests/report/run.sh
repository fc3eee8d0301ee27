#!/usr/bin/env bash
# 'hotspot report' end to end on the shipped data (the Kent police.uk months
# and the built-in Gravesham wards): every file is there, the ward table
# agrees with an independent count (the peer fixture's 1,428 violent
# incidents in Gravesham), the page is self-contained, two runs give the
# same bytes, QGIS opens the project (check_qgs.py, with Debian's
# python3-qgis) and Chromium renders the page with no console error and a
# screenshot. Usage: run.sh HOTSPOT KENT_DIR FIXTURE_CSV WORKDIR
set -u
hs=$1 kent=$2 fixture=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

run() {
  "$hs" report "$kent"/*.csv --crime-type "Violence and sexual offences" \
    --title "Violence in Gravesham" -o "$1" 2>"$1.err"
}
run "$work/a" || { bad "hotspot report exited $?"; cat "$work/a.err"; exit 1; }
for f in report.html project.qgs wards.geojson wards.qml wards.csv grid.geojson grid.qml \
  density.tif density.qml hotspots.geojson hotspots.qml hotspots.csv patrol.csv rejects.csv; do
  [ -s "$work/a/$f" ] || bad "missing or empty: $f"
done
if ls "$work/a" | grep -q '\.tmp\.'; then bad "temporary files left"; fi
grep -qF "wrote $work/a/: report.html" "$work/a.err" || bad "no final summary on stderr"
# Stages are shown to a person at a terminal, not in a pipe or a log.
if grep -q '\[1/9\]' "$work/a.err"; then bad "stage lines written when stderr is not a terminal"; fi
if command -v script >/dev/null; then
  script -qec "$hs report $kent/2024-01-kent-street.csv -o $work/tty" /dev/null >"$work/tty.out" 2>&1
  grep -q '\[1/9\] wards' "$work/tty.out" && grep -q '\[9/9\] HTML report' "$work/tty.out" &&
    ok "stage lines at a terminal (script), none in a pipe" || bad "no stage lines at a terminal"
  script -qec "$hs report $kent/2024-01-kent-street.csv -q -o $work/tty" /dev/null >"$work/tty.out" 2>&1
  # -q: no stages, no counts; warnings only (the built-in wards leave most of Kent out).
  ! grep -qv '^hotspot: warning: ' "$work/tty.out" ||
    bad "-q at a terminal still printed: $(grep -v '^hotspot: warning: ' "$work/tty.out" | head -c 200)"
fi

# docs/commands/report.md lists exactly the options the command takes.
python3 - "$here/../../docs/commands/report.md" <("$hs" report --help 2>&1) <<'EOF2' || fail=1
import re, sys
doc = open(sys.argv[1]).read()
listed = set(re.findall(r"`(--[a-z-]+)`", doc[doc.index("**Options it takes**"):doc.index("**Not taken**")]))
helped = set(re.findall(r"^\s*(?:-[a-zA-Z], )?(--[a-z-]+)", open(sys.argv[2]).read(), re.M))
if listed != helped:
    print("FAIL report.md's options differ from --help: only in the doc %s, only in --help %s"
          % (sorted(listed - helped), sorted(helped - listed)))
    sys.exit(1)
print("ok   report.md lists the %d options of 'hotspot report --help'" % len(helped))
EOF2

# Independent reference: the fixture holds the Gravesham violent incidents
# of 2024-01..04, one row each (made by the shared data's authors with
# geopandas); the ward table must sum to its row count.
want=$(($(wc -l <"$fixture") - 1))
got=$(python3 -c "import csv,sys; print(sum(int(r['count']) for r in csv.DictReader(open(sys.argv[1]))))" "$work/a/wards.csv")
[ "$got" = "$want" ] && ok "wards.csv sums to $got, the fixture's $want rows" || bad "wards.csv sums to $got, fixture has $want"
rows=$(($(wc -l <"$work/a/hotspots.csv") - 1))
[ "$rows" = 20 ] && ok "20 hotspots" || bad "$rows hotspots, want 20"

# The page: every ward's count in its table as in wards.csv; no script, no
# fetch from the network (only the SVG namespace names a URL).
python3 - "$work/a/report.html" "$work/a/wards.csv" <<'EOF' || fail=1
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bad = []
if re.search(r"<script|<link|@import|url\(http", html, re.I):
    bad.append("scripts, links or imports")
urls = set(re.findall(r"https?://[^\"' )<]+", html))
if urls - {"http://www.w3.org/2000/svg"}:
    bad.append("network addresses: %s" % sorted(urls))
if "Content-Security-Policy" not in html:
    bad.append("no CSP")
for r in csv.DictReader(open(sys.argv[2])):
    name = r["name"].replace("&", "&amp;")
    if not re.search(r"<td>%s</td><td>%s</td><td class=n>%s</td>" % (re.escape(name), r["code"], "{:,}".format(int(r["count"]))), html):
        bad.append("ward %s %s not in the table" % (r["code"], r["count"]))
for b in bad:
    print("FAIL report.html:", b)
if not bad:
    print("ok   report.html: self-contained, ward table agrees with wards.csv")
sys.exit(1 if bad else 0)
EOF

# Each hotspot's time strip adds up to its count (the cells' tooltips), by
# month for police.uk; and by weekday x hour for data with times: the
# fixture's points given made-up date-times.
strips() { # strips REPORT.html WANT_HEADER
  python3 - "$1" "$2" <<'EOF2'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
top = html[html.index("<h2>Top hotspots"):html.index("<h2>How concentrated")]
if sys.argv[2] not in top:
    print("FAIL strips: no header %r" % sys.argv[2]); sys.exit(1)
rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", top, re.S)
bad = 0
for r in rows:
    count = int(re.findall(r"<td class=n>([\d,]+)</td>", r)[0].replace(",", ""))
    cells = [int(t) for t in re.findall(r"<title>(\d+)</title>", r)]
    if sum(cells) != count:
        bad += 1
        print("FAIL strips: a row of %d has cells summing to %d" % (count, sum(cells)))
print("ok   %d time strips add up to their hotspots' counts (%s)" % (len(rows), sys.argv[2]))
sys.exit(1 if bad or not rows else 0)
EOF2
}
strips "$work/a/report.html" "By month" || fail=1
python3 - "$fixture" "$work/timed.csv" <<'EOF2'
import csv, datetime, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t0 = datetime.datetime(2024, 1, 1)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x", "y", "when"])
    for i, r in enumerate(rows):
        w.writerow([r["x_bng"], r["y_bng"], (t0 + datetime.timedelta(minutes=7919 * i % (120 * 1440))).strftime("%Y-%m-%dT%H:%M")])
EOF2
"$hs" report "$work/timed.csv" --x-column x --y-column y --date-column when -q -o "$work/timed" ||
  bad "report on timed data"
strips "$work/timed/report.html" "weekday &#215; hour" || fail=1

# With populations, the wards are shaded by rate (page and QGIS style) and
# the table's rate is 1000 x count / population (recomputed here).
python3 - "$work/a/wards.csv" "$work/pop.csv" <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w") as f:
    f.write("code,population\n")
    for i, r in enumerate(rows):
        f.write("%s,%d\n" % (r["code"], 4000 + 613 * i))
EOF2
"$hs" report "$kent"/*.csv --crime-type "Violence and sexual offences" --population "$work/pop.csv" \
  -q -o "$work/pop" || bad "report with --population"
grep -q 'attr="rate_per_1000"' "$work/pop/wards.qml" || bad "wards.qml is not shaded by rate"
grep -q "Per 1,000 residents" "$work/pop/report.html" || bad "the page's map is not by rate"
python3 - "$work/pop/wards.csv" "$work/pop.csv" "$work/pop/report.html" <<'EOF2' || fail=1
import csv, sys
pop = {r["code"]: float(r["population"]) for r in csv.DictReader(open(sys.argv[2]))}
html = open(sys.argv[3], encoding="utf-8").read()
bad = 0
for r in csv.DictReader(open(sys.argv[1])):
    want = 1000.0 * int(r["count"]) / pop[r["code"]]
    if abs(float(r["rate_per_1000"]) - want) > 0.01 or ("<td class=n>%.1f</td>" % want) not in html:
        bad += 1
        print("FAIL rate of %s: %s, want %.3f" % (r["code"], r["rate_per_1000"], want))
if not bad:
    print("ok   rates per 1,000 (wards.csv and the page) = 1000 x count / population")
sys.exit(1 if bad else 0)
EOF2

# Same input, same bytes.
run "$work/b" || bad "second run exited $?"
for f in $(ls "$work/a"); do
  cmp -s "$work/a/$f" "$work/b/$f" || bad "$f differs between two runs"
done
[ $fail = 0 ] && ok "two runs: the same bytes in every file"

# QGIS itself opens the project.
if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
  QT_QPA_PLATFORM=offscreen /usr/bin/python3 "$here/check_qgs.py" "$work/a" "$work/qgis" 2>"$work/qgis.err" || {
    bad "QGIS check"; grep -v "^Warning" "$work/qgis.err"; }
else
  echo "skip QGIS check: python3-qgis is not installed"
fi

# Chromium renders it: no console message, no blocked load; a screenshot
# and an A4 PDF are made (look at them: $work/report.png, report.pdf).
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chrome" ]; then
  flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
    --enable-logging=stderr --v=0)
  timeout 120 "$chrome" "${flags[@]}" --window-size=900,2600 --screenshot="$work/report.png" \
    "file://$work/a/report.html" >"$work/chrome.out" 2>"$work/chrome.err"
  timeout 120 "$chrome" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$work/report.pdf" \
    "file://$work/a/report.html" >>"$work/chrome.out" 2>>"$work/chrome.err"
  if grep -E "CONSOLE|Refused to|Uncaught|Failed to load resource" "$work/chrome.err"; then
    bad "Chromium console messages (above)"
  fi
  size=$(stat -c %s "$work/report.png" 2>/dev/null || echo 0)
  [ "$size" -gt 50000 ] && ok "Chromium screenshot $work/report.png ($size bytes)" || bad "no screenshot ($size bytes)"
  [ -s "$work/report.pdf" ] && ok "A4 PDF printed ($work/report.pdf)" || bad "no PDF"
  # Layout (issue 16): no map text over another or outside its map; each
  # table on one printed page; also for Dartford, boundaries not tuned on.
  "$hs" report "$kent"/*.csv --crime-type "Violence and sexual offences" -q \
    --wards "$(dirname "$fixture")/../boundaries/dartford-wards-2013/dartford_wards_2013.shp" \
    -o "$work/dartford" || bad "report for Dartford"
  for p in a dartford; do
    python3 "$here/layout.py" "$chrome" "$work/$p/report.html" "$work" || bad "layout of $p/report.html"
  done
else
  echo "skip Chromium check: chromium is not installed"
fi
exit $fail
