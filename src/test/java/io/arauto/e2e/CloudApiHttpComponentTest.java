package io.arauto.e2e;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The running Arauto's camel-http component is the one io.arauto.send.CloudApiHttp sets up. */
class CloudApiHttpComponentTest extends ArautoTestBase {

    @Autowired
    CamelContext camel;

    @Test
    void neverRetriesOnItsOwnAndHasAConnectionPerSenderThread() {
        HttpComponent http = camel.getComponent("http", HttpComponent.class);

        assertThat(http.isAutomaticRetriesDisabled()).as("automatic retries disabled").isTrue();
        assertThat(http.getConnectionsPerRoute()).isEqualTo(http.getMaxTotalConnections()).isGreaterThanOrEqualTo(32);
        assertThat(http.getResponseTimeout()).isEqualTo(READ_TIMEOUT.toMillis());
    }
}
