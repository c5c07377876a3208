package io.arauto.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.FastTimings;
import io.arauto.support.HeldResponses;
import io.arauto.support.UsesTestTemplates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One running Arauto for the functional tests: the real routes on a temporary data folder, an
 * H2 ledger, WireMock standing in for Meta's Cloud API and an H2 "CRM" with its own opt-out table.
 * It listens on a random port (the REST API's tests talk to it over HTTP). Test classes extending this share the context, so each works on its own files (and numbers: the
 * Cloud API stand-in is shared too). An ERROR or a stack trace a test does not expect fails it.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
// a real port: the webhook and REST API tests call it over HTTP
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ArautoTestBase {

    protected static final Path DATA_DIR;
    /** Lets a test hold the stand-in's answers (see {@link HeldResponses}). */
    protected static final HeldResponses HELD_RESPONSES = new HeldResponses();
    protected static final WireMockServer CLOUD_API = new WireMockServer(options().dynamicPort()
            .globalTemplating(true).extensions(HELD_RESPONSES));
    protected static final String CRM_URL = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    protected static final String PHONE_NUMBER_ID = "1098765432";
    protected static final String TOKEN = "test-token-that-must-never-be-logged";
    protected static final String MESSAGES = "/v23.0/" + PHONE_NUMBER_ID + "/messages";
    /** The Meta app's secret that signs webhook calls, and the token of its subscription check. */
    protected static final String WEBHOOK_SECRET = "test-app-secret-that-must-never-be-logged";
    protected static final String WEBHOOK_VERIFY_TOKEN = "test-verify-token";

    /** The requests the Cloud API stand-in received for one recipient, in order. */
    static List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requestsTo(String phone) {
        return CLOUD_API.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.to",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(phone))));
    }
    /**
     * Far more than a plain answer takes even on a loaded machine (2 s was not, at a load of 9 on 2 cores); the test of a
     * late answer holds it back until Arauto gives up instead of racing a delay against this.
     */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** While an account error halts all sending, one message tries this often. */
    protected static final Duration HALT_PROBE_EVERY = Duration.ofSeconds(3);

    static {
        try {
            DATA_DIR = Files.createTempDirectory("arauto-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        CLOUD_API.start();
        // Meta accepts by default and answers with a new wamid for every message, as it does: one that names the
        // recipient's number, for reading, and is never the same twice (a number messaged in two campaigns gets two)
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"{{jsonPath request.body '$.to'}}\","
                        + "\"wa_id\":\"{{jsonPath request.body '$.to'}}\"}],\"messages\":[{\"id\":"
                        + "\"wamid.{{jsonPath request.body '$.to'}}.{{randomValue type='UUID'}}\"}]}")));
        try (Connection crm = DriverManager.getConnection(CRM_URL, "sa", "")) {
            // the CRM keeps phones the way its users typed them
            crm.createStatement().execute("create table clientes_optout (telefone varchar(40))");
            crm.createStatement().execute("insert into clientes_optout values ('+55 (11) 97777-6666'), ('not a phone')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        appOn(DATA_DIR, registry);
        registry.add("arauto.crm.datasource.url", () -> CRM_URL);
        registry.add("arauto.crm.datasource.username", () -> "sa");
        registry.add("arauto.crm.datasource.password", () -> "");
        registry.add("arauto.optout.query", () -> "select telefone from clientes_optout");
        registry.add("arauto.optout.crm-refresh", () -> "0s");
        // the shared context sends to thousands of numbers across its tests; SendLimitsTest proves the tier in a context of its own
        registry.add("arauto.send.daily-limit", () -> "0");
    }

    /** An Arauto of its own on {@code dataDir}: test templates, fast timings, sending to the Cloud API stand-in; no CRM. */
    static void appOn(Path dataDir, DynamicPropertyRegistry registry) {
        registry.add("arauto.data-dir", dataDir::toString);
        registry.add("arauto.templates-file", () -> "src/test/resources/templates-test.yml");
        FastTimings.register(registry);
        registry.add("arauto.send.rate", () -> "500");
        // short waits, so the retry and halt tests take seconds (MetaErrorsTest)
        registry.add("arauto.send.retry-backoff", () -> "300ms");
        registry.add("arauto.send.retry-backoff-max", () -> "1s");
        registry.add("arauto.send.halt-probe-every", () -> HALT_PROBE_EVERY.toMillis() + "ms");
        registry.add("arauto.provider.type", () -> "cloud-api");
        registry.add("arauto.provider.cloud-api.base-url", CLOUD_API::baseUrl);
        registry.add("arauto.provider.cloud-api.api-version", () -> "v23.0");
        registry.add("arauto.provider.cloud-api.phone-number-id", () -> PHONE_NUMBER_ID);
        registry.add("arauto.provider.cloud-api.access-token", () -> TOKEN);
        registry.add("arauto.provider.cloud-api.read-timeout", () -> READ_TIMEOUT.toSeconds() + "s");
        registry.add("arauto.webhook.app-secret", () -> WEBHOOK_SECRET);
        registry.add("arauto.webhook.verify-token", () -> WEBHOOK_VERIFY_TOKEN);
    }

    protected static Path inbox() {
        return DATA_DIR.resolve("inbox");
    }

    /** Drops a file the way a careful user does: written under a temporary name, then renamed. */
    protected static Path drop(String template, String name, byte[] content) throws IOException {
        return dropInto(inbox(), template, name, content);
    }

    /** {@link #drop} into another Arauto's inbox. */
    static Path dropInto(Path inbox, String template, String name, byte[] content) throws IOException {
        Path dir = template == null ? inbox : inbox.resolve(template);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, content);
        return Files.move(tmp, dir.resolve(name));
    }

    protected static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(Files::isRegularFile).toList());
        }
    }

    /** The message id the Cloud API stand-in answered to the one message accepted for {@code to} (digits only). */
    static String wamidAnsweredTo(String to) {
        List<String> ids = new ArrayList<>();
        for (ServeEvent event : CLOUD_API.getAllServeEvents()) {
            if (event.getRequest().getUrl().equals(MESSAGES) && event.getResponse().getStatus() == 200
                    && to.equals(json(event.getRequest().getBodyAsString()).path("to").asText())) {
                ids.add(json(event.getResponse().getBodyAsString()).at("/messages/0/id").asText());
            }
        }
        assertThat(ids).as("message ids answered to messages for %s", to).hasSize(1);
        return ids.get(0);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Not JSON: " + text, e);
        }
    }

    /** Waits until {@code file} is gone from the inbox (archived or moved to error/). */
    protected static void awaitTaken(Path file) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
    }
}
