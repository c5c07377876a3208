import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook benchmark's load (bench/webhook-events.sh): for each recipient, Meta's "delivered"
 * then "read" status, each one signed POST to /webhooks/whatsapp as Meta sends them, from a number
 * of concurrent senders. Prints: events, seconds, events/s, the 200's latency (p50, p95, p99, max)
 * and the answers that were not 200.
 *
 *   java bench/src/WebhookLoad.java <url> <app-secret> <phone-number-id> <senders> <digits-file>
 */
public class WebhookLoad {

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        String phoneNumberId = args[2];
        int senders = Integer.parseInt(args[3]);
        List<String> recipients = java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[4]));
        List<String> events = new ArrayList<>(recipients.size() * 2);
        long epoch = System.currentTimeMillis() / 1000;
        for (String status : List.of("delivered", "read")) {
            for (String digits : recipients) {
                events.add(body(phoneNumberId, "wamid.B" + digits, status, digits, epoch));
            }
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        long[] latencies = new long[events.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            running.add(pool.submit(() -> {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                for (int i = next.getAndIncrement(); i < events.size(); i = next.getAndIncrement()) {
                    byte[] body = events.get(i).getBytes(StandardCharsets.UTF_8);
                    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
                    long sent = System.nanoTime();
                    HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                    latencies[i] = System.nanoTime() - sent;
                    if (answer.statusCode() != 200) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        System.out.printf("events=%d seconds=%.2f per_second=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f not_200=%d%n",
                events.size(), seconds, events.size() / seconds, ms(latencies, 0.50), ms(latencies, 0.95), ms(latencies, 0.99),
                latencies[latencies.length - 1] / 1e6, refused.get());
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    /** One status, as Meta's webhook reference shows it. */
    private static String body(String phoneNumberId, String wamid, String status, String recipient, long epoch) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\""
                + phoneNumberId + "\"},\"statuses\":[{\"id\":\"" + wamid + "\",\"status\":\"" + status + "\",\"timestamp\":\""
                + epoch + "\",\"recipient_id\":\"" + recipient + "\",\"conversation\":{\"id\":\"c-" + recipient
                + "\",\"origin\":{\"type\":\"utility\"}},\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"utility\","
                + "\"type\":\"regular\"}}]},\"field\":\"messages\"}]}]}";
    }
}
