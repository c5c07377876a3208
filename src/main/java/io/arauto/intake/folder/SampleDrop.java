package io.arauto.intake.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * The demo profile's helper: copies the sample spreadsheet into inbox/&lt;template&gt;/ once
 * Arauto is up, so a newcomer sees a campaign go through without doing anything.
 */
@Component
@ConditionalOnProperty("arauto.demo.sample")
public class SampleDrop {

    private static final Logger log = LoggerFactory.getLogger(SampleDrop.class);

    private final Path sample;
    private final ArautoProperties properties;

    public SampleDrop(@Value("${arauto.demo.sample}") Path sample, ArautoProperties properties) {
        this.sample = sample;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void drop() throws IOException {
        if (!"sandbox".equals(properties.getProvider().getType())) { // its numbers look real: never send them for real
            log.warn("Demo: the sample is only dropped with the sandbox provider, not with '{}'", properties.getProvider().getType());
            return;
        }
        String template = sample.getParent().getFileName().toString();
        Path inbox = properties.getIntake().getDir().resolve(template);
        Files.createDirectories(inbox);
        // a new row each run keeps the file from being refused as an identical re-drop
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String content = Files.readString(sample).stripTrailing() + System.lineSeparator()
                + "+55 11 91234-5678,Demo," + stamp + ",hoje" + System.lineSeparator();
        Path tmp = inbox.resolve(sample.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Path target = inbox.resolve(sample.getFileName());
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (properties.getIntake().isDoneFiles()) {
            Files.writeString(inbox.resolve(sample.getFileName() + ".done"), "");
        }
        log.info("Demo: dropped {} into {}; watch {} for its status file", sample, inbox, properties.outboxDir());
    }
}
