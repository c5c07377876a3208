package io.arauto.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * A Logback appender (declared in logback-test.xml, on the root logger) that keeps every ERROR
 * event and every event carrying a throwable, whatever its level, for {@link ErrorLogCheck}. It
 * also keeps exceptions no thread caught. The store is static: Spring re-initialises Logback at
 * each context start and so creates a new appender, but what was recorded stays.
 */
public final class ErrorLogRecorder extends AppenderBase<ILoggingEvent> {

    /** One recorded event, kept as text: the event objects may be reused or hold on to the app's objects. */
    public record Event(long seq, Instant at, String level, String logger, String thread, String message, String throwable) {

        /** The message and every throwable in the cause chain, as one text to search. */
        public String text() {
            return throwable == null ? message : message + "\n" + throwable;
        }

        @Override
        public String toString() {
            return at + " " + level + " [" + thread + "] " + logger + ": " + message + (throwable == null ? "" : "\n    " + throwable);
        }
    }

    private static final List<Event> EVENTS = new ArrayList<>();
    private static final AtomicInteger STARTED = new AtomicInteger();
    private static long seq;

    static {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            record("UNCAUGHT", "(no logger: exception not caught by thread " + thread.getName() + ")", thread.getName(),
                    "Uncaught exception", describe(e));
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                e.printStackTrace();
            }
        });
    }

    @Override
    public void start() {
        super.start();
        STARTED.incrementAndGet();
    }

    @Override
    public void stop() {
        if (isStarted()) {
            STARTED.decrementAndGet();
        }
        super.stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null && !event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return;
        }
        if (event.getLoggerName().startsWith("org.apache.sshd.")) {
            return; // the tests' own embedded SFTP server (Arauto's client is JSch), which complains when a client hangs up mid-write
        }
        record(event.getLevel().toString(), event.getLoggerName(), event.getThreadName(), event.getFormattedMessage(),
                thrown == null ? null : describe(thrown));
    }

    /** True while an instance is attached and running: otherwise the check would see nothing. */
    public static boolean isRecording() {
        return STARTED.get() > 0;
    }

    /** A position in the record: {@link #since} returns what was recorded after it. */
    public static synchronized long mark() {
        return seq;
    }

    public static synchronized List<Event> since(long mark) {
        List<Event> after = new ArrayList<>();
        for (int i = EVENTS.size() - 1; i >= 0 && EVENTS.get(i).seq() > mark; i--) {
            after.add(0, EVENTS.get(i));
        }
        return after;
    }

    private static synchronized void record(String level, String logger, String thread, String message, String throwable) {
        EVENTS.add(new Event(++seq, Instant.now(), level, logger, thread, message, throwable));
        if (EVENTS.size() > 10_000) { // a run that logs this many errors fails anyway; keep the memory bounded
            EVENTS.subList(0, 5_000).clear();
        }
    }

    /** "Class: message", then each cause as "caused by Class: message". */
    private static String describe(IThrowableProxy thrown) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
            text.append(text.length() == 0 ? "" : "\n    caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    private static String describe(Throwable thrown) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : "\n    caused by ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
