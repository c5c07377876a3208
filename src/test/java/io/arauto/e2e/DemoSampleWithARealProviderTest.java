package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo profile's sample has numbers that look real, so it is dropped only with the sandbox
 * provider: here the profile is on but messages would go to a real Cloud API (a WireMock of this
 * class's own, so every request it gets is this Arauto's), and nothing of the sample is sent.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("demo")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
@ExtendWith(OutputCaptureExtension.class)
class DemoSampleWithARealProviderTest {

    static final Path DATA_DIR = tempDir("arauto-demo-cloud-api-");
    static final WireMockServer CLOUD_API = new WireMockServer(options().dynamicPort().globalTemplating(true));
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        CLOUD_API.start();
        CLOUD_API.stubFor(post(urlEqualTo(ArautoTestBase.MESSAGES)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messages\":[{\"id\":\"wamid.{{randomValue type='UUID'}}\"}]}")));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ArautoTestBase.appOn(DATA_DIR, registry);
        registry.add("arauto.provider.cloud-api.base-url", CLOUD_API::baseUrl);
    }

    @Autowired
    JdbcTemplate ledger;

    @AfterAll
    static void stopCloudApi() {
        CLOUD_API.stop();
    }

    @Test
    void theSampleIsNotDroppedSoNothingOfItIsSent(CapturedOutput log) throws Exception {
        // the demo helper runs once Arauto is up, before this test
        assertThat(log.getAll()).contains("Demo: the sample is only dropped with the sandbox provider, not with 'cloud-api'");
        assertThat(ArautoTestBase.filesUnder(DATA_DIR.resolve("inbox"))).isEmpty();

        // the inbox is watched all the same: a file dropped now goes out, after anything dropped before it would have
        ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "pedido_enviado", "marcador.csv",
                "telefone,nome,pedido,entrega\n5511987005001,Lia,1,hoje\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> !CLOUD_API.getAllServeEvents().isEmpty());
        assertThat(CLOUD_API.getAllServeEvents()).extracting(e -> JSON.readTree(e.getRequest().getBodyAsString()).path("to").asText())
                .containsExactly("5511987005001");
        assertThat(ledger.queryForList("select name from campaign", String.class)).containsExactly("marcador.csv");
    }
}
