package io.arauto.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.arauto.config.ArautoProperties;

/** The bean exists only for arauto.provider.type=cloud-api, and refuses to start half-configured. */
class CloudApiProviderConfigTest {

    @Configuration
    @EnableConfigurationProperties(ArautoProperties.class)
    static class Properties { }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, CloudApiProvider.class);

    @Test
    void activeForCloudApi() {
        context.withPropertyValues("arauto.provider.type=cloud-api",
                        "arauto.provider.cloud-api.phone-number-id=1098765432",
                        "arauto.provider.cloud-api.access-token=secret")
                .run(ctx -> assertThat(ctx).hasSingleBean(MessageProvider.class).hasSingleBean(CloudApiProvider.class));
    }

    @Test
    void absentForTheSandboxDefault() {
        context.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(CloudApiProvider.class));
    }

    @Test
    void missingTokenFailsStartupNamingTheKey() {
        context.withPropertyValues("arauto.provider.type=cloud-api", "arauto.provider.cloud-api.phone-number-id=1098765432")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.provider.cloud-api.access-token")
                        .hasMessageContaining("required when arauto.provider.type=cloud-api"));
    }
}
