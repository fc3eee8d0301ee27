#!/bin/bash
# The example programs against the hotspot command: each must write the
# same bytes as the command it stands for (docs/examples/*.c say which).
# usage: run.sh HOTSPOT EXAMPLES_DIR KENT_DIR FIXTURE_CSV
set -u
hs=$(realpath "$1") ex=$(realpath "$2") kent=$(realpath "$3") fx=$(realpath "$4")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
fail=0
same() { # what, file a, file b
    if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: $2 and $3 differ"; fail=1; fi
}
V="Violence and sexual offences"
"$ex/example_report" r1 "$kent"/*.csv 2> r1.log || { echo "FAIL example_report"; cat r1.log; fail=1; }
"$hs" report "$kent"/*.csv --crime-type "$V" --title "Violence in Gravesham" -o r2 -q || fail=1
for f in r2/*; do same "report $(basename "$f")" "r1/$(basename "$f")" "$f"; done
[ "$(ls r1 | wc -l)" = "$(ls r2 | wc -l)" ] || { echo "FAIL report: other files"; fail=1; }

"$ex/example_patrol" h1.csv p1.csv "$kent"/*.csv > /dev/null || { echo "FAIL example_patrol"; fail=1; }
"$hs" hotspots "$kent"/*.csv --crime-type "$V" -o h2.csv -q || fail=1
"$hs" patrol h2.csv --half --seed 2026 --start 2027-01-04 -o p2.csv -q || fail=1
same "patrol: hotspots" h1.csv h2.csv
same "patrol: plan" p1.csv p2.csv

"$hs" hotspots "$fx" --from 2024-01 --to 2024-02 -o jf.csv -q || fail=1
"$ex/example_evaluate" jf.csv m1.csv c1.csv "$fx" > /dev/null || { echo "FAIL example_evaluate"; fail=1; }
"$hs" evaluate "$fx" --hotspots jf.csv --before 2024-01..2024-02 --after 2024-03..2024-04 \
    -o m2.csv --curve c2.csv -q || fail=1
same "evaluate: measures" m1.csv m2.csv
same "evaluate: curve" c1.csv c2.csv
exit $fail
