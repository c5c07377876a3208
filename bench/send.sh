#!/usr/bin/env bash
# Send benchmark: how many messages per second the send path takes through the ledger, with the
# sandbox provider (no network) and a rate set far above what the ledger can do, so the ledger's
# commits are what is measured. See bench/README.md.
#
#   bench/send.sh                       60,000 messages, 3 runs
#   SEND_ROWS=20000 SEND_REPEAT=1 bench/send.sh
#   SEND_ARGS="--key=value ..."         extra Arauto arguments (e.g. --arauto.send.concurrency=8)
#   BENCH_APP_DIR=dir BENCH_LABEL=name  run another checkout (built already: its target/*.jar, routes/, config/)
#   BENCH_HEAP=256m BENCH_JVM_OPTS=...  heap and JVM options (default -XX:+UseParallelGC)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/send
ROWS=${SEND_ROWS:-60000}
REPEAT=${SEND_REPEAT:-3}
RATE=${SEND_RATE:-20000}
HEAP=${BENCH_HEAP:-256m}
JVM_OPTS=${BENCH_JVM_OPTS-"-XX:+UseParallelGC"}
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# milliseconds since midnight of a log line's "yyyy-MM-ddTHH:mm:ss.SSS" time stamp
line_ms() { sed -n "s/^[0-9-]*T\([0-9][0-9]\):\([0-9][0-9]\):\([0-9][0-9]\)\.\([0-9]*\).*/\1 \2 \3 \4/p" | head -1 |
  awk '{printf "%d", (($1*60+$2)*60+$3)*1000+$4}'; }

APP=${BENCH_APP_DIR:-$ROOT}
[[ -n ${BENCH_APP_DIR:-} ]] || mvn -B -q -DskipTests package
JAR=$(ls "$APP"/target/arauto-*.jar | grep -v original | head -1)
COMMIT=${BENCH_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config routes || echo "+dirty")}

# distinct valid BR mobiles, same file every time
CSV=$OUT/envio-$ROWS.csv
if [[ ! -f $CSV ]]; then
  { echo "telefone,nome,pedido,entrega"
    awk -v n="$ROWS" 'BEGIN { for (i = 0; i < n; i++) printf "+55 11 9%04d-%04d,Cliente %d,%d,25/12/2026\n", int(i / 10000) + 1000, i % 10000, i, 100000 + i }'
  } > "$CSV"
fi

RESULTS=$OUT/runs.tsv
[[ -f $RESULTS ]] || printf 'when\tcommit\trun\tmessages\tseconds\tmsgs_per_s\tload_1m\targs\n' > "$RESULTS"

run_once() {
  local run=$1 data=$OUT/data applog=$OUT/app-$run.log
  rm -rf "$data" && mkdir -p "$data/inbox/pedido_enviado" "$OUT/stage"
  cp "$CSV" "$OUT/stage/envio.csv"
  # shellcheck disable=SC2086 # JVM_OPTS and SEND_ARGS are lists of options
  (cd "$APP" && exec java -Xmx"$HEAP" $JVM_OPTS -jar "$JAR" \
    --server.port=0 --arauto.data-dir="$data" --arauto.provider.type=sandbox \
    --arauto.intake.stable-for=200ms --arauto.reports.interval=1h \
    --arauto.send.rate="$RATE" --arauto.send.batch-size="$RATE" --arauto.send.daily-limit=0 \
    --logging.pattern.console='%d{yyyy-MM-dd'"'"'T'"'"'HH:mm:ss.SSS} %-5level %logger{20} %msg%n' \
    ${SEND_ARGS:-}) > "$applog" 2>&1 &
  local pid=$! deadline=$((SECONDS + 180))
  until grep -q "Started ArautoApplication" "$applog"; do
    kill -0 $pid 2>/dev/null || { log "Arauto did not start, see $applog"; exit 1; }
    (( SECONDS < deadline )) || { kill $pid; log "Arauto did not start in 180 s"; exit 1; }
    sleep 0.2
  done
  sleep 2
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  mv "$OUT/stage/envio.csv" "$data/inbox/pedido_enviado/envio.csv"
  deadline=$((SECONDS + 900))
  until grep -q "settled, nothing left to send" "$applog"; do
    kill -0 $pid 2>/dev/null || { log "Arauto stopped, see $applog"; exit 1; }
    (( SECONDS < deadline )) || { kill $pid; log "not settled after 900 s"; exit 1; }
    sleep 0.2
  done
  kill $pid; wait $pid || true
  # from the campaign being in the ledger (every row queued) to its last message sent
  local t0 t1 sent
  t0=$(grep "campaign [0-9]* created" "$applog" | line_ms)
  t1=$(grep "settled, nothing left to send" "$applog" | line_ms)
  sent=$(grep -o "settled, nothing left to send: .*" "$applog" | grep -o '[0-9]* \(sent\|delivered\|read\)' | awk '{s+=$1} END {print s+0}')
  local seconds rate
  seconds=$(awk -v ms=$((t1 - t0)) 'BEGIN{printf "%.2f", ms/1000}')
  rate=$(awk -v ms=$((t1 - t0)) -v n="$sent" 'BEGIN{printf "%d", n*1000/ms}')
  log "run $run: $sent messages in ${seconds}s = $rate msgs/s (load $load)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$COMMIT" "$run" "$sent" "$seconds" "$rate" "$load" "${SEND_ARGS:-}" >> "$RESULTS"
  echo "$rate"
}

rates=()
for run in $(seq 1 "$REPEAT"); do
  rates+=("$(run_once "$run")")
done
printf '%s\n' "${rates[@]}" | sort -n | awk -v c="$COMMIT" -v h="$HEAP" '{v[NR]=$1} END {printf "send %s -Xmx%s: median %d msgs/s (min %d, max %d, %d runs)\n", c, h, v[int((NR+1)/2)], v[1], v[NR], NR}' | tee "$OUT/results.txt"
