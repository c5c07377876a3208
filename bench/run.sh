#!/usr/bin/env bash
# Benchmark: a 1M-row CSV and a 1M-row XLSX, each from the moment it is dropped in the inbox until
# every row is judged and in the ledger (the file moves to archive/ only after that). See bench/README.md.
#
#   bench/run.sh                 both formats, 3 runs each
#   BENCH_FORMATS=csv BENCH_REPEAT=1 BENCH_JFR=1 bench/run.sh    one CSV run with a JFR recording
#   BENCH_ARGS="--key=value ..."  extra Arauto arguments, BENCH_JVM_OPTS="-XX:..." JVM options (default: the
#   recommended -XX:+UseParallelGC; BENCH_JVM_OPTS= runs the JVM's default collector, G1)
#   BENCH_APP_DIR=dir BENCH_LABEL=name  run another checkout (built already: its target/*.jar, routes/, config/)
#   BENCH_WARM=N                 a warm Arauto, as a long-running one is: N times the same rows in other bytes go through first
#                                (judged, stored and reported; nothing is sent, and with no report rounds nothing of
#                                it runs again), then the file is timed
#   BENCH_WARM_IDLE=30           seconds Arauto idles after the warm-ups, before a full GC (jcmd GC.run) and the timed drop
#   BENCH_STABLE_FOR=0s          arauto.intake.stable-for (the file is dropped by an atomic rename; 200ms before 2026-11-30)
#   BENCH_CRM_REFRESH=10m        arauto.optout.crm-refresh: the CRM's list loaded at start serves every file of the run, as
#                                the bare loop's is loaded before its clock starts (30s, the default, before 2026-11-30)
#   BENCH_THREADS=1              CPU seconds per thread of Arauto from the drop to archived (or to the status files)
#   BENCH_REPORTS=1              also time drop -> first complete status CSV and XLSX in outbox/ (reports every 2 s)
#   BENCH_LEDGER=postgres        the ledger on an embedded PostgreSQL (bench/src/EmbeddedLedger.java, fsync on), a fresh
#                                server per run; BENCH_PG_PARAMS="reWriteBatchedInserts=true" adds JDBC URL parameters
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
REPEAT=${BENCH_REPEAT:-3}
JVM_OPTS=${BENCH_JVM_OPTS-"-XX:+UseParallelGC"}
FORMATS=${BENCH_FORMATS:-csv xlsx}
HEAP=${BENCH_HEAP:-256m}
JFR=${BENCH_JFR:-0}
REPORTS=${BENCH_REPORTS:-0}
WARM=${BENCH_WARM:-0}
REPORTS_INTERVAL=1h; [[ $REPORTS == 1 && $WARM == 0 ]] && REPORTS_INTERVAL=2s   # a file's first report needs no round
LEDGER=${BENCH_LEDGER:-h2}
ROWS=1000000
HZ=$(getconf CLK_TCK)
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }
# busy jiffies of the whole machine, and of one process (all its threads)
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
process_busy() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

APP=${BENCH_APP_DIR:-$ROOT}
log "load before building: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${BENCH_APP_DIR:-} ]] || mvn -B -q -DskipTests package
JAR=$(ls "$APP"/target/arauto-*.jar | grep -v original | head -1)
if [[ ! -s $OUT/classpath.txt || pom.xml -nt $OUT/classpath.txt ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/classpath.txt"
fi
CP=$(cat "$OUT/classpath.txt")
if [[ $LEDGER == postgres ]]; then
  # the embedded PostgreSQL is a test dependency (io.zonky.test:embedded-postgres)
  if [[ ! -s $OUT/classpath-test.txt || pom.xml -nt $OUT/classpath-test.txt ]]; then
    mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath-test.txt"
  fi
  TEST_CP=$(cat "$OUT/classpath-test.txt")
fi
pgpid=
stop_pg() { [[ -z $pgpid ]] || { kill "$pgpid" 2>/dev/null; wait "$pgpid" || true; pgpid=; }; }
trap stop_pg EXIT
# CPU of the PostgreSQL server: the postmaster with the children it reaped, and its live backends
pg_busy() {
  local pm
  pm=$(cat "$OUT/pg.pid" 2>/dev/null) || { echo 0; return; }
  { awk '{print $14+$15+$16+$17}' "/proc/$pm/stat" 2>/dev/null
    for child in $(ps -o pid= --ppid "$pm"); do process_busy "$child"; done; } | awk '{s+=$1} END {print s+0}'
}

# the data is generated once; a changed generator generates it again
STAMP="$(sha256sum bench/src/GenerateBenchData.java | cut -c1-16) $ROWS"
if [[ ! -f $OUT/data.stamp || "$(cat "$OUT/data.stamp")" != "$STAMP" ]]; then
  log "generating $ROWS rows (CSV, XLSX) and a 1M-entry CRM opt-out table: about a minute"
  java -Xmx2g -cp "$CP" bench/src/GenerateBenchData.java "$OUT" "$ROWS" 1000000 >&2
  echo "$STAMP" > "$OUT/data.stamp"
fi
# shellcheck disable=SC1091
source "$OUT/expected.properties"

RESULTS=$OUT/runs.tsv
[[ -f $RESULTS ]] || printf 'when\tcommit\tformat\trun\tseconds\trows_per_s\tintake_ms\tcrm_ms\tpeak_heap_mb\tmax_after_gc_mb\tgcs\tfull_gcs\tgc_pause_ms\tapp_cpu_s\tload_1m\tother_cores\tledger\n' > "$RESULTS"
COMMIT=${BENCH_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config routes || echo "+dirty")}
(( WARM > 0 )) && COMMIT="$COMMIT+warm$WARM"

# warm-up file i: the same rows in other bytes (i blank lines more; the XLSX zipped again at level i), so no two are identical
warmup_file() {
  local fmt=$1 target=$2 i=$3
  if [[ $fmt == csv ]]; then
    { cat "$OUT/pedidos-1m.csv"; for _ in $(seq "$i"); do printf '\n'; done; } > "$target"
  else
    rm -rf "$OUT/warm-xlsx"; mkdir -p "$OUT/warm-xlsx"
    (cd "$OUT/warm-xlsx" && unzip -q "$OUT/pedidos-1m.xlsx" && zip -q -X -"$i" -r "$target" .)
    rm -rf "$OUT/warm-xlsx"
  fi
}
[[ $LEDGER == postgres ]] && COMMIT="$COMMIT+pg${BENCH_PG_PARAMS:+($BENCH_PG_PARAMS)}"

run_once() {
  local fmt=$1 run=$2
  local data=$OUT/data name=pedidos-1m.$fmt tag=$fmt-$run
  [[ $LEDGER == postgres ]] && tag=pg-$fmt-$run   # its own logs: an H2 run after it does not overwrite them
  local applog=$OUT/app-$tag.log gclog=$OUT/gc-$tag.log
  rm -rf "$data" "$OUT/stage" "$gclog"
  : > "$applog"   # emptied now: the JVM opens it in the background, and the waits below must not read the last run's lines
  mkdir -p "$data/inbox/pedido_enviado" "$OUT/stage"
  cp "$OUT/$name" "$OUT/stage/$name"   # on the same file system, so the drop below is an atomic rename

  local jfr=()
  [[ $JFR == 1 ]] && jfr=(-XX:StartFlightRecording=filename=$OUT/$tag.jfr,settings=profile)
  local ledger_args=() pgurl=
  if [[ $LEDGER == postgres ]]; then
    rm -f "$OUT/pg.url" "$OUT/pg.pid"
    java -cp "$TEST_CP" bench/src/EmbeddedLedger.java "$OUT/pg" "$OUT/pg.url" > "$OUT/postgres-$tag.log" 2>&1 &
    pgpid=$!
    trap stop_pg EXIT   # run_once runs in a subshell, which does not inherit the script's trap
    local pgdeadline=$((SECONDS + 120))
    until [[ -s $OUT/pg.url ]]; do
      kill -0 $pgpid 2>/dev/null || { log "the embedded PostgreSQL did not start, see $OUT/postgres-$tag.log"; exit 1; }
      (( SECONDS < pgdeadline )) || { kill $pgpid; log "the embedded PostgreSQL did not start in 120 s"; exit 1; }
      sleep 0.2
    done
    pgurl=$(cat "$OUT/pg.url")${BENCH_PG_PARAMS:+&$BENCH_PG_PARAMS}
    ledger_args=(--spring.datasource.url="$pgurl" --spring.datasource.username=postgres --spring.datasource.password=postgres)
  fi
  # routes/ and config/ are read from the working directory; exec keeps $! the JVM's pid
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  (cd "$APP" && exec java -Xmx"$HEAP" $JVM_OPTS -Xlog:gc:file="$gclog":timemillis "${jfr[@]}" -jar "$JAR" \
    --server.port=0 \
    --arauto.data-dir="$data" \
    --arauto.provider.type=sandbox \
    --arauto.crm.datasource.url="${BENCH_CRM_URL:-jdbc:h2:file:$OUT/crm/crm;ACCESS_MODE_DATA=r}" \
    --arauto.crm.datasource.username=sa \
    --arauto.optout.query="select telefone from optout_whatsapp" \
    --arauto.intake.stable-for="${BENCH_STABLE_FOR:-0s}" \
    --arauto.optout.crm-refresh="${BENCH_CRM_REFRESH:-10m}" \
    --arauto.intake.read-lock-check-interval=100 \
    --arauto.intake.poll-delay=100 \
    --arauto.reports.interval=$REPORTS_INTERVAL \
    --arauto.send.poll-interval=3600000 \
    "${ledger_args[@]}" ${BENCH_ARGS:-}) > "$applog" 2>&1 &
  local pid=$!
  local deadline=$((SECONDS + 180))
  until grep -q "Started ArautoApplication" "$applog"; do
    kill -0 $pid 2>/dev/null || { log "Arauto did not start, see $applog"; exit 1; }
    (( SECONDS < deadline )) || { kill $pid; log "Arauto did not start in 180 s"; exit 1; }
    sleep 0.2
  done
  # Arauto loads the CRM's opt-out list at start (route crm-optout-refresh): drop once it is, so the file finds it fresh
  until grep -q "CRM opt-out list loaded" "$applog"; do
    (( SECONDS < deadline )) || { kill $pid; log "the CRM opt-out list was not loaded in 180 s"; exit 1; }
    sleep 0.2
  done
  local w
  for w in $(seq "$WARM"); do
    warmup_file "$fmt" "$OUT/stage/warmup$w.$fmt" "$w"
    mv "$OUT/stage/warmup$w.$fmt" "$data/inbox/pedido_enviado/warmup$w.$fmt"
    until grep -q "status file .*/warmup$w[^ ]* written (" "$applog"; do
      kill -0 $pid 2>/dev/null || { log "Arauto stopped during the warm-up, see $applog"; exit 1; }
      (( SECONDS < deadline + 600 )) || { kill $pid; log "the warm-up was not done in time"; exit 1; }
      sleep 0.2
    done
    log "$fmt run $run: warm-up $w of $WARM done ($(sed -n "s/.*warmup$w.*: campaign [0-9]* created.*(\([0-9]*\) ms.*/\1/p" "$applog" | tail -1) ms)"
  done
  # files come minutes or hours apart: the JIT compiler's queue drains before the next file, as in a long-running Arauto
  # (dropped 2 s after the warm-ups, the timed file shared the cores with their compiling: 9-11 s, not 7-8); and the
  # timed file starts from a collected heap, as the cold run's does, not from the warm-ups' garbage (G1 spent 1-3 s more
  # CPU on it, and how much depended on what ran between)
  if (( WARM > 0 )); then
    sleep "${BENCH_WARM_IDLE:-30}"
    jcmd $pid GC.run > /dev/null
  fi
  sleep 2 # let start-up work (first timer rounds, JIT of start-up code) die down

  local load busy0 ours0 db0 t0 t1
  load=$(cut -d' ' -f1 /proc/loadavg)
  busy0=$(machine_busy); ours0=$(process_busy $pid); db0=$(pg_busy)
  local threads=
  if [[ ${BENCH_THREADS:-0} == 1 ]]; then   # CPU seconds per thread from the drop to the end of the run's timing
    rm -f "$OUT/threads.stop"
    java bench/src/ThreadCpu.java $pid "$OUT/threads.stop" > "$OUT/threads-$tag.txt" 2>&1 &
    threads=$!
    sleep 1   # the sampler's JVM starts and takes its first sample before the drop
  fi
  touch "$OUT/stage/$name"            # the file is as new as a real drop
  t0=$(now_ms)
  mv "$OUT/stage/$name" "$data/inbox/pedido_enviado/$name"
  deadline=$((SECONDS + 900))
  until compgen -G "$data/archive/pedido_enviado/pedidos-1m*" > /dev/null; do
    if compgen -G "$data/error/*.txt" > /dev/null || ! kill -0 $pid 2>/dev/null; then
      local why
      why=$(sed -n 's/^Reason: //p' "$data"/error/*.error.txt 2>/dev/null || echo "Arauto stopped")
      log "$fmt run $run FAILED after $(( $(now_ms) - t0 )) ms: $why (GC log: $gclog)"
      kill $pid 2>/dev/null || true; wait $pid || true
      stop_pg
      printf '%s\t%s\t%s\t%s\tFAILED\t\t\t\t\t\t\t\t\t\t\t\t%s\n' "$(date -Is)" "$COMMIT" "$fmt" "$run" "$why" >> "$RESULTS"
      echo "$fmt $run FAILED"
      return 0
    fi
    (( SECONDS < deadline )) || { kill $pid; log "no result after 900 s"; exit 1; }
    sleep 0.05
  done
  t1=$(now_ms)
  local busy1 ours1 db1
  busy1=$(machine_busy); ours1=$(process_busy $pid); db1=$(pg_busy)
  local report=""
  if [[ $REPORTS == 1 ]]; then
    # the first report is written once every row is read; nothing is sent (poll 1 h), so it is complete and final
    until grep -q "status file .*/pedidos-1m[^ ]* written (" "$applog"; do
      kill -0 $pid 2>/dev/null || { log "Arauto stopped before writing the status files"; exit 1; }
      (( SECONDS < deadline )) || { kill $pid; log "no status files after 900 s"; exit 1; }
      sleep 0.05
    done
    local t2 lines writing
    t2=$(now_ms)
    lines=$(tail -c +4 "$data"/outbox/pedidos-1m*.status.csv | wc -l)
    writing=$(sed -n 's|.*status file .*/pedidos-1m[^ ]* written (\([^)]*\)).*|\1|p' "$applog" | head -1)   # "N ms, M ms CPU" ("N ms" before issue 13)
    report=$(awk -v a=$((t1 - t0)) -v b=$((t2 - t0)) 'BEGIN{printf "%.2f", b/1000}')
    log "$fmt run $run: status CSV and XLSX complete ${report}s after the drop = $(awk -v a=$((t1 - t0)) -v b=$((t2 - t0)) 'BEGIN{printf "%.2f", b/a}')x drop->archived; writing them took ${writing}; $(du -k "$data"/outbox/pedidos-1m*.status.xlsx | cut -f1) KB XLSX, $lines CSV lines"
    (( lines == ROWS + 1 )) || log "  WARNING: the status CSV has $lines lines, not $((ROWS + 1))"
  fi
  if [[ -n $threads ]]; then
    touch "$OUT/threads.stop"; wait $threads || true
    log "$fmt run $run: CPU seconds per thread, drop -> $([[ $REPORTS == 1 ]] && echo 'status files' || echo archived):"
    sed 's/^/    /' "$OUT/threads-$tag.txt" >&2
  fi
  kill $pid; wait $pid || true

  local ms=$((t1 - t0))
  local seconds rate other
  seconds=$(awk -v ms=$ms 'BEGIN{printf "%.2f", ms/1000}')
  rate=$(awk -v ms=$ms -v rows=$ROWS 'BEGIN{printf "%d", rows*1000/ms}')
  other=$(awk -v b=$((busy1 - busy0)) -v o=$((ours1 - ours0 + db1 - db0)) -v ms=$ms -v hz="$HZ" 'BEGIN{v=(b-o)/(ms/1000*hz); printf "%.2f", v<0?0:v}')
  local intake crm
  intake=$(sed -n 's/.*campaign [0-9]* created.*(\([0-9]*\) ms.*/\1/p' "$applog" | tail -1)
  crm=$(sed -n 's/.*CRM opt-out list loaded.* in \([0-9]*\) ms.*/\1/p' "$applog" | head -1)
  # every collection's heap before->after, within the drop..archived window: a heap is fullest right before a GC
  local heap
  heap=$(awk -v t0="$t0" -v t1="$t1" '
    match($0, /^\[[0-9]+ms\]/) { t = substr($0, 2, RLENGTH - 4) + 0 }
    t >= t0 && t <= t1 && match($0, /[0-9]+M->[0-9]+M\([0-9]+M\)/) {
      split(substr($0, RSTART, RLENGTH), a, /M->|M\(|M\)/)
      if (a[1] > before) before = a[1]; if (a[2] > after) after = a[2]; n++
      if ($0 ~ /Pause Full/) full++
      ms = $NF; sub(/ms$/, "", ms); pause += ms }
    END { printf "%d %d %d %d %d", before, after, n, full, pause }' "$gclog")
  local peak after gcs full pause cpu
  read -r peak after gcs full pause <<< "$heap"
  cpu=$(awk -v o=$((ours1 - ours0)) -v hz="$HZ" 'BEGIN{printf "%.1f", o/hz}')
  local dbcpu=-
  [[ $LEDGER == postgres ]] && dbcpu=$(awk -v o=$((db1 - db0)) -v hz="$HZ" 'BEGIN{printf "%.1f", o/hz}')
  local ledger
  if [[ $LEDGER == postgres ]]; then
    ledger=$(java -cp "$CP" bench/src/LedgerDigest.java "$pgurl" postgres postgres | grep '^rows=' | tail -1)
    stop_pg
  else
    ledger=$(java -cp "$CP" bench/src/LedgerDigest.java "jdbc:h2:file:$data/ledger/arauto" | grep '^rows=' | tail -1)  # libraries may log on stdout
  fi
  log "$fmt run $run: ${seconds}s = $rate rows/s (intake ${intake}ms, CRM ${crm}ms), peak heap ${peak}M, max after GC ${after}M, $gcs GCs ($full full, ${pause}ms paused), Arauto used ${cpu}s CPU (PostgreSQL ${dbcpu}s), load $load, other processes ${other} cores"
  log "  ledger: $ledger"
  local want="rows=$ROWS duplicate=$duplicate invalid=$invalid opted_out=$opted_out queued=$queued"
  [[ $ledger == "$want "* ]] || log "  WARNING: the ledger does not hold the expected verdicts ($want)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$COMMIT$([[ $JFR == 1 ]] && echo +jfr)" \
    "$fmt" "$run" "$seconds" "$rate" "$intake" "$crm" "$peak" "$after" "$gcs" "$full" "$pause" "$cpu" "$load" "$other" "$ledger${report:+ report_s=$report}" >> "$RESULTS"
  echo "$fmt $run $seconds $rate $peak $after $pause $cpu $other $dbcpu"
}

summary=()
for fmt in $FORMATS; do
  for run in $(seq 1 "$REPEAT"); do
    summary+=("$(run_once "$fmt" "$run")")
  done
done

{
  echo "Arauto intake benchmark, $(date -Is), commit $COMMIT$([[ $JFR == 1 ]] && echo ' (with JFR)'), -Xmx$HEAP ${JVM_OPTS:-(G1)}, ledger $LEDGER, $(nproc) cores"
  echo "1,000,000 rows from drop to archived (every row judged and in the ledger); CRM opt-out list of 1,000,000 entries"
  printf '%-6s %4s %8s %8s %10s %9s %9s %8s %12s %8s\n' format run seconds rows/s peak-heap after-GC GC-pauses CPU-s other-cores db-CPU-s
  for line in "${summary[@]}"; do
    read -r fmt run seconds rate peak after pause cpu other dbcpu <<< "$line"
    [[ $seconds == FAILED ]] && { printf '%-6s %4s   FAILED (the file went to error/; see runs.tsv)\n' "$fmt" "$run"; continue; }
    printf '%-6s %4s %8s %8s %9sM %8sM %7sms %8s %12s %8s\n' "$fmt" "$run" "$seconds" "$rate" "$peak" "$after" "$pause" "$cpu" "$other" "$dbcpu"
  done
  for fmt in $FORMATS; do
    printf '%s\n' "${summary[@]}" | awk -v f="$fmt" '$1 == f && $3 != "FAILED" {print $4}' | sort -n |
      awk -v f="$fmt" '{v[NR]=$1} END {if (NR) printf "%s median: %d rows/s (min %d, max %d, %d runs)\n", f, v[int((NR+1)/2)], v[1], v[NR], NR}'
  done
} | tee "$OUT/results.txt"
