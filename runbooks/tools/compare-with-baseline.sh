#!/usr/bin/env bash
# Runs two builds of the job on the same input and says whether their outputs are the same: every study ZIP byte
# for byte, the manifest (sorted), the conflict reports and summary.json (without "seconds").
#
#   runbooks/tools/compare-with-baseline.sh BASELINE.jar NEW.jar INPUT WORK [job options...]
#
# WORK gets baseline/ and new/ (deleted first). Exit code 0 when identical, 1 when not (the differences listed).
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,8p' "$0"; exit 2
fi
baseline=$1 new=$2 input=$3 work=$4
shift 4
rm -rf "$work/baseline" "$work/new"
mkdir -p "$work"
for side in baseline new; do
  jar=$baseline; [ $side = new ] && jar=$new
  start=$(date +%s.%N)
  java -jar "$jar" --input="$input" --output="$work/$side" "$@" > "$work/$side.log" 2>&1 \
    || { echo "$side run failed; see $work/$side.log"; exit 1; }
  printf '%-8s %6.1f s  %s\n' "$side" "$(echo "$(date +%s.%N) - $start" | bc)" "$(grep '^Done in' "$work/$side.log")"
done

status=0
b=$work/baseline n=$work/new
if ! diff <(cd "$b/archive" && find . -type f | sort) <(cd "$n/archive" && find . -type f | sort) >/dev/null; then
  echo "DIFFERENT: the archives hold different files"; status=1
fi
zips=0
while IFS= read -r f; do
  zips=$((zips + 1))
  if [ ! -f "$n/archive/$f" ] || ! cmp -s "$b/archive/$f" "$n/archive/$f"; then
    echo "DIFFERENT: archive/$f"; status=1
  fi
done < <(cd "$b/archive" && find . -type f | sort)
if ! diff <(sort "$b/reports/manifest.csv") <(sort "$n/reports/manifest.csv") > "$work/manifest.diff"; then
  echo "DIFFERENT: reports/manifest.csv (see $work/manifest.diff)"; status=1
fi
for r in conflicts.csv conflicts.json conflicts.html resolutions-template.csv; do
  if [ -f "$b/reports/$r" ] || [ -f "$n/reports/$r" ]; then
    cmp -s "$b/reports/$r" "$n/reports/$r" || { echo "DIFFERENT: reports/$r"; status=1; }
  fi
done
strip() { sed -E 's/"seconds" *: *[0-9.eE+-]+,? *//' "$1"; }
if ! diff <(strip "$b/reports/summary.json") <(strip "$n/reports/summary.json") >/dev/null; then
  echo "DIFFERENT: reports/summary.json (besides seconds)"; status=1
fi
[ $status = 0 ] && echo "IDENTICAL: $zips archive files, manifest ($(($(wc -l < "$n/reports/manifest.csv") - 1)) rows), conflict reports, summary"
exit $status
