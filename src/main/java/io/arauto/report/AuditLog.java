package io.arauto.report;

import java.util.Map;

import org.springframework.stereotype.Component;

/** STUB until the reports branch lands. */
@Component
public class AuditLog {
    public void record(String event, Long campaignId, Map<String, Object> details) {
    }
}
