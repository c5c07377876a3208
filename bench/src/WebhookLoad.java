import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * then "read" status, each a signed POST to /webhooks/whatsapp as Meta sends them, from a number
 * of concurrent senders. With a batch of 1 (the default) each call carries one status; with more,
 * each call carries that many statuses of one kind in {@code entry[0].changes[0].value.statuses[]},
 * as Meta batches them (all "delivered" calls go before the "read" ones either way).
 *
 * Every body, its {@code X-Hub-Signature-256} (HMAC-SHA256 over its bytes) and the whole HTTP/1.1
 * request are built before the timed part, and each sender writes them on its own kept-alive
 * connection with a bare client, so the load generator's CPU during it is the calls alone. Prints: events, calls,
 * seconds, events/s, calls/s, the 200's latency (p50, p95, p99, max), the answers that were not
 * 200, the CPU seconds this process used during the timed part, and when that began (epoch ms).
 *
 *   java bench/src/WebhookLoad.java <url> <app-secret> <phone-number-id> <senders> <digits-file> [statuses-per-call]
 */
public class WebhookLoad {

    private record Call(byte[] body, String signature, int events) { }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        String phoneNumberId = args[2];
        int senders = Integer.parseInt(args[3]);
        List<String> recipients = java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[4]));
        int perCall = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        List<Call> calls = new ArrayList<>();
        long epoch = System.currentTimeMillis() / 1000;
        int events = 0;
        for (String status : List.of("delivered", "read")) {
            for (int from = 0; from < recipients.size(); from += perCall) {
                List<String> these = recipients.subList(from, Math.min(recipients.size(), from + perCall));
                byte[] body = body(phoneNumberId, these, status, epoch).getBytes(StandardCharsets.UTF_8);
                calls.add(new Call(body, "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)), these.size()));
                events += these.size();
            }
        }
        byte[][] requests = new byte[calls.size()][];
        for (int i = 0; i < calls.size(); i++) {
            requests[i] = request(url, calls.get(i));
        }
        long[] latencies = new long[calls.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            running.add(pool.submit(() -> {
                Connection connection = null;
                try {
                    for (int i = next.getAndIncrement(); i < calls.size(); i = next.getAndIncrement()) {
                        if (connection == null) {
                            connection = new Connection(url);
                        }
                        long sent = System.nanoTime();
                        int status = connection.post(requests[i]);
                        latencies[i] = System.nanoTime() - sent;
                        if (status != 200) {
                            refused.incrementAndGet();
                        }
                        if (connection.closing) { // Tomcat ends a connection after 100 calls (its keep-alive limit)
                            connection.socket.close();
                            connection = null;
                        }
                    }
                } finally {
                    if (connection != null) {
                        connection.socket.close();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        System.out.printf("events=%d calls=%d seconds=%.2f per_second=%.0f calls_per_second=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f "
                        + "max_ms=%.1f not_200=%d load_cpu_s=%.2f start_ms=%d%n",
                events, calls.size(), seconds, events / seconds, calls.size() / seconds, ms(latencies, 0.50), ms(latencies, 0.95),
                ms(latencies, 0.99), latencies[latencies.length - 1] / 1e6, refused.get(), cpu, startMillis);
    }

    /** The whole HTTP/1.1 request for {@code call}, as any client would write it. */
    private static byte[] request(URI url, Call call) {
        byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nUser-Agent: facebookexternalua\r\nAccept: */*\r\nContent-Type: application/json\r\nX-Hub-Signature-256: "
                + call.signature() + "\r\nContent-Length: " + call.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] whole = Arrays.copyOf(head, head.length + call.body().length);
        System.arraycopy(call.body(), 0, whole, head.length, call.body().length);
        return whole;
    }

    /**
     * One kept-alive HTTP/1.1 connection: writes a request, reads the whole answer (status line, headers, a body of
     * Content-Length or chunked) and says whether the server is closing the connection. A bare client, so that the
     * load generator's CPU goes to the calls and not to a general-purpose client's machinery.
     */
    private static final class Connection {
        final java.net.Socket socket;
        final java.io.InputStream in;
        final java.io.OutputStream out;
        boolean closing;

        Connection(URI url) throws java.io.IOException {
            socket = new java.net.Socket(url.getHost(), url.getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        int post(byte[] request) throws java.io.IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = 0;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String name = header.substring(0, header.indexOf(':')).trim();
                String value = header.substring(header.indexOf(':') + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    closing = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0; size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers: none expected
                }
            } else {
                skip(length);
            }
            return status;
        }

        private void skip(long n) throws java.io.IOException {
            for (long left = n; left > 0; left--) {
                if (in.read() < 0) {
                    throw new java.io.EOFException("the connection ended inside an answer");
                }
            }
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("the connection ended inside an answer");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    /** Statuses for {@code recipients} (each message's wamid is "wamid.B" and its number), in one call as Meta's webhook reference shows it. */
    private static String body(String phoneNumberId, List<String> recipients, String status, long epoch) {
        StringBuilder statuses = new StringBuilder();
        for (String recipient : recipients) {
            statuses.append(statuses.isEmpty() ? "" : ",").append("{\"id\":\"wamid.B").append(recipient).append("\",\"status\":\"")
                    .append(status).append("\",\"timestamp\":\"").append(epoch).append("\",\"recipient_id\":\"").append(recipient)
                    .append("\",\"conversation\":{\"id\":\"c-").append(recipient).append("\",\"origin\":{\"type\":\"utility\"}},")
                    .append("\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"utility\",\"type\":\"regular\"}}");
        }
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\""
                + phoneNumberId + "\"},\"statuses\":[" + statuses + "]},\"field\":\"messages\"}]}]}";
    }
}
