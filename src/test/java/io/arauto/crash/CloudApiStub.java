package io.arauto.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.matching.RequestPattern;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Meta's Cloud API, played by WireMock in the test's JVM: every answer comes after a fixed delay, so
 * requests are in flight when Arauto is killed. Accepted messages get a fresh wamid each (which does
 * not contain the number, so a logged wamid is no phone leak); chosen numbers get a final error
 * (HTTP 400, code 131026 "Message undeliverable", which Arauto must not retry). The request journal
 * is the truth about what reached "Meta".
 */
public final class CloudApiStub implements AutoCloseable {

    public static final String PHONE_NUMBER_ID = "1098765432";
    public static final String TOKEN = "crash-test-token-never-logged";
    public static final String FAILURE_CODE = "131026";
    private static final String MESSAGES = "/v23.0/" + PHONE_NUMBER_ID + "/messages";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    /** @param failing numbers (E.164 without '+', as Arauto sends them) that get a final error */
    public CloudApiStub(int delayMillis, Set<String> failing) {
        server = new WireMockServer(options().dynamicPort().containerThreads(64).globalTemplating(true)
                .notifier(new ConsoleNotifier(false)));
        server.start();
        server.stubFor(post(urlEqualTo(MESSAGES)).atPriority(5).willReturn(aResponse().withStatus(200)
                .withFixedDelay(delayMillis)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"{{jsonPath request.body '$.to'}}\","
                        + "\"wa_id\":\"{{jsonPath request.body '$.to'}}\"}],"
                        + "\"messages\":[{\"id\":\"wamid.TEST{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")));
        for (String to : failing) {
            server.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                    .willReturn(aResponse().withStatus(400).withFixedDelay(delayMillis)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":{\"message\":\"(#" + FAILURE_CODE + ") Message Undeliverable.\","
                                    + "\"type\":\"OAuthException\",\"code\":" + FAILURE_CODE + ",\"error_data\":{"
                                    + "\"messaging_product\":\"whatsapp\",\"details\":\"Message Undeliverable.\"},"
                                    + "\"fbtrace_id\":\"AbCdEfGh\"}}")));
        }
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** The Spring properties that point Arauto's cloud-api provider here. */
    public ArautoProcess.Options configure(ArautoProcess.Options options) {
        return options.property("arauto.provider.type", "cloud-api")
                .property("arauto.provider.cloud-api.base-url", baseUrl())
                .property("arauto.provider.cloud-api.phone-number-id", PHONE_NUMBER_ID)
                .property("arauto.provider.cloud-api.access-token", TOKEN);
    }

    /** Every request received so far, answered or still waiting for its answer. */
    public int requestCount() {
        return server.countRequestsMatching(RequestPattern.everything()).getCount();
    }

    /** When each request arrived (the stub's clock, milliseconds), in order. */
    public List<Long> arrivals() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    /** A request as it arrived: the message key Arauto sent ({@code biz_opaque_callback_data}) and when (ms). */
    public record Arrival(long key, long millis) { }

    /** Every request received so far, with its message key, in the order received. */
    public List<Arrival> arrivalsByKey() {
        return server.getAllServeEvents().stream()
                .map(e -> new Arrival(json(e.getRequest().getBodyAsString()).path("biz_opaque_callback_data").asLong(-1),
                        e.getRequest().getLoggedDate().getTime()))
                .sorted(java.util.Comparator.comparingLong(Arrival::millis)).toList();
    }

    /** The busiest window of a run: how many requests, from which one (its index) and when it began (ms). */
    public record Busiest(int requests, int first, long fromMillis) { }

    /** The window of length {@code window} holding the most of {@code arrivals} (sorted, ms): the rolling-window view of the pace. */
    public static Busiest busiest(List<Long> arrivals, java.time.Duration window) {
        Busiest most = new Busiest(0, 0, arrivals.isEmpty() ? 0 : arrivals.get(0));
        int first = 0;
        for (int last = 0; last < arrivals.size(); last++) {
            while (arrivals.get(last) - arrivals.get(first) >= window.toMillis()) {
                first++;
            }
            if (last - first + 1 > most.requests()) {
                most = new Busiest(last - first + 1, first, arrivals.get(first));
            }
        }
        return most;
    }

    /** The most requests within any {@code window}. */
    public static int busiestWindow(List<Long> arrivals, java.time.Duration window) {
        return busiest(arrivals, window).requests();
    }

    /** Where the busiest window lies: its arrivals, in milliseconds after the first request of the run. */
    public static String describeBusiest(List<Long> arrivals, java.time.Duration window) {
        Busiest most = busiest(arrivals, window);
        long t0 = arrivals.get(0);
        StringBuilder text = new StringBuilder(most.requests() + " requests from request " + most.first() + ":");
        for (int i = Math.max(0, most.first() - 5); i < Math.min(arrivals.size(), most.first() + most.requests() + 5); i++) {
            text.append(' ').append(arrivals.get(i) - t0);
        }
        return text.toString();
    }

    /** The requests per recipient ({@code to}, E.164 without '+'), in the order received. */
    public Map<String, List<Request>> requestsByRecipient() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        events.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
        Map<String, List<Request>> byTo = new TreeMap<>();
        for (ServeEvent event : events) {
            if (!event.getRequest().getUrl().equals(MESSAGES)) {
                throw new AssertionError("Arauto called an unexpected URL: " + event.getRequest().getMethod() + " " + event.getRequest().getUrl());
            }
            String to = json(event.getRequest().getBodyAsString()).path("to").asText();
            String wamid = null;
            if (event.getResponse() != null && event.getResponse().getStatus() == 200) {
                wamid = json(event.getResponse().getBodyAsString()).path("messages").path(0).path("id").asText(null);
            }
            byTo.computeIfAbsent(to, k -> new ArrayList<>()).add(new Request(to, wamid));
        }
        return byTo;
    }

    /** One request as the journal holds it; {@code wamid} is what was answered, null for an error or no answer yet. */
    public record Request(String to, String wamid) { }

    /** Recipients that got more than one request, with how many each. */
    public static Map<String, Integer> doubles(Map<String, List<Request>> byTo) {
        Map<String, Integer> doubles = new HashMap<>();
        byTo.forEach((to, requests) -> {
            if (requests.size() > 1) {
                doubles.put(to, requests.size());
            }
        });
        return doubles;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
