#!/usr/bin/env bash
# Webhook benchmark (issue 10): how many signed status events per second /webhooks/whatsapp absorbs
# and applies on this machine, and the latency of its 200. Arauto sends a campaign through the Cloud
# API provider to a local WireMock stub (each message's wamid derived from its number), then
# bench/src/WebhookLoad.java posts Meta's "delivered" and "read" for every message, one signed call
# each (or WEBHOOK_PER_CALL statuses per call, as Meta batches them), from concurrent senders; the run
# ends when the ledger shows every message READ.
#
#   bench/webhook-events.sh
#   WEBHOOK_MESSAGES=20000 WEBHOOK_SENDERS=16   messages in the campaign (2 events each), concurrent senders
#   WEBHOOK_PER_CALL=1                           statuses per signed call (1: one event per call, the headline figure)
#   BENCH_HEAP=256m BENCH_JVM_OPTS=...            heap and JVM options (default -XX:+UseParallelGC)
#   BENCH_JFR=1                                   a JFR recording of Arauto (profile settings) in bench/out/webhook/app.jfr
#   BENCH_LABEL=...                               the commit column's text (default: this checkout's commit)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/webhook
MESSAGES=${WEBHOOK_MESSAGES:-20000}
SENDERS=${WEBHOOK_SENDERS:-16}
PER_CALL=${WEBHOOK_PER_CALL:-1}
HEAP=${BENCH_HEAP:-256m}
JVM_OPTS=${BENCH_JVM_OPTS-"-XX:+UseParallelGC"}
[[ ${BENCH_JFR:-} == 1 ]] && JVM_OPTS="$JVM_OPTS -XX:StartFlightRecording=filename=$OUT/app.jfr,settings=profile"
SECRET=bench-app-secret
TOKEN=bench-api-token
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
read_count() { curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/campaigns/1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"].get("READ", 0))'; }

mvn -B -q -DskipTests package
JAR=$(ls "$ROOT"/target/arauto-*.jar | grep -v original | head -1)
WIREMOCK=$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/*/wiremock-standalone-*.jar | grep -v sources | tail -1)
COMMIT=${BENCH_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config routes || echo "+dirty")}
RESULTS=$OUT/runs.tsv
[[ -f $RESULTS ]] || printf 'when\tcommit\tevents\tsenders\tseconds\tevents_per_s\tp50_ms\tp95_ms\tp99_ms\tmax_ms\tnot_200\tall_read_s\tcpu_s_per_1000\tload_1m\tper_call\tcalls\tload_gen_cpu_s_per_1000\n' > "$RESULTS"

port=$(free_port); stub_port=$(free_port)
data=$OUT/data applog=$OUT/app.log
rm -rf "$data" "$OUT/stub" && mkdir -p "$data/inbox/pedido_enviado" "$OUT/stage" "$OUT/stub/mappings"
cat > "$OUT/stub/mappings/messages.json" <<JSON
{"request": {"method": "POST", "url": "/v23.0/1098765432/messages"},
 "response": {"status": 200, "headers": {"Content-Type": "application/json"},
  "body": "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.B{{jsonPath request.body '\$.to'}}\"}]}",
  "transformers": ["response-template"]}}
JSON
java -Xmx1g -jar "$WIREMOCK" --port "$stub_port" --root-dir "$OUT/stub" --container-threads 200 --disable-banner \
  --no-request-journal > "$OUT/stub.log" 2>&1 &
stub=$!
trap 'kill $stub ${pid:-} 2>/dev/null || true' EXIT
{ echo "telefone,nome,pedido,entrega"
  awk -v n="$MESSAGES" 'BEGIN { for (i = 0; i < n; i++) printf "+55 11 9%04d-%04d,Cliente %d,%d,25/12/2026\n", int(i / 10000) + 3000, i % 10000, i, 100000 + i }'
} > "$OUT/stage/webhook.csv"
awk -v n="$MESSAGES" 'BEGIN { for (i = 0; i < n; i++) printf "55119%04d%04d\n", int(i / 10000) + 3000, i % 10000 }' > "$OUT/recipients.txt"

# shellcheck disable=SC2086 # JVM_OPTS is a list of options
java -Xmx"$HEAP" $JVM_OPTS -jar "$JAR" \
  --server.port="$port" --arauto.data-dir="$data" --arauto.provider.type=cloud-api \
  --arauto.provider.cloud-api.base-url="http://127.0.0.1:$stub_port" --arauto.provider.cloud-api.phone-number-id=1098765432 \
  --arauto.provider.cloud-api.access-token=bench-token --arauto.webhook.app-secret="$SECRET" --arauto.api.token="$TOKEN" \
  --arauto.intake.stable-for=200ms --arauto.reports.interval=1h --arauto.send.rate=1000 --arauto.send.concurrency=200 \
  --arauto.send.daily-limit=0 > "$applog" 2>&1 &
pid=$!
deadline=$((SECONDS + 180))
until grep -q "Started ArautoApplication" "$applog" && curl -sf "http://127.0.0.1:$stub_port/__admin/mappings" > /dev/null; do
  kill -0 $pid 2>/dev/null || { log "Arauto did not start, see $applog"; exit 1; }
  (( SECONDS < deadline )) || { log "Arauto did not start in 180 s"; exit 1; }
  sleep 0.2
done
mv "$OUT/stage/webhook.csv" "$data/inbox/pedido_enviado/webhook.csv"
log "sending $MESSAGES messages to the stub"
deadline=$((SECONDS + 300))
until grep -q "settled, nothing left to send" "$applog"; do
  kill -0 $pid 2>/dev/null || { log "Arauto stopped, see $applog"; exit 1; }
  (( SECONDS < deadline )) || { log "not settled in time, see $applog"; exit 1; }
  sleep 0.5
done
sleep 2
load=$(cut -d' ' -f1 /proc/loadavg)
cpu0=$(cpu_seconds $pid)
log "posting $((MESSAGES * 2)) signed status events ($PER_CALL per call) from $SENDERS senders"

result=$(java "$ROOT/bench/src/WebhookLoad.java" "http://127.0.0.1:$port/webhooks/whatsapp" "$SECRET" 1098765432 "$SENDERS" "$OUT/recipients.txt" "$PER_CALL")
deadline=$((SECONDS + 300))
until [[ $(read_count) -ge $MESSAGES ]]; do
  (( SECONDS < deadline )) || { log "not every message READ in time, see $applog"; exit 1; }
  sleep 0.2
done
t1=$(date +%s.%N)
cpu1=$(cpu_seconds $pid)
python3 - "$result" "$t1" "$cpu0" "$cpu1" "$MESSAGES" "$SENDERS" "$load" "$COMMIT" "$RESULTS" <<'PY'
import sys, datetime
result, t1, cpu0, cpu1, messages, senders, load, commit, results = sys.argv[1:]
r = dict(kv.split("=") for kv in result.split())
events = int(r["events"])
all_read = float(t1) - int(r["start_ms"]) / 1000  # from the first call (the load generator's start and its bodies not counted)
cpu = (float(cpu1) - float(cpu0)) / events * 1000
row = [datetime.datetime.now().isoformat(timespec="seconds"), commit, r["events"], senders, r["seconds"], r["per_second"],
       r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"], r["not_200"], f"{all_read:.2f}", f"{cpu:.2f}", load,
       str(events // int(r["calls"])), r["calls"], f"{float(r['load_cpu_s']) / events * 1000:.2f}"]
open(results, "a").write("\t".join(row) + "\n")
print(f"{events} signed status events in {r['calls']} calls from {senders} senders: {r['per_second']}/s answered (200 in p50 {r['p50_ms']} ms, "
      f"p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms; {r['not_200']} not 200), every message READ "
      f"{all_read:.1f} s after the first event = {events / all_read:.0f} events/s applied; Arauto {cpu:.2f} CPU s per 1,000 events "
      f"(load generator {float(r['load_cpu_s']) / events * 1000:.2f}; load {load})", file=sys.stderr)
PY
kill $pid; wait $pid || true
log "results: $RESULTS"
