package io.arauto.support;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorder behind {@link ErrorLogCheck} hears what it must, and only that. */
class ErrorLogRecorderTest {

    private static final Logger log = LoggerFactory.getLogger("io.arauto.test.Provoked");

    @Test
    @ExpectedErrorLog(logger = "io.arauto.test.Provoked", containing = "provoked", because = "this test logs them to see them recorded")
    void recordsErrorsAndStackTracesButNotPlainWarnings() {
        assertThat(ErrorLogRecorder.isRecording()).as("attached by logback-test.xml").isTrue();
        long mark = ErrorLogRecorder.mark();

        log.warn("a plain warning, no stack trace");
        log.info("provoked: an INFO line with a stack trace", new IllegalStateException("provoked info"));
        log.error("provoked: an ERROR line without one");

        List<ErrorLogRecorder.Event> recorded = ErrorLogRecorder.since(mark);
        assertThat(recorded).extracting(ErrorLogRecorder.Event::level).containsExactly("INFO", "ERROR");
        assertThat(recorded.get(0).text()).contains("java.lang.IllegalStateException: provoked info");
        assertThat(recorded).allMatch(e -> e.logger().equals("io.arauto.test.Provoked"));
    }

    @Test
    void anAllowanceNamesTheLoggerAndTextItCovers() throws Exception {
        ExpectedErrorLog allowance = getClass().getDeclaredMethod("recordsErrorsAndStackTracesButNotPlainWarnings")
                .getAnnotation(ExpectedErrorLog.class);
        ErrorLogRecorder.Event event = new ErrorLogRecorder.Event(1, java.time.Instant.now(), "ERROR", "io.arauto.test.Provoked.Sub",
                "main", "it failed", "java.lang.IllegalStateException: provoked");

        assertThat(ErrorLogCheck.matches(allowance, event)).as("sub-logger, text in the exception").isTrue();
        assertThat(ErrorLogCheck.matches(allowance, new ErrorLogRecorder.Event(1, event.at(), "ERROR", "io.arauto.Other", "main",
                "provoked", null))).as("another logger").isFalse();
        assertThat(ErrorLogCheck.matches(allowance, new ErrorLogRecorder.Event(1, event.at(), "ERROR", "io.arauto.test.Provoked",
                "main", "something else", null))).as("other text").isFalse();
    }
}
