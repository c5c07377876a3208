package io.arauto.send;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.arauto.config.ArautoProperties;
import io.arauto.send.SendOutcome.Accepted;
import io.arauto.send.SendOutcome.NotSent;
import io.arauto.send.SendOutcome.Rejected;
import io.arauto.send.SendOutcome.Unknown;
import io.arauto.template.TemplateMessage;
import io.arauto.template.TemplateMessage.MediaHeader;
import io.arauto.template.TemplateMessage.TextParameter;
import io.arauto.template.TemplateMessage.UrlButton;

class CloudApiProviderTest {

    private static final String TOKEN = "EAAG-secret-token-123";
    private static final String PATH = "/v23.0/1098765432/messages";
    private static final String WAMID = "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjA=";
    private static final String ACCEPTED = """
            {"messaging_product":"whatsapp","contacts":[{"input":"5511987654321","wa_id":"5511987654321"}],
             "messages":[{"id":"%s","message_status":"accepted"}]}""".formatted(WAMID);

    private WireMockServer meta;
    private CloudApiRoute provider;

    @BeforeEach
    void start() throws Exception {
        meta = new WireMockServer(options().dynamicPort());
        meta.start();
        provider = new CloudApiRoute(properties(meta.baseUrl(), Duration.ofSeconds(2)));
    }

    private final List<CloudApiRoute> others = new ArrayList<>();

    private CloudApiRoute route(ArautoProperties properties) throws Exception {
        CloudApiRoute route = new CloudApiRoute(properties);
        others.add(route);
        return route;
    }

    @AfterEach
    void stop() {
        others.forEach(CloudApiRoute::close);
        provider.close();
        meta.stop();
    }

    @Test
    void positionalParametersAreSentAsMetaTemplateJsonWithBearerTokenToTheVersionedPath() {
        meta.stubFor(post(PATH).willReturn(okJson()));

        SendOutcome outcome = provider.send(new TemplateMessage("+5511987654321", "pedido_enviado", "pt_BR", null,
                List.of(new TextParameter(null, "Ana"), new TextParameter(null, "A-1001"), new TextParameter(null, "sexta")), List.of()));

        assertThat(outcome).isEqualTo(new Accepted(WAMID));
        meta.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                         "biz_opaque_callback_data":"30064771075",
                         "template":{"name":"pedido_enviado","language":{"code":"pt_BR"},"components":[
                           {"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"A-1001"},{"type":"text","text":"sexta"}]}
                         ]}}""")));
    }

    @Test
    void onlyTheTokenAndTheContentTypeGoAlongNothingOfArautosExchange() {
        meta.stubFor(post(PATH).willReturn(okJson()));

        provider.sendWithHeaders(message(), java.util.Map.of("ArautoCampaignId", 7L, "firedTime", "now", "CamelHttpUri", "http://elsewhere.invalid/x"));

        meta.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(meta.getAllServeEvents().get(0).getRequest().getAllHeaderKeys())
                .doesNotContain("ArautoCampaignId", "firedTime", "CamelHttpUri")
                .contains("Authorization", "Content-Type");
    }

    @Test
    void namedParametersCarryParameterName() {
        meta.stubFor(post(PATH).willReturn(okJson()));

        provider.send(new TemplateMessage("+5511987654321", "boas_vindas", "pt_BR", null,
                List.of(new TextParameter("nome", "Ana"), new TextParameter("loja", "Centro")), null));

        meta.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                 "template":{"name":"boas_vindas","language":{"code":"pt_BR"},"components":[
                   {"type":"body","parameters":[{"type":"text","parameter_name":"nome","text":"Ana"},
                                                {"type":"text","parameter_name":"loja","text":"Centro"}]}
                 ]}}""", false, true)));
    }

    @Test
    void imageHeaderBodyAndUrlButtonComeInMetaOrder() {
        meta.stubFor(post(PATH).willReturn(okJson()));

        provider.send(new TemplateMessage("+5511987654321", "promo", "pt_BR", new MediaHeader("image", "https://cdn.example.com/p.jpg"),
                List.of(new TextParameter(null, "Ana")), List.of(new UrlButton(0, "ABC123"))));

        meta.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                 "template":{"name":"promo","language":{"code":"pt_BR"},"components":[
                   {"type":"header","parameters":[{"type":"image","image":{"link":"https://cdn.example.com/p.jpg"}}]},
                   {"type":"body","parameters":[{"type":"text","text":"Ana"}]},
                   {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"ABC123"}]}
                 ]}}""", false, true)));
    }

    @Test
    void documentHeaderAloneGivesOnlyAHeaderComponent() {
        meta.stubFor(post(PATH).willReturn(okJson()));

        provider.send(new TemplateMessage("+5511987654321", "boleto", "pt_BR",
                new MediaHeader("document", "https://cdn.example.com/boleto.pdf"), List.of(), List.of(new UrlButton(1, "X9"))));

        meta.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                 "template":{"name":"boleto","language":{"code":"pt_BR"},"components":[
                   {"type":"header","parameters":[{"type":"document","document":{"link":"https://cdn.example.com/boleto.pdf"}}]},
                   {"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"X9"}]}
                 ]}}""", false, true)));
    }

    @Test
    void metaError131026IsAPermanentRejectionWithCodeMessageAndDetails() {
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                {"error":{"message":"(#131026) Message Undeliverable","type":"OAuthException","code":131026,
                 "error_data":{"messaging_product":"whatsapp","details":"Unable to deliver message."},"fbtrace_id":"Az8or2"}}""")));

        assertThat(provider.send(message())).isEqualTo(
                new Rejected("131026", "Message Undeliverable", "Unable to deliver message.", MetaErrors.Action.FAIL, null));
    }

    @Test
    void http429WithRetryAfterThrottlesForThatManySeconds() {
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("""
                {"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}""")));

        SendOutcome outcome = provider.send(message());

        assertThat(outcome).isEqualTo(new Rejected("130429", "Rate limit hit", "", MetaErrors.Action.THROTTLE_ALL, Duration.ofSeconds(7)));
        // Apache HttpClient would wait and post it again by itself on a 429 or 503 with Retry-After: Arauto turns that off
        meta.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void http503IsRetryable() {
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody("""
                {"error":{"message":"(#2) Service temporarily unavailable","type":"OAuthException","code":2}}""")));

        assertThat(provider.send(message())).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.code()).isEqualTo("2");
            assertThat(r.action()).isEqualTo(MetaErrors.Action.RETRY);
            assertThat(r.retryAfter()).isNull();
        });
    }

    @Test
    void throughputCode130429ThrottlesEvenInA400() {
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withBody("""
                {"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
                 "error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."}}}""")));

        assertThat(provider.send(message())).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.code()).isEqualTo("130429");
            assertThat(r.action()).isEqualTo(MetaErrors.Action.THROTTLE_ALL);
        });
    }

    @Test
    void htmlErrorPageBecomesHttpStatusCodeWithTheStartOfTheBody() {
        String html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x".repeat(400) + "</body></html>";
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html").withBody(html)));

        assertThat(provider.send(message())).isEqualTo(new Rejected("HTTP 502", html.substring(0, 200), "", MetaErrors.Action.RETRY, null));
    }

    @Test
    void answerSlowerThanTheReadTimeoutIsUnknown() throws Exception {
        CloudApiRoute impatient = route(properties(meta.baseUrl(), Duration.ofMillis(300)));
        meta.stubFor(post(PATH).willReturn(okJson().withFixedDelay(2_000)));

        assertThat(impatient.send(message())).isInstanceOf(Unknown.class);
    }

    @Test
    void connectionResetAfterTheRequestWasWrittenIsUnknown() {
        meta.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThat(provider.send(message())).isInstanceOf(Unknown.class);
        // the HTTP client never sends it again on its own: only the ledger decides that
        meta.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void emptyAnswerAfterTheRequestWasWrittenIsUnknown() {
        meta.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        assertThat(provider.send(message())).isInstanceOf(Unknown.class);
        meta.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void okWithoutMessagesIsUnknown() {
        meta.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("""
                {"messaging_product":"whatsapp","contacts":[{"input":"5511987654321","wa_id":"5511987654321"}]}""")));

        assertThat(provider.send(message())).isInstanceOfSatisfying(Unknown.class,
                u -> assertThat(u.detail()).doesNotContain("987654321"));
    }

    @Test
    void closedPortIsNotSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CloudApiRoute nowhere = route(properties("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2)));

        assertThat(nowhere.send(message())).isEqualTo(new NotSent("the connection was refused"));
    }

    @Test
    void unknownHostIsNotSent() throws Exception {
        CloudApiRoute nowhere = route(properties("http://graph.arauto.invalid", Duration.ofSeconds(2)));

        assertThat(nowhere.send(message())).isEqualTo(new NotSent("unknown host"));
    }

    @Test
    void sharedByManySenderThreads() throws Exception {
        meta.stubFor(post(PATH).willReturn(okJson()));
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<SendOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                outcomes.add(senders.submit(() -> provider.send(message())));
            }
            for (Future<SendOutcome> outcome : outcomes) {
                assertThat(outcome.get()).isEqualTo(new Accepted(WAMID));
            }
        } finally {
            senders.shutdownNow();
        }
        meta.verify(80, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void tokenAndFullPhoneNeverReachToStringOrLogs() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(CloudApiProvider.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logs);
        try {
            CloudApiRoute logged = route(properties(meta.baseUrl(), Duration.ofMillis(300)));
            meta.stubFor(post(PATH).inScenario("s").willReturn(okJson()).willSetStateTo("rejected"));
            meta.stubFor(post(PATH).inScenario("s").whenScenarioStateIs("rejected")
                    .willReturn(aResponse().withStatus(400).withBody("{\"error\":{\"message\":\"bad\",\"code\":100}}")).willSetStateTo("slow"));
            meta.stubFor(post(PATH).inScenario("s").whenScenarioStateIs("slow").willReturn(okJson().withFixedDelay(1_000)));
            for (int i = 0; i < 3; i++) {
                logged.send(message());
            }

            assertThat(new CloudApiProvider(properties(meta.baseUrl(), Duration.ofMillis(300))).toString()).doesNotContain(TOKEN);
            assertThat(logs.list).isNotEmpty().allSatisfy(event -> {
                assertThat(event.getFormattedMessage()).doesNotContain(TOKEN).doesNotContain("5511987654321");
                assertThat(event.getThrowableProxy()).isNull();
            });
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(3)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("+55119****4321"));
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(before);
        }
    }

    @Test
    void blankPhoneNumberIdOrTokenFailsStartupNamingTheKey() {
        ArautoProperties noToken = properties(meta.baseUrl(), Duration.ofSeconds(2));
        noToken.getProvider().getCloudApi().setAccessToken(" ");
        ArautoProperties noPhoneId = properties(meta.baseUrl(), Duration.ofSeconds(2));
        noPhoneId.getProvider().getCloudApi().setPhoneNumberId(null);

        assertThatThrownBy(() -> new CloudApiProvider(noToken)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("arauto.provider.cloud-api.access-token");
        assertThatThrownBy(() -> new CloudApiProvider(noPhoneId)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("arauto.provider.cloud-api.phone-number-id");
    }

    private static TemplateMessage message() {
        return new TemplateMessage("+5511987654321", "pedido_enviado", "pt_BR", null, List.of(new TextParameter(null, "Ana")), List.of());
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(ACCEPTED);
    }

    static ArautoProperties properties(String baseUrl, Duration readTimeout) {
        ArautoProperties properties = new ArautoProperties();
        properties.getProvider().setType("cloud-api");
        ArautoProperties.CloudApi cloudApi = properties.getProvider().getCloudApi();
        cloudApi.setBaseUrl(baseUrl);
        cloudApi.setApiVersion("v23.0");
        cloudApi.setPhoneNumberId("1098765432");
        cloudApi.setAccessToken(TOKEN);
        cloudApi.setConnectTimeout(Duration.ofSeconds(1));
        cloudApi.setReadTimeout(readTimeout);
        return properties;
    }
}
