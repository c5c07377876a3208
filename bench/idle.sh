#!/usr/bin/env bash
# Benchmark: what an idle Arauto costs. Started from the jar with the sandbox provider and the benchmark's 1M-entry CRM
# opt-out list, no file and nothing queued; once the list is loaded at start, Arauto's CPU time (utime + stime of
# /proc/<pid>/stat, every thread) is read over a window and given as CPU-seconds per hour. See bench/README.md.
#
#   bench/idle.sh                         a 600 s window
#   IDLE_WINDOW=120 bench/idle.sh         a shorter one
#   IDLE_ARGS="--arauto.optout.crm-version-query=select count(*) from optout_whatsapp" bench/idle.sh
#   BENCH_APP_DIR=dir BENCH_LABEL=name    another checkout (built already: its target/*.jar, routes/, config/)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
IDLE=$OUT/idle
WINDOW=${IDLE_WINDOW:-600}
SETTLE=${IDLE_SETTLE:-15}
HEAP=${BENCH_HEAP:-256m}
JVM_OPTS=${BENCH_JVM_OPTS-"-XX:+UseParallelGC"}
HZ=$(getconf CLK_TCK)
mkdir -p "$IDLE"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
process_busy() { awk '{print $14+$15}' "/proc/$1/stat"; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }

APP=${BENCH_APP_DIR:-$ROOT}
[[ -n ${BENCH_APP_DIR:-} ]] || mvn -B -q -DskipTests package
JAR=$(ls "$APP"/target/arauto-*.jar | grep -v original | head -1)
if [[ ! -s $OUT/classpath.txt || pom.xml -nt $OUT/classpath.txt ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/classpath.txt"
fi
# the same data as bench/run.sh, generated once
ROWS=1000000
STAMP="$(sha256sum bench/src/GenerateBenchData.java | cut -c1-16) $ROWS"
if [[ ! -f $OUT/data.stamp || "$(cat "$OUT/data.stamp")" != "$STAMP" ]]; then
  log "generating the benchmark data (a 1M-entry CRM opt-out table among it): about a minute"
  java -Xmx2g -cp "$(cat "$OUT/classpath.txt")" bench/src/GenerateBenchData.java "$OUT" "$ROWS" 1000000 >&2
  echo "$STAMP" > "$OUT/data.stamp"
fi
COMMIT=${BENCH_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config routes || echo "+dirty")}

data=$IDLE/data applog=$IDLE/app.log
rm -rf "$data"
mkdir -p "$data"
# shellcheck disable=SC2086 # JVM_OPTS and IDLE_ARGS are lists of options
(cd "$APP" && exec java -Xmx"$HEAP" $JVM_OPTS -jar "$JAR" \
  --server.port=0 \
  --arauto.data-dir="$data" \
  --arauto.provider.type=sandbox \
  --arauto.crm.datasource.url="${BENCH_CRM_URL:-jdbc:h2:file:$OUT/crm/crm;ACCESS_MODE_DATA=r}" \
  --arauto.crm.datasource.username=sa \
  --arauto.optout.query="select telefone from optout_whatsapp" \
  ${IDLE_ARGS:-}) > "$applog" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
deadline=$((SECONDS + 300))
until grep -q "CRM opt-out list loaded" "$applog"; do
  kill -0 $pid 2>/dev/null || { log "Arauto stopped, see $applog"; exit 1; }
  (( SECONDS < deadline )) || { log "the CRM opt-out list was not loaded in 300 s, see $applog"; exit 1; }
  sleep 0.5
done
log "started, CRM list loaded; settling for ${SETTLE}s, then measuring for ${WINDOW}s"
sleep "$SETTLE"

loads0=$(grep -c "CRM opt-out list loaded" "$applog")
load0=$(cut -d' ' -f1-3 /proc/loadavg)
ours0=$(process_busy $pid); busy0=$(machine_busy); t0=$SECONDS
sleep "$WINDOW"
ours1=$(process_busy $pid); busy1=$(machine_busy); t1=$SECONDS
load1=$(cut -d' ' -f1-3 /proc/loadavg)
loads1=$(grep -c "CRM opt-out list loaded" "$applog")
kill $pid; wait $pid || true
trap - EXIT

seconds=$((t1 - t0))
cpu=$(awk -v j=$((ours1 - ours0)) -v hz="$HZ" 'BEGIN{printf "%.2f", j/hz}')
per_hour=$(awk -v j=$((ours1 - ours0)) -v hz="$HZ" -v s=$seconds 'BEGIN{printf "%.1f", j/hz*3600/s}')
other=$(awk -v b=$((busy1 - busy0)) -v o=$((ours1 - ours0)) -v s=$seconds -v hz="$HZ" 'BEGIN{v=(b-o)/(s*hz); printf "%.2f", v<0?0:v}')
reloads=$((loads1 - loads0))
[[ -f $IDLE/runs.tsv ]] || printf 'when\tcommit\twindow_s\tcpu_s\tcpu_s_per_hour\tcrm_reloads\tload_before\tload_after\tother_cores\targs\n' > "$IDLE/runs.tsv"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$COMMIT" "$seconds" "$cpu" "$per_hour" "$reloads" "$load0" "$load1" \
  "$other" "${IDLE_ARGS:-}" >> "$IDLE/runs.tsv"
echo "idle Arauto ($COMMIT, -Xmx$HEAP ${JVM_OPTS:-(G1)}, sandbox, 1M-entry CRM opt-out list): ${cpu} CPU-s in ${seconds} s = ${per_hour} CPU-s per hour; CRM list loaded ${reloads} times in the window; load ${load0} -> ${load1}, other processes ${other} cores of $(nproc)"
