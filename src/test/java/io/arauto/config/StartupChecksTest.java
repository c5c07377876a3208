package io.arauto.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.arauto.ArautoApplication;
import io.arauto.optout.CrmDatabase;
import io.arauto.optout.CrmStartupCheck;
import io.arauto.send.CloudApiProvider;
import io.arauto.template.TemplateCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arauto refuses to start, naming the property and what is wrong with it, when its configuration cannot work: the
 * templates file missing or not templates, cloud-api without its token or phone-number id, an SFTP key file that is not
 * there, and a CRM database that cannot be reached (or is not set) while arauto.optout.query needs it. Two of them
 * through a whole start of Arauto, the others on the beans that check them.
 */
class StartupChecksTest {

    @Configuration
    @EnableConfigurationProperties(ArautoProperties.class)
    static class Properties { }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Properties.class);

    @TempDir
    Path dir;

    /** A whole Arauto on a data folder of its own, sandbox provider; returns what stopped it. */
    private Throwable start(String... properties) {
        String[] all = new String[properties.length + 3];
        all[0] = "arauto.data-dir=" + dir.resolve("data");
        all[1] = "server.port=0";
        all[2] = "arauto.api.token=startup-test-token";
        System.arraycopy(properties, 0, all, 3, properties.length);
        String[] args = java.util.Arrays.stream(all).map(p -> "--" + p).toArray(String[]::new); // over config/application.yml
        try {
            new SpringApplicationBuilder(ArautoApplication.class).run(args).close();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("Arauto started with " + String.join(", ", properties));
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void aMissingTemplatesFileStopsTheStartNamingTheProperty() {
        Throwable failure = start("arauto.templates-file=" + dir.resolve("no-templates.yml"));
        assertThat(messages(failure)).contains("arauto.templates-file", "there is no readable file at " + dir.resolve("no-templates.yml"));
    }

    @Test
    void aTemplatesFileThatIsNotTemplatesStopsTheStart() throws IOException {
        Path file = Files.writeString(dir.resolve("templates.yml"), "aviso:\n  language: en_US\n  bodi: \"Hello {{1}}\"\n");
        context.withUserConfiguration(TemplateCatalog.class).withPropertyValues("arauto.templates-file=" + file)
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.templates-file")
                        .hasMessageContaining("is not valid YAML for templates")
                        .hasMessageContaining("bodi"));
    }

    @Test
    void aBatchSizeBelowOneStopsTheStartNamingIt() {
        context.withPropertyValues("arauto.intake.batch-size=0")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.intake.batch-size must be at least 1")
                        .hasMessageContaining("not 0"));
        context.withPropertyValues("arauto.intake.batch-size=5000")
                .run(ctx -> assertThat(ctx.getBean(ArautoProperties.class).getIntake().getBatchSize()).isEqualTo(5000));
    }

    @Test
    void cloudApiWithoutItsPhoneNumberIdStopsTheStartNamingIt() {
        context.withUserConfiguration(CloudApiProvider.class)
                .withPropertyValues("arauto.provider.type=cloud-api", "arauto.provider.cloud-api.access-token=secret")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.provider.cloud-api.phone-number-id")
                        .hasMessageContaining("required when arauto.provider.type=cloud-api"));
    }

    @Test
    void anSftpKeyFileThatDoesNotExistStopsTheStartNamingTheProperty() {
        Path key = dir.resolve("id_ed25519");
        Throwable failure = start("arauto.templates-file=src/test/resources/templates-test.yml", "arauto.intake.sftp.enabled=true",
                "arauto.intake.sftp.host=127.0.0.1", "arauto.intake.sftp.username=arauto", "arauto.intake.sftp.private-key-file=" + key);
        assertThat(messages(failure)).contains("arauto.intake.sftp.private-key-file names a file that does not exist: " + key);
        assertThat(messages(failure)).doesNotContain("arauto.intake.sftp.host is not set");
    }

    @Test
    void anUnreachableCrmStopsTheStartWhenTheOptOutQueryNeedsIt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once it is closed
        }
        String url = "jdbc:h2:tcp://127.0.0.1:" + closedPort + "/mem:crm";
        context.withUserConfiguration(CrmDatabase.class, CrmStartupCheck.class)
                .withPropertyValues("arauto.crm.datasource.url=" + url + ";PASSWORD_IN_URL=x", "arauto.crm.datasource.username=sa",
                        "arauto.optout.query=select telefone from clientes_optout")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("arauto.crm.datasource.url")
                            .hasMessageContaining("'" + url + "'")
                            .hasMessageContaining("the CRM database cannot be reached")
                            .hasMessageContaining("arauto.optout.query needs it");
                    assertThat(messages(ctx.getStartupFailure())).doesNotContain("PASSWORD_IN_URL");
                });
        // a schedule needs it too
        context.withUserConfiguration(CrmDatabase.class, CrmStartupCheck.class)
                .withPropertyValues("arauto.crm.datasource.url=" + url, "arauto.schedules.nightly.cron=0 0 2 * * ?",
                        "arauto.schedules.nightly.template=aviso_simples", "arauto.schedules.nightly.audience-query=select 1")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.crm.datasource.url")
                        .hasMessageContaining("arauto.schedules.nightly.audience-query needs it"));
        // the same CRM is no obstacle while nothing needs it at start
        context.withUserConfiguration(CrmDatabase.class, CrmStartupCheck.class)
                .withPropertyValues("arauto.crm.datasource.url=" + url)
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void anOptOutQueryWithoutACrmDatabaseStopsTheStart() {
        context.withUserConfiguration(CrmDatabase.class, CrmStartupCheck.class)
                .withPropertyValues("arauto.optout.query=select telefone from clientes_optout")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.crm.datasource.url")
                        .hasMessageContaining("arauto.optout.query is set, so Arauto needs the CRM database"));
    }

    @Test
    void aVersionQueryWithoutAnOptOutQueryStopsTheStart() {
        context.withUserConfiguration(CrmDatabase.class, CrmStartupCheck.class)
                .withPropertyValues("arauto.optout.crm-version-query=select max(updated_at) from clientes")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("arauto.optout.crm-version-query")
                        .hasMessageContaining("arauto.optout.query is not set"));
    }

    @Test
    void aTemplatesFileThatIsThereStartsTheCatalog() {
        context.withUserConfiguration(TemplateCatalog.class).withPropertyValues("arauto.templates-file=src/test/resources/templates-test.yml")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(TemplateCatalog.class));
    }
}
