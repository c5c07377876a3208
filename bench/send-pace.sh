#!/usr/bin/env bash
# Pace benchmark (issue 9): Arauto sends through the Cloud API provider to a local WireMock stub that
# answers after 150 ms, at a given arauto.send.rate for about 35 s, and reports what the stub saw:
# the achieved rate against the limit (over the whole campaign, and once past the first seconds), the
# busiest rolling second, Arauto's CPU seconds per 1,000 messages and its peak heap. See bench/README.md.
#
#   bench/send-pace.sh                  rates 80 and 1000
#   PACE_RATES="80" bench/send-pace.sh
#   PACE_SECONDS=35 PACE_ANSWER_MS=150  length of the campaign at the rate, the stub's answer time
#   PACE_WARMUP=10                      seconds' worth of a warm-up campaign sent first, not measured (0: none)
#   PACE_APP_ARGS=...                   more arguments for Arauto (e.g. --logging.level.io.arauto.send.MessageSender=DEBUG)
#   BENCH_HEAP=256m BENCH_JVM_OPTS=...  heap and JVM options (default -XX:+UseParallelGC)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/pace
RATES=${PACE_RATES:-"80 1000"}
SECONDS_AT_RATE=${PACE_SECONDS:-35}
WARMUP_SECONDS=${PACE_WARMUP:-10}
ANSWER_MS=${PACE_ANSWER_MS:-150}
HEAP=${BENCH_HEAP:-256m}
JVM_OPTS=${BENCH_JVM_OPTS-"-XX:+UseParallelGC"}
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mvn -B -q -DskipTests package
JAR=$(ls "$ROOT"/target/arauto-*.jar | grep -v original | head -1)
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config routes || echo "+dirty")
RESULTS=$OUT/runs.tsv
[[ -f $RESULTS ]] || printf 'when\tcommit\trate\tmessages\tachieved_per_s\tachieved_pct\tsteady_pct\tbusiest_second\tcpu_s_per_1000\tpeak_heap_mb\tload_1m\n' > "$RESULTS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# CPU seconds every process on the machine used so far (user, nice, system, irq, softirq)
all_cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {printf "%.2f", ($2 + $3 + $4 + $7 + $8) / hz}' /proc/stat; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

run_rate() {
  local rate=$1 rows=$(( $1 * SECONDS_AT_RATE )) data=$OUT/data-$1 applog=$OUT/app-$1.log stublog=$OUT/stub-$1.log
  local port stub_port
  port=$(free_port); stub_port=$(free_port)
  rm -rf "$data" && mkdir -p "$data/inbox/pedido_enviado" "$OUT/stage"
  java -Xmx256m -XX:+UseParallelGC -Dsun.net.httpserver.maxIdleConnections=4000 \
    "$ROOT/bench/src/PaceStub.java" "$stub_port" "$ANSWER_MS" "$OUT/times-$rate.txt" > "$stublog" 2>&1 &
  local stub=$!
  { echo "telefone,nome,pedido,entrega"
    awk -v n="$rows" 'BEGIN { for (i = 0; i < n; i++) printf "+55 11 9%04d-%04d,Cliente %d,%d,25/12/2026\n", int(i / 10000) + 1000, i % 10000, i, 100000 + i }'
  } > "$OUT/stage/pace.csv"
  local warmup_rows=$(( rate * WARMUP_SECONDS ))
  { echo "telefone,nome,pedido,entrega"
    awk -v n="$warmup_rows" 'BEGIN { for (i = 0; i < n; i++) printf "+55 21 9%04d-%04d,Cliente %d,%d,25/12/2026\n", int(i / 10000) + 1000, i % 10000, i, 100000 + i }'
  } > "$OUT/stage/warmup.csv"
  local concurrency=${PACE_CONCURRENCY:-$(( rate * (ANSWER_MS + 100) / 1000 * 2 ))}; (( concurrency >= 8 )) || concurrency=8
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  java -Xmx"$HEAP" $JVM_OPTS -jar "$JAR" \
    --server.port="$port" --arauto.data-dir="$data" --arauto.provider.type=cloud-api \
    --arauto.provider.cloud-api.base-url="http://127.0.0.1:$stub_port" --arauto.provider.cloud-api.phone-number-id=1098765432 \
    --arauto.provider.cloud-api.access-token=bench-token --arauto.intake.stable-for=200ms --arauto.reports.interval=1h \
    --arauto.send.rate="$rate" --arauto.send.concurrency="$concurrency" --arauto.send.batch-size=$(( rate * 2 )) \
    --arauto.send.daily-limit=0 ${PACE_APP_ARGS:-} > "$applog" 2>&1 &
  local pid=$! deadline=$((SECONDS + 180))
  until grep -q "Started ArautoApplication" "$applog" && curl -sf "http://127.0.0.1:$stub_port/__ready" > /dev/null; do
    kill -0 $pid 2>/dev/null || { log "Arauto did not start, see $applog"; kill $stub; exit 1; }
    (( SECONDS < deadline )) || { kill $pid $stub; log "Arauto did not start in 180 s"; exit 1; }
    sleep 0.2
  done
  sleep 2
  local campaign=1
  if (( warmup_rows > 0 )); then
    # a warm-up campaign first, as a long-running Arauto is warm: the JIT has compiled the send path, the pools are full
    log "warm-up: $warmup_rows messages at $rate/s"
    mv "$OUT/stage/warmup.csv" "$data/inbox/pedido_enviado/warmup.csv"
    deadline=$((SECONDS + WARMUP_SECONDS * 4 + 120))
    until grep -q "Campaign 1 settled, nothing left to send" "$applog"; do
      kill -0 $pid 2>/dev/null || { log "Arauto stopped, see $applog"; kill $stub; exit 1; }
      (( SECONDS < deadline )) || { kill $pid $stub; log "warm-up not settled in time, see $applog"; exit 1; }
      sleep 0.5
    done
    curl -sf -X POST "http://127.0.0.1:$stub_port/__reset" > /dev/null
    campaign=2
    sleep 2
  fi
  local load cpu0 stub0 all0 wall0 heap=0
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(cpu_seconds $pid); stub0=$(cpu_seconds $stub); all0=$(all_cpu_seconds); wall0=$(date +%s.%N)
  mv "$OUT/stage/pace.csv" "$data/inbox/pedido_enviado/pace.csv"
  deadline=$((SECONDS + SECONDS_AT_RATE * 4 + 120))
  until grep -q "Campaign $campaign settled, nothing left to send" "$applog"; do
    kill -0 $pid 2>/dev/null || { log "Arauto stopped, see $applog"; kill $stub; exit 1; }
    (( SECONDS < deadline )) || { kill $pid $stub; log "not settled in time, see $applog"; exit 1; }
    # the heap in use (jstat: survivor, eden and old space used, KB), its peak over the run
    local used
    used=$(jstat -gc $pid 2>/dev/null | awk 'NR == 2 {printf "%d", ($3 + $4 + $6 + $8) / 1024}')
    (( ${used:-0} > heap )) && heap=$used
    sleep 0.5
  done
  local cpu1 stub1 all1 wall1
  cpu1=$(cpu_seconds $pid); stub1=$(cpu_seconds $stub); all1=$(all_cpu_seconds); wall1=$(date +%s.%N)
  log "other processes used $(awk -v a0="$all0" -v a1="$all1" -v c0="$cpu0" -v c1="$cpu1" -v s0="$stub0" -v s1="$stub1" -v w0="$wall0" -v w1="$wall1" \
    'BEGIN {printf "%.2f", ((a1 - a0) - (c1 - c0) - (s1 - s0)) / (w1 - w0)}') cores meanwhile"
  log "stub CPU s per 1,000 messages: $(awk -v a="$stub0" -v b="$stub1" -v n="$rows" 'BEGIN {printf "%.2f", (b - a) / n * 1000}')"
  curl -sf -X POST "http://127.0.0.1:$stub_port/__times" > /dev/null
  kill $pid; wait $pid || true
  kill $stub; wait $stub || true
  python3 - "$OUT/times-$rate.txt" "$rate" "$rows" "$cpu0" "$cpu1" "$heap" "$load" "$COMMIT" "$RESULTS" <<'PY'
import json, sys, datetime
times_file, rate, rows, cpu0, cpu1, heap, load, commit, results = sys.argv[1:]
rate, rows = int(rate), int(rows)
times = sorted(int(line) for line in open(times_file))
def busiest(ts):
    most, first = 0, 0
    for last in range(len(ts)):
        while ts[last] - ts[first] >= 1000:
            first += 1
        most = max(most, last - first + 1)
    return most
span = (times[-1] - times[0]) / 1000
achieved = (len(times) - 1) / span
steady = [t for t in times if t >= times[0] + 3000]
steady_rate = (len(steady) - 1) / ((steady[-1] - steady[0]) / 1000)
cpu = (float(cpu1) - float(cpu0)) / len(times) * 1000
row = [datetime.datetime.now().isoformat(timespec="seconds"), commit, str(rate), str(len(times)), f"{achieved:.1f}",
       f"{100 * achieved / rate:.1f}", f"{100 * steady_rate / rate:.1f}", str(busiest(times)), f"{cpu:.2f}", heap, load]
open(results, "a").write("\t".join(row) + "\n")
print(f"rate {rate}: {len(times)} requests, {achieved:.1f}/s = {100 * achieved / rate:.1f} % of the limit "
      f"({100 * steady_rate / rate:.1f} % past the first 3 s), busiest rolling second {busiest(times)}, "
      f"{cpu:.2f} CPU s per 1,000 messages, peak heap {heap} MB (load {load})", file=sys.stderr)
PY
}

for rate in $RATES; do
  run_rate "$rate"
done
log "results: $RESULTS"
