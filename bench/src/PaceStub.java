import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pace benchmark's Cloud API stand-in (bench/send-pace.sh): answers every
 * {@code POST /v23.0/<phone-number-id>/messages} with Meta's success body after a fixed delay, and
 * keeps the arrival time of each request (epoch milliseconds, taken when its headers were read).
 *
 * <p>It replaces WireMock in this benchmark because WireMock's response templating and request
 * journal cost about 0.6 CPU seconds per 1,000 requests, a third of the two cores at 1,000/s, taken
 * from the program being measured. Here a request costs the JDK's HTTP server and one scheduled task.
 *
 * <pre>
 *   java bench/src/PaceStub.java PORT ANSWER_MS TIMES_FILE
 * </pre>
 * {@code GET /__ready} answers 200 once it listens; {@code POST /__times} writes every arrival time so
 * far to TIMES_FILE, one per line, and answers how many; {@code POST /__reset} forgets them (after a warm-up).
 */
public final class PaceStub {

    private static final byte[] BODY_START =
            "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.BENCH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY_END = "\"}]}".getBytes(StandardCharsets.US_ASCII);

    private final long[] arrivals = new long[4_000_000];
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
    private final long answerMillis;
    private final Path timesFile;

    private PaceStub(long answerMillis, Path timesFile) {
        this.answerMillis = answerMillis;
        this.timesFile = timesFile;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        PaceStub stub = new PaceStub(Long.parseLong(args[1]), Path.of(args[2]));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/v23.0/", stub::message);
        server.createContext("/__ready", exchange -> stub.answer(exchange, 200, "ready".getBytes(StandardCharsets.US_ASCII)));
        server.createContext("/__times", stub::writeTimes);
        server.createContext("/__reset", exchange -> {
            stub.count.set(0);
            stub.answer(exchange, 200, new byte[0]);
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    private void message(HttpExchange exchange) throws IOException {
        long arrived = System.currentTimeMillis();
        if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/messages")) {
            answer(exchange, 404, new byte[0]);
            return;
        }
        arrivals[(int) count.getAndIncrement()] = arrived;
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        byte[] id = String.format("%024d", ids.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[BODY_START.length + id.length + BODY_END.length];
        System.arraycopy(BODY_START, 0, response, 0, BODY_START.length);
        System.arraycopy(id, 0, response, BODY_START.length, id.length);
        System.arraycopy(BODY_END, 0, response, BODY_START.length + id.length, BODY_END.length);
        answers.schedule(() -> {
            try {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                answer(exchange, 200, response);
            } catch (IOException e) {
                exchange.close();
            }
        }, answerMillis, TimeUnit.MILLISECONDS);
    }

    private void writeTimes(HttpExchange exchange) throws IOException {
        int n = (int) count.get();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(timesFile))) {
            for (int i = 0; i < n; i++) {
                out.println(arrivals[i]);
            }
        }
        answer(exchange, 200, Integer.toString(n).getBytes(StandardCharsets.US_ASCII));
    }

    private void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
