#!/usr/bin/env bash
# Measures delta and resumed runs (issue 13's benchmark), on a generated PACS of N small files (100 per study):
#   1. a full run;
#   2. a delta run with nothing changed;
#   3. one new 100-instance study and one new instance in an existing study, then a delta run: which ZIPs were
#      rewritten (by inode and modification time) and how long it took;
#   4. the same change met by delta passes in one JVM (--every): on a copy of the output as it was before the
#      change, a pass with nothing changed, then the change, then the pass timed (it starts no JVM);
#   5. a full run killed (kill -9) once half its ZIPs exist, then the rerun that resumes it;
#   6. an empty-input run (the fixed start).
# Times are wall seconds, JVM start included; also given net of the empty run. A pass of --every is timed as it
# prints ("Pass 2 took"), and given as % of the full run's wall time. Figures only, on a shared machine: run it
# twice and look at the load average it prints. PASS_EVERY (seconds, default 20) spaces the two passes: the first
# must end, and the change be made, before the second starts.
#
#   runbooks/tools/delta-bench.sh JAR WORK [N=20000] [java options, e.g. -Xmx512m] [-- job options, e.g. --runner=FlinkRunner --flinkMaster=[local]]
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,13p' "$0"; exit 2
fi
jar=$(realpath "$1") work=$2 n=${3:-20000}
shift 2; [ $# -gt 0 ] && shift
java_opts=() job_opts=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; job_opts=("$@"); break; fi
  java_opts+=("$1"); shift
done
[ ${#java_opts[@]} -eq 0 ] && java_opts=(-Xmx512m)
rm -rf "$work"; mkdir -p "$work"; cd "$work"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

java -cp "$jar" org.pacsmigrate.pipeline.GeneratedPacs small gen $((n + 100)) > /dev/null
mkdir -p in new empty
last=$(ls gen | sort | tail -1)
mv "gen/$last" new/ && mv gen/* in/
first=$(find in -name '*.dcm' | sort | sed -n 1p)
cp "$first" extra.dcm
dcmodify -nb -imt -m "(0008,0018)=1.2.826.0.1.3680043.99.424242" -m "(0002,0003)=1.2.826.0.1.3680043.99.424242" \
  extra.dcm > /dev/null

run() { # run OUT INPUT [options]: prints the wall seconds
  local out=$1 input=$2; shift 2
  local start end
  start=$(date +%s.%N)
  java "${java_opts[@]}" -jar "$jar" --input="$input" --output="$out" "${job_opts[@]}" "$@" > "$out.log" 2>&1 \
    || { echo "run failed: $out.log" >&2; tail -3 "$out.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
stamps() { stat -c '%i %Y %n' "$1"/archive/*.zip | sort -k3; }

empty=$(run empty-out empty)
full=$(run out in)
same=$(run out in); cp out.log same.log
stamps out > before.txt

rm -rf passes; cp -a out passes
java "${java_opts[@]}" -jar "$jar" --input=in --output=passes "${job_opts[@]}" --every="${PASS_EVERY:-20}s" \
  --passes=2 > passes.log 2>&1 &
passes_pid=$!
until grep -q '^Next pass' passes.log 2>/dev/null; do
  kill -0 $passes_pid 2>/dev/null || { echo "the passes ended before their second: passes.log" >&2; exit 1; }
  sleep 0.1
done
cp -r "new/$last" in/ && cp extra.dcm "$(dirname "$first")/IMextra.dcm"
wait $passes_pid || { echo "the passes failed: passes.log" >&2; tail -3 passes.log >&2; exit 1; }
pass=$(sed -n 's/^Pass 2 took \([0-9.]*\) s$/\1/p' passes.log)
pass_delta=$(grep '^Delta:' passes.log | sed -n 2p | cut -c11-60)
# cp -a gave the copy's ZIPs new inodes: rewritten here means a new modification time.
pass_rewritten=$(diff <(stat -c '%Y %n' out/archive/*.zip | sed 's#out/#passes/#' | sort -k2) \
  <(stat -c '%Y %n' passes/archive/*.zip | sort -k2) | grep -c '^>' || true)

delta=$(run out in)
stamps out > after.txt
rewritten=$(diff <(cut -d' ' -f1,2,3 before.txt) <(cut -d' ' -f1,2,3 after.txt) | grep -c '^>' || true)
kept=$(join -1 3 -2 3 before.txt after.txt | awk '$2 == $4 && $3 == $5' | wc -l)

rm -rf killed; mkdir killed
java "${java_opts[@]}" -jar "$jar" --input=in --output=killed "${job_opts[@]}" > killed-1.log 2>&1 &
pid=$!
studies=$(ls in | wc -l)
while [ "$(ls killed/archive 2>/dev/null | grep -c 'zip$' || true)" -lt $((studies / 2)) ]; do
  kill -0 $pid 2>/dev/null || { echo "the run ended before half its studies were written" >&2; break; }
  sleep 0.1
done
kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
at_kill=$(ls killed/archive | grep -c 'zip$' || true)
resumed=$(run killed in)

net() { echo "scale=1; ($1 - $empty) * 100 / ($full - $empty)" | bc; }
printf '%-52s %8s %8s\n' "run ($n files + 101, $studies studies)" "wall s" "% of full (net of empty)"
printf '%-52s %8.1f\n' "empty input" "$empty"
printf '%-52s %8.1f %8s\n' "full" "$full" "100"
printf '%-52s %8.1f %8s  (%s)\n' "delta, nothing changed" "$same" "$(net "$same")" "$(grep '^Delta:' same.log | head -1 | cut -c11-60)"
printf '%-52s %8.1f %8s\n' "delta, +1 study of 100 and +1 instance" "$delta" "$(net "$delta")"
printf '%-52s %8s\n' "  ZIPs rewritten or new / left untouched" "$rewritten / $kept"
printf '%-52s %8.2f %8s  (raw: %s)\n' "the same change, pass 2 of --every (no JVM start)" "$pass" \
  "$(echo "scale=1; $pass * 100 / $full" | bc)" "$pass_delta"
printf '%-52s %8s\n' "  ZIPs rewritten or new" "$pass_rewritten"
printf '%-52s %8.1f %8s  (%s ZIPs when killed)\n' "resumed after kill -9 at half" "$resumed" "$(net "$resumed")" "$at_kill"
grep -h '^Resuming\|^Delta:' killed.log | cut -c1-110
echo "raw % of full: delta $(echo "scale=1; $delta * 100 / $full" | bc), resumed $(echo "scale=1; $resumed * 100 / $full" | bc)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
