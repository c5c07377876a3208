package io.arauto.support;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Intervals short enough for functional tests: files taken, sent and reported within a second or so. */
public final class FastTimings {

    private FastTimings() {
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("arauto.intake.stable-for", () -> "300ms");
        registry.add("arauto.intake.read-lock-check-interval", () -> "100");
        registry.add("arauto.intake.poll-delay", () -> "200");
        registry.add("arauto.reports.interval", () -> "300ms");
        registry.add("arauto.send.poll-interval", () -> "100");
        registry.add("arauto.provider.sandbox.delivered-after", () -> "200ms");
        registry.add("arauto.provider.sandbox.read-after", () -> "400ms");
    }
}
