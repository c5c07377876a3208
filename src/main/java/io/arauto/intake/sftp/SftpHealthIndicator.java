package io.arauto.intake.sftp;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import io.arauto.config.ArautoProperties;

/**
 * Whether the SFTP server is usable, for {@code /actuator/health} ("sftp") and the log: the intake
 * poller and the status write-back each report how their last attempt went, and the log gets one
 * line each time either changes state, never one per poll. Reasons are written for the person
 * reading them (unknown or changed host key, login refused, server unreachable) and hold no secret.
 */
public class SftpHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(SftpHealthIndicator.class);

    private record State(boolean up, String reason, Instant since) { }

    private final ArautoProperties.Sftp sftp;
    private final Clock clock;
    private final Duration writeBackPause;
    private volatile State intake;
    private volatile State writeBack;
    private volatile Instant lastWriteBackFailure = Instant.EPOCH;
    /** Files taken and sent whose move to archive/ failed, by server path: the reason, and when to try again. */
    private final java.util.Map<String, MoveFailure> moveFailures = new java.util.concurrent.ConcurrentHashMap<>();

    private record MoveFailure(String reason, int attempts, Instant retryAt) { }

    /** The longest wait between two tries of a file whose move failed. */
    static final Duration LONGEST_MOVE_WAIT = Duration.ofMinutes(5);

    public SftpHealthIndicator(ArautoProperties.Sftp sftp, Clock clock) {
        this.sftp = sftp;
        this.clock = clock;
        this.writeBackPause = sftp.getPollDelay().multipliedBy(Math.max(1, sftp.getBackoffMultiplier()));
    }

    @Override
    public Health health() {
        State in = intake;
        State out = writeBack;
        // a file still there is tried again by its retryAt, and recorded afresh if it fails: one not tried for long is gone
        Instant forgotten = clock.instant().minus(LONGEST_MOVE_WAIT.multipliedBy(2));
        moveFailures.values().removeIf(f -> f.retryAt.isBefore(forgotten));
        MoveFailure move = moveFailures.values().stream().max((a, b) -> a.retryAt.compareTo(b.retryAt)).orElse(null);
        Health.Builder health = in == null ? Health.unknown()
                : (in.up && (out == null || out.up) && move == null ? Health.up() : Health.down());
        health.withDetail("server", sftp.server()).withDetail("directory", sftp.getDirectory());
        if (move != null) {
            health.withDetail("moves", move.reason).withDetail("filesWaiting", moveFailures.size());
        }
        if (in != null) {
            health.withDetail("intake", in.up ? "UP" : in.reason).withDetail("intakeSince", in.since.toString());
        }
        if (out != null) {
            health.withDetail("writeBack", out.up ? "UP" : out.reason).withDetail("writeBackSince", out.since.toString());
        }
        return health.build();
    }

    public void intakeUp() {
        State before = intake;
        if (before == null || !before.up) {
            intake = new State(true, null, clock.instant());
            log.info("SFTP {}, directory {}: connected{}", sftp.server(), sftp.directoryInWords(),
                    before == null ? "" : " again; files are taken again");
        }
    }

    public void intakeDown(Throwable cause) {
        String reason = describe(cause);
        State before = intake;
        if (before == null || before.up || !before.reason.equals(reason)) {
            intake = new State(false, reason, clock.instant());
            log.warn("SFTP {} {}. Nothing is taken from it meanwhile; Arauto keeps trying every {}.", sftp.server(), reason,
                    words(writeBackPause));
        }
    }

    /**
     * A file's move on the server failed ({@code reason} says why, in words): said once per file, health DOWN until it
     * has moved, and the file waits twice as long as before until its next try ({@link #moveDue}).
     */
    public void moveFailed(String path, String reason) {
        MoveFailure before = moveFailures.get(path);
        int attempts = before == null ? 1 : before.attempts + 1;
        Duration wait = sftp.getPollDelay().multipliedBy(1L << Math.min(20, attempts));
        wait = wait.compareTo(LONGEST_MOVE_WAIT) > 0 ? LONGEST_MOVE_WAIT : wait;
        moveFailures.put(path, new MoveFailure(reason, attempts, clock.instant().plus(wait)));
        if (before == null) {
            log.warn("SFTP {}: {}. It stays in the inbox and nothing of it is sent again; Arauto tries again after {}, then waits "
                    + "twice as long each time, up to {} min", sftp.server(), reason, words(wait), LONGEST_MOVE_WAIT.toMinutes());
        }
    }

    /** False while a file whose move failed waits for its next try. */
    public boolean moveDue(String path) {
        MoveFailure failure = moveFailures.get(path);
        return failure == null || !clock.instant().isBefore(failure.retryAt);
    }

    /** The file has left the inbox. */
    public void moved(String path) {
        if (moveFailures.remove(path) != null && moveFailures.isEmpty()) {
            log.info("SFTP {}: files are moved to archive/ again", sftp.server());
        }
    }

    public void writeBackUp() {
        State before = writeBack;
        if (before == null || !before.up) {
            writeBack = new State(true, null, clock.instant());
            if (before != null) {
                log.info("SFTP {}: status files are written to outbox/ again", sftp.server());
            }
        }
    }

    public void writeBackFailed(Throwable cause) {
        String reason = describe(cause);
        State before = writeBack;
        lastWriteBackFailure = clock.instant();
        if (before == null || before.up || !before.reason.equals(reason)) {
            writeBack = new State(false, reason, lastWriteBackFailure);
            log.warn("SFTP {}: status files could not be written to outbox/: {}. They are written again once it works; nothing is lost.",
                    sftp.server(), reason);
        }
    }

    /** True for a while after a failed write-back, so an absent server does not slow every report round. */
    public boolean writeBackPaused() {
        State out = writeBack;
        return out != null && !out.up && clock.instant().isBefore(lastWriteBackFailure.plus(writeBackPause));
    }

    private static String words(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** True when the failure is a file's download (a file gone since it was listed), not the poll of the directory. */
    private static boolean downloading(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("retriev")) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong, in words a person can act on. */
    String describe(Throwable cause) {
        String port = String.valueOf(sftp.getPort());
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("HostKey has been changed")) {
                return "refused: its host key has CHANGED since it was added to " + sftp.knownHosts()
                        + " (this may be another machine pretending to be the server; check with its administrator before replacing the key)";
            }
            if (message.contains("reject HostKey") || message.contains("UnknownHostKey")) {
                return "refused: host key not in known_hosts (" + sftp.knownHosts() + "); if this is the right server, add its key with "
                        + "'ssh-keyscan -p " + port + " " + sftp.getHost() + " >> " + sftp.knownHosts() + "'";
            }
            if (message.contains("Auth fail") || message.contains("Auth cancel")) {
                return "refused the login of user '" + sftp.getUsername() + "': check arauto.intake.sftp.password or private-key-file, "
                        + "and that the server has the key's public half";
            }
            if (t instanceof UnknownHostException) {
                return "unreachable: unknown host '" + sftp.getHost() + "'";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || message.contains("Connection refused")) {
                return "unreachable: connection refused";
            }
            if (t instanceof SocketTimeoutException || message.contains("timeout")) {
                return "unreachable: no answer within " + words(sftp.getConnectTimeout());
            }
            if (t instanceof SftpException sftpError && sftpError.id == ChannelSftp.SSH_FX_NO_SUCH_FILE && !downloading(cause)) {
                return "failed: the directory " + sftp.directoryInWords() + " was not found on the server (a directory starting "
                        + "with / is the server's absolute path, any other is under the login folder; check "
                        + "arauto.intake.sftp.directory)";
            }
            if (message.contains("inputstream is closed") || message.contains("session is down") || message.contains("Session is down")
                    || message.contains("connection is closed") || message.contains("Broken pipe") || message.contains("Connection reset")
                    || t instanceof java.io.EOFException) {
                return "unreachable: the connection was lost";
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "failed: " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
