package io.arauto.intake.folder;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.support.Exchanges;

/**
 * Files of the local inbox that could not be moved to archive/ or error/ once taken (a folder in the way is a file, or
 * cannot be written, or the file itself cannot be removed): the real cause goes to the log once, {@code /actuator/health}
 * shows "inbox" DOWN while any such file waits, and the file is taken again only after a wait that doubles at each
 * failure ({@link #due}), from the inbox's poll delay up to {@link #LONGEST_WAIT}. Camel hands each failed move here
 * (the file endpoint's onCompletionExceptionHandler).
 */
@Component("inboxHealthIndicator")
public class InboxHealthIndicator implements HealthIndicator, ExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(InboxHealthIndicator.class);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private record Failure(String reason, int attempts, Instant retryAt) { }

    private final ArautoProperties properties;
    private final Clock clock;
    private final Map<Path, Failure> failures = new ConcurrentHashMap<>();

    public InboxHealthIndicator(ArautoProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Health health() {
        forgetGone();
        if (failures.isEmpty()) {
            return Health.up().build();
        }
        Failure last = failures.values().stream().max((a, b) -> a.retryAt.compareTo(b.retryAt)).orElseThrow();
        return Health.down().withDetail("moves", last.reason).withDetail("filesWaiting", failures.size()).build();
    }

    /** False while a file whose move failed waits for its next try; true for every other file. */
    public boolean due(Path file) {
        Failure failure = failures.get(file.toAbsolutePath().normalize());
        if (failure == null) {
            return true;
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            forget(file.toAbsolutePath().normalize());
            return true;
        }
        return !clock.instant().isBefore(failure.retryAt);
    }

    /** True when the last move of this inbox file failed: it is still there because of that, not dropped again. */
    public boolean moveFailed(Path file) {
        return failures.containsKey(file.toAbsolutePath().normalize());
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        String source = exchange == null ? null : exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class);
        if (source == null) {
            log.warn("A file of the inbox could not be moved: {}", exception.getMessage());
            return;
        }
        Path file = Path.of(source).toAbsolutePath().normalize();
        boolean failed = exchange.isFailed() || exchange.getException() != null;
        String target = exchange.getMessage().getHeader(failed ? Exchanges.ERROR_TARGET : Exchanges.ARCHIVE_TARGET, String.class);
        String folder = failed ? "error/" : "archive/";
        String reason = inboxPath(file) + " could not be moved to " + folder + ": " + cause(file, target == null ? null : Path.of(target),
                exception);
        Failure before = failures.get(file);
        int attempts = before == null ? 1 : before.attempts + 1;
        Duration wait = wait(attempts);
        failures.put(file, new Failure(reason, attempts, clock.instant().plus(wait)));
        if (before == null) { // the cause once; health shows the latest
            log.warn("{}. It stays in the inbox and nothing of it is sent again; Arauto tries again after {} s, then waits twice as "
                    + "long each time, up to {} min", reason, Math.max(1, wait.toSeconds()), LONGEST_WAIT.toMinutes());
        } else {
            log.debug("{} (try {})", reason, attempts);
        }
    }

    private Duration wait(int attempts) {
        Duration wait = properties.getIntake().getPollDelay().multipliedBy(1L << Math.min(20, attempts));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    /** What stands in the way, in words: the first folder on the way that is a file or cannot be written, or the file system's own words. */
    static String cause(Path file, Path target, Throwable exception) {
        if (target != null) {
            for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        return p + " is a file, not a folder, so nothing can be put under it";
                    }
                    if (!Files.isWritable(p)) {
                        return "the folder " + p + " cannot be written (check its owner and permissions)";
                    }
                    break;
                }
            }
        }
        if (!Files.isWritable(file.getParent())) {
            return "the folder " + file.getParent() + " cannot be written, so the file cannot be taken out of it (check its owner and "
                    + "permissions)";
        }
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : "the file system refused it";
    }

    private String inboxPath(Path file) {
        Path dir = properties.getIntake().getDir();
        Path inbox = (dir != null ? dir : properties.getDataDir().resolve("inbox")).toAbsolutePath().normalize();
        return file.startsWith(inbox) ? inbox.relativize(file).toString().replace('\\', '/') : file.toString();
    }

    private void forgetGone() {
        failures.keySet().stream().filter(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList().forEach(this::forget);
    }

    private void forget(Path file) {
        if (failures.remove(file) != null && failures.isEmpty()) {
            log.info("Files of the inbox are moved to archive/ and error/ again");
        }
    }
}
