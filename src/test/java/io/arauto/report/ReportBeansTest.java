package io.arauto.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties;

/** The beans wire with Spring's own ObjectMapper and the {@code arauto.data-dir} property. */
class ReportBeansTest {

    @TempDir
    Path dataDir;

    @Configuration
    @EnableConfigurationProperties(ArautoProperties.class)
    @Import({CellSanitizer.class, StatusReportWriter.class, AuditLog.class, io.arauto.config.ClockConfig.class})
    static class Beans { }

    @Test
    void wiresAndWritesUnderTheDataDir() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .withUserConfiguration(Beans.class)
                .withPropertyValues("arauto.data-dir=" + dataDir, "spring.jackson.serialization.indent-output=true")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(StatusReportWriter.class);
                    context.getBean(AuditLog.class).record(AuditEvent.FILE_RECEIVED, null, Map.of("file", "a.csv"));
                    try (var files = Files.list(dataDir.resolve("audit"))) {
                        Path file = files.findFirst().orElseThrow();
                        assertThat(file.getFileName().toString()).matches("audit-\\d{4}-\\d{2}-\\d{2}\\.jsonl");
                        assertThat(Files.readAllLines(file)).singleElement().asString()
                                .startsWith("{\"at\":\"").contains("\"event\":\"file_received\"", "\"file\":\"a.csv\"");
                    }
                });
    }
}
