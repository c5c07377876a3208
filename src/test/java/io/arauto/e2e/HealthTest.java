package io.arauto.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/health} over real HTTP: anyone gets the status, only a caller with the REST API's token gets the
 * components and their details (the ledger, the CRM database, sending, the disk of the data folder).
 */
class HealthTest extends ArautoTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private TestRestTemplate http;
    @LocalServerPort
    private int port;

    private ResponseEntity<String> health(String path, String bearer) {
        HttpHeaders headers = new HttpHeaders();
        if (bearer != null) {
            headers.setBearerAuth(bearer);
        }
        return http.exchange(URI.create("http://localhost:" + port + path), HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    private static String token() throws IOException {
        return Files.readString(DATA_DIR.resolve("api-token")).strip();
    }

    @Test
    void withoutTheTokenHealthSaysTheStatusAloneNoPathsNorSizes() throws IOException {
        for (String bearer : new String[] {null, "not-the-token"}) {
            ResponseEntity<String> answer = health("/actuator/health", bearer);
            assertThat(answer.getStatusCode().value()).isEqualTo(200);
            JsonNode body = JSON.readTree(answer.getBody());
            assertThat(body.path("status").asText()).isEqualTo("UP");
            assertThat(body.has("components")).as("components shown to %s", bearer).isFalse();
            assertThat(answer.getBody()).doesNotContain(DATA_DIR.toString(), "diskSpace", "total");
            assertThat(health("/actuator/health/diskSpace", bearer).getStatusCode().value()).as("a component asked for by name").isEqualTo(404);
        }
    }

    @Test
    void withTheTokenHealthShowsTheLedgerTheCrmSendingAndTheDataFoldersDisk() throws IOException {
        ResponseEntity<String> answer = health("/actuator/health", token());
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        JsonNode components = JSON.readTree(answer.getBody()).path("components");
        assertThat(components.path("ledger").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("sending").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("sender").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("crm").path("status").asText()).isEqualTo("UP");
        assertThat(components.at("/crm/details/url").asText()).isEqualTo(CRM_URL.replaceFirst(";.*$", ""));
        assertThat(components.has("schedules")).as("no schedule is configured here").isFalse();
        // the disk that fills up is the data folder's, not the working directory's
        JsonNode disk = components.path("diskSpace").path("details");
        assertThat(disk.path("path").asText()).startsWith(DATA_DIR.toAbsolutePath().toString());
        assertThat(disk.path("total").asLong()).isPositive();
    }
}
