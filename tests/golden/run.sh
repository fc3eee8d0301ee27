#!/bin/bash
# Refactor guard (issue 14): runs every hotspot command on the shipped data
# and checks each output file, stdout and stderr against tests/golden/SHA256SUMS.
# These hashes are NOT a correctness oracle (the peer fixtures are): they were
# captured before the library/tool split so that moving logic between
# tools/ and lib/ changes no byte. A deliberate change of output updates
# them with:  tests/golden/run.sh HOTSPOT DATA --update
# usage: run.sh HOTSPOT_BINARY TESTS_DATA_DIR [--update|--keep DIR]
set -u
hs=$1 data=$2 mode=${3:-} keepdir=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
# Inputs by a relative path, so that the rejects files (which name each
# row's file) are the same bytes in every checkout.
ln -s "$data" data
k=data/police-uk-kent
fx=data/fixtures/gravesham_violence_2024-01_to_04_bng.csv
wards=data/boundaries/gravesham-wards-2013/gravesham_wards_2013.shp
lsoa=$(ls data/boundaries/gravesham-lsoa-2011/*.shp | head -1)
dart=$(ls data/boundaries/dartford-wards-2013/*.shp | head -1)
V="Violence and sexual offences"
printf 'category,weight\nViolence and sexual offences,10\nRobbery,20\nBurglary,5\n' > harm.csv
run() { # name, then the command's arguments
    local n=$1; shift
    "$hs" "$@" > "$n.stdout" 2> "$n.stderr"
    echo "$?" > "$n.rc"
}
run report report "$k"/*.csv --crime-type "$V" --title "Violence in Gravesham" -o report
run report_dartford report "$k"/*.csv --crime-type "$V" --wards "$dart" --cell-size 200 --harm harm.csv --top 10 --half -o report_dartford
run grid grid "$k"/*.csv --crime-type "$V" -o grid.geojson
run grid_csv grid "$k"/*.csv --shape hex --cell-size 250 --rejects grid_rejects.csv -o grid.csv
run wards wards "$k"/*.csv --crime-type "$V" --from 2024-03 --to 2024-04 --compare 2024-01..2024-02 --by-type -o wards.geojson
run wards_csv wards "$k"/*.csv --wards "$lsoa" --rejects wards_rejects.csv -o wards.csv
run wards_shp wards "$k"/*.csv --crime-type "$V" -o wards.shp
run kde kde "$k"/*.csv --crime-type "$V" --bandwidth 300 --pixel-size 50 --extent "$wards" --contours 1,5 -o kde.tif
run kde_asc kde "$fx" --x-column x_bng --y-column y_bng --kernel gaussian --units density -o kde.asc
run kde_mask kde "$k"/*.csv --crime-type "$V" --mask "$wards" --edge-correction --pixel-size 100 -o kde_mask.tif
run kde_versus kde "$k"/2024-03*.csv "$k"/2024-04*.csv --crime-type "$V" --versus "$k"/2024-01-kent-street.csv --versus "$k"/2024-02-kent-street.csv --compare log-ratio --bandwidth 400 --pixel-size 100 --extent "$wards" -o kde_vs.tif
run hot hotspots "$k"/*.csv --crime-type "$V" --summary hot_summary.json --wards "$wards" -o hot.geojson
run hot_csv hotspots "$fx" --x-column x_bng --y-column y_bng --from 2024-01 --to 2024-02 --top 20 -o jf.csv
run hot_harm hotspots "$k"/*.csv --harm harm.csv --min-separation 300 --significant --fdr off -o hot_harm.csv
run hot_lsoa hotspots "$k"/*.csv --crime-type "$V" --units "$lsoa" --all -o hot_lsoa.geojson
run patrol patrol jf.csv --half --seed 2026 --start 2027-01-04 --geofences fences.geojson -o plan.csv
run patrol2 patrol jf.csv --days 14 --visits 3 --minutes 20 --window 18-24 -o plan2.csv
run change change "$k"/*.csv --crime-type "$V" --before 2024-01..2024-02 --after 2024-03..2024-04 -o change.geojson
run change_lsoa change "$k"/*.csv --units "$lsoa" --before 2024-01..2024-02 --after 2024-03..2024-04 -o change.csv
run evaluate evaluate "$fx" --x-column x_bng --y-column y_bng --hotspots jf.csv --before 2024-01..2024-02 --after 2024-03..2024-04 -o measures.csv --curve curve.csv
run displacement displacement "$fx" --x-column x_bng --y-column y_bng --treated jf.csv --buffer 300 --control "$wards" --before 2024-01..2024-02 --after 2024-03..2024-04 -o wdq.csv
run trend trend "$k"/*.csv --crime-type "$V" --units "$wards" -o ward_trend.csv
run trend_grid trend "$k"/*.csv --crime-type "$V" --cell-size 500 -o trend.geojson
run check check "$k"/*.csv --crime-type "$V"
# Paths of the run's folder and the data appear in messages: make them fixed.
for f in *.stderr *.stdout; do sed -i -e "s#$w#WORK#g" -e "s#$data#DATA#g" "$f"; done
find . -path ./data -prune -o -type f ! -name harm.csv ! -name "SHA256SUMS*" -print | LC_ALL=C sort | xargs sha256sum > SHA256SUMS.now
if [ "$mode" = --update ]; then
    cp SHA256SUMS.now "$here/SHA256SUMS"; echo "updated $here/SHA256SUMS"; exit 0
fi
if [ "$mode" = --keep ]; then rm -rf "$keepdir"; cp -r "$w" "$keepdir"; fi
if diff "$here/SHA256SUMS" SHA256SUMS.now > diff.txt; then
    echo "golden: $(wc -l < SHA256SUMS.now) files byte-identical"; exit 0
fi
echo "golden: outputs differ from tests/golden/SHA256SUMS:"; cat diff.txt
for f in $(grep '^>' diff.txt | awk '{print $3}'); do case $f in *.stderr|*.stdout|*.rc) echo "--- $f"; cat "$f";; esac; done
exit 1
