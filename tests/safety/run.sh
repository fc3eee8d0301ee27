#!/usr/bin/env bash
# Output safety (issue 13, points 1-3): no output replaces an input, a
# device, a link or a style someone else wrote; modes are kept; a job's
# files appear together or not at all; and, run as root beside an attacker
# running as nobody in a shared sticky folder, no file outside the output
# is ever touched. Usage: run.sh HOTSPOT KENT_DIR WARDS_SHP WORKDIR ATTACKER
set -u
hs=$(realpath "$1") kent=$(realpath "$2") wards=$(realpath "$3") work=$4 attacker=$(realpath "$5")
k1=$kent/2024-01-kent-street.csv
fail=0 n=0 nf=0
ok() { n=$((n + 1)); echo "ok   $*"; }
bad() { n=$((n + 1)); nf=$((nf + 1)); echo "FAIL $*"; fail=1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sum() { find "$@" -type f -exec sha256sum {} + 2>/dev/null | sort; }

# ---- 2. outputs never replace inputs, devices, links, others' styles --------
cp "$k1" in.csv
before=$(sha256sum in.csv)
"$hs" grid in.csv -q -o in.csv 2>e1 && bad "grid in.csv -o in.csv succeeded" ||
  { grep -qF "in.csv: is an input of this run; refusing to write over it" e1 &&
    [ "$(sha256sum in.csv)" = "$before" ] && ok "grid -o over its input refused, input intact" ||
    bad "grid -o in.csv: $(cat e1)"; }
"$hs" grid in.csv -q --rejects in.csv -o g.geojson 2>e2 && bad "--rejects over the input succeeded" ||
  { grep -qF "in.csv: is an input of this run" e2 && [ ! -e g.geojson ] &&
    [ "$(sha256sum in.csv)" = "$before" ] && ok "--rejects over the input refused before any output" ||
    bad "--rejects in.csv: $(cat e2)"; }
for e in shp shx dbf prj cpg; do cp "${wards%.shp}.$e" "g.$e"; done
wsum=$(sum g.*)
"$hs" wards in.csv -q --wards g.shp -o g.shp 2>e3 && bad "wards -o over its --wards succeeded" ||
  { grep -qF "g.shp: is an input of this run" e3 && [ "$(sum g.*)" = "$wsum" ] &&
    ok "wards --wards g.shp -o g.shp refused, every part intact" || bad "wards -o g.shp: $(cat e3)"; }
mkdir rep && cp "$k1" rep/rejects.csv
rsum=$(sum rep)
"$hs" report rep/rejects.csv -q -o rep 2>e4 && bad "report over its input succeeded" ||
  { grep -qF "rep/rejects.csv: is an input of this run" e4 && [ "$(sum rep)" = "$rsum" ] &&
    [ -z "$(ls -A rep | grep -v '^rejects.csv$')" ] &&
    ok "report whose input is its folder's rejects.csv refused, folder as it was" ||
    bad "report over rejects.csv: $(cat e4)"; }
printf 'WD13CD,population\nE05000314,1000\n' >rep2pop.csv && mkdir rep2 && cp rep2pop.csv rep2/wards.csv
"$hs" report "$k1" -q --population rep2/wards.csv -o rep2 2>e5 && bad "report over --population succeeded" ||
  { grep -qF "rep2/wards.csv: is an input of this run" e5 && cmp -s rep2pop.csv rep2/wards.csv &&
    ok "report over its --population file refused" || bad "report over population: $(cat e5)"; }
echo '<qgis>my own style</qgis>' >layer.qml
"$hs" grid in.csv -q -o layer.geojson 2>e6 && bad "a user's layer.qml was replaced" ||
  { grep -qF "layer.qml: exists and was not written by hotspot; refusing to replace it (move it, or use --overwrite)" e6 &&
    [ ! -e layer.geojson ] && grep -q 'my own style' layer.qml &&
    ok "a user's style is kept (no layer written either)" || bad "user style: $(cat e6)"; }
"$hs" grid in.csv -q --overwrite -o layer.geojson 2>e7 && grep -q libhotspot layer.qml &&
  ok "--overwrite replaces it" || bad "--overwrite: $(cat e7)"
"$hs" grid in.csv -q -o layer.geojson 2>e8 && ok "our own style is replaced on a second run" ||
  bad "second run: $(cat e8)"
if [ "$(id -u)" = 0 ]; then mknod dev c 1 3 && chmod 666 dev; else mkfifo dev; fi
"$hs" grid in.csv -q --rejects dev -o d.geojson 2>e9 && bad "a device/FIFO became a rejects file" ||
  { grep -qF "dev: is not a regular file; refusing to replace it" e9 && [ ! -f dev ] && [ -e dev ] &&
    ok "a device or FIFO as --rejects is refused and left alone" || bad "device: $(cat e9)"; }
ln -s in.csv link.geojson
"$hs" grid in.csv -q -o link.geojson 2>e10 && bad "wrote through a symbolic link" ||
  { grep -qF "link.geojson: is a symbolic link; refusing to replace it" e10 && [ -L link.geojson ] &&
    [ "$(sha256sum in.csv)" = "$before" ] && ok "a symbolic link as output is refused" ||
    bad "link: $(cat e10)"; }
: >m.geojson && chmod 600 m.geojson
"$hs" grid in.csv -q --rejects r.csv -o m.geojson 2>e11
[ "$(stat -c %a m.geojson)" = 600 ] && [ "$(stat -c %a r.csv)" = 600 ] &&
  ok "an existing 0600 output stays 0600; rejects are created 0600" ||
  bad "modes: m.geojson $(stat -c %a m.geojson), r.csv $(stat -c %a r.csv)"

# ---- 3. a job's files together or not at all ------------------------------
"$hs" report "$k1" -q -o old 2>/dev/null
osum=$(sum old)
"$hs" report "$k1" -q --pixel-size 0.01 -o old 2>e12 && bad "report with --pixel-size 0.01 succeeded" ||
  { [ "$(sum old)" = "$osum" ] && [ -z "$(ls -A old | grep hotspot-)" ] &&
    ok "a failed report leaves its folder exactly as it was" || bad "failed report changed: $(cat e12)"; }
"$hs" report "$kent"/*.csv -q --pixel-size 5 -o old 2>e13 &
pid=$!
sleep 1.2
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ "$rc" = 130 ]; then
  grep -qF "interrupted: no output written" e13 && [ "$(sum old)" = "$osum" ] &&
    [ -z "$(ls -A old | grep hotspot-)" ] && ok "SIGTERM during a report: folder exactly as it was" ||
    bad "SIGTERM left changes: $(cat e13)"
else
  echo "note: the report finished before SIGTERM (exit $rc); case not exercised"
fi
"$hs" report "$k1" -q --pixel-size 0.01 -o fresh 2>/dev/null
[ ! -e fresh ] && ok "a failed report into a new folder leaves no folder" || bad "fresh folder left: $(ls -A fresh)"
"$hs" kde in.csv -q --contours 5 --contours-output no/such/c.geojson -o k.tif 2>e14
[ $? = 1 ] && [ ! -e k.tif ] && grep -qF "no/such/c.geojson: cannot write into no/such" e14 &&
  ok "--contours-output into a missing folder: refused before the main output" || bad "contours: $(cat e14)"
"$hs" hotspots in.csv -q --summary no/such/s.json -o h.csv 2>e15
[ $? = 1 ] && [ ! -e h.csv ] && ok "--summary into a missing folder: no main output" || bad "summary: $(cat e15)"
"$hs" hotspots in.csv -q -o h.csv 2>/dev/null
"$hs" patrol h.csv -q --geofences no/such/f.geojson -o p.csv 2>e16
[ $? = 1 ] && [ ! -e p.csv ] && ok "--geofences into a missing folder: no plan" || bad "geofences: $(cat e16)"

# ---- 1. two users in a shared sticky folder ------------------------------
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
  echo "skip race: needs root and the user nobody"
else
  mkdir -m 1777 sh
  echo precious >victim && chmod 644 victim
  vsum=$(sha256sum victim)
  # The attacker (attacker.c, as nobody) plants links to a root-owned file
  # named after every entry the moment it appears.
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$attacker" "$work/sh" "$work/victim" 60 &
  apid=$!
  sleep 0.3
  wrote=0 refused=0
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if "$hs" wards "$k1" -q -o sh/w.shp 2>race.err; then wrote=$((wrote + 1)); else
      grep -qF "is a symbolic link; refusing" race.err || grep -qF "cannot create" race.err ||
        bad "race: unexpected: $(cat race.err)"
      refused=$((refused + 1))
    fi
  done
  kill $apid 2>/dev/null; wait $apid 2>/dev/null
  [ "$(sha256sum victim)" = "$vsum" ] && [ "$(stat -c %U victim)" = root ] &&
    ok "race: 10 runs as root beside an attacker as nobody ($wrote written, $refused refused): the root-owned file is untouched" ||
    bad "race: the victim file changed"
  [ -z "$(find sh -maxdepth 1 -name '.hotspot-*' -user root)" ] && ok "race: no staging folder left" ||
    bad "race: staging left: $(ls -A sh)"
fi

echo "$((n - nf)) passed, $nf failed"
exit $fail
