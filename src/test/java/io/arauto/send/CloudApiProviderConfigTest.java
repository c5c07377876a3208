package io.arauto.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.arauto.config.ArautoProperties;

/** With arauto.provider.type=cloud-api the bean refuses to start half-configured; with the sandbox it asks for nothing. */
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
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(CloudApiProvider.class));
    }

    @Test
    void asksForNothingWithTheSandboxDefault() {
        context.run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void baseUrlWithATrailingSlashFailsStartupNamingTheKey() {
        context.withPropertyValues("arauto.provider.type=cloud-api", "arauto.provider.cloud-api.phone-number-id=1098765432",
                        "arauto.provider.cloud-api.access-token=secret", "arauto.provider.cloud-api.base-url=https://graph.facebook.com/")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.provider.cloud-api.base-url")
                        .hasMessageContaining("without the trailing slash"));
    }

    @Test
    void missingTokenFailsStartupNamingTheKey() {
        context.withPropertyValues("arauto.provider.type=cloud-api", "arauto.provider.cloud-api.phone-number-id=1098765432")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.provider.cloud-api.access-token")
                        .hasMessageContaining("required when arauto.provider.type=cloud-api"));
    }
}
