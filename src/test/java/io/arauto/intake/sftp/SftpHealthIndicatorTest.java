package io.arauto.intake.sftp;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.jcraft.jsch.JSchException;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The SFTP health says what is wrong in words a person can act on, and the log says it once per change. */
@ExtendWith(OutputCaptureExtension.class)
class SftpHealthIndicatorTest {

    private final ArautoProperties.Sftp sftp = sftp();
    private Instant now = Instant.parse("2026-03-02T03:00:00Z");
    private final SftpHealthIndicator health = new SftpHealthIndicator(sftp, new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void reasonsNameTheFix() {
        assertThat(health.describe(failed(new JSchException("Auth fail"))))
                .isEqualTo("refused the login of user 'arauto': check arauto.intake.sftp.password or private-key-file, "
                        + "and that the server has the key's public half");
        assertThat(health.describe(failed(new JSchException("reject HostKey: sftp.example"))))
                .contains("host key not in known_hosts (/etc/arauto/known_hosts)", "ssh-keyscan -p 2222 sftp.example >> /etc/arauto/known_hosts");
        assertThat(health.describe(failed(new JSchException("HostKey has been changed: [sftp.example]:2222"))))
                .contains("CHANGED", "check with its administrator");
        assertThat(health.describe(failed(new JSchException("java.net.UnknownHostException: sftp.example", new UnknownHostException("sftp.example")))))
                .isEqualTo("unreachable: unknown host 'sftp.example'");
        assertThat(health.describe(failed(new JSchException("timeout: socket is not established"))))
                .isEqualTo("unreachable: no answer within 10 s");
        assertThat(health.describe(failed(new IllegalStateException("something else")))).isEqualTo("failed: IllegalStateException: something else");
    }

    @Test
    void downOnceUpOnceAndTheDetailsSayWhy(CapturedOutput log) {
        assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
        health.intakeUp();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        for (int poll = 0; poll < 5; poll++) {
            health.intakeDown(failed(new JSchException("java.net.ConnectException: Connection refused")));
        }
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsEntry("server", "sftp.example:2222")
                .containsEntry("intake", "unreachable: connection refused");
        health.intakeUp();
        health.intakeUp();
        assertThat(log.getAll().split("unreachable: connection refused", -1)).hasSize(2);
        assertThat(log.getAll().split("connected again", -1)).hasSize(2);
    }

    @Test
    void aFailedWriteBackPausesWriteBacksForABackoffAndMakesTheHealthDown() {
        health.intakeUp();
        health.writeBackFailed(failed(new JSchException("java.net.ConnectException: Connection refused")));
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.writeBackPaused()).isTrue();
        now = now.plus(Duration.ofSeconds(29)); // poll-delay 5 s × backoff-multiplier 6
        assertThat(health.writeBackPaused()).isTrue();
        now = now.plus(Duration.ofSeconds(1));
        assertThat(health.writeBackPaused()).isFalse();
        health.writeBackUp();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    /**
     * Issue 12, point 17: a file on the server that cannot be moved is said once, shows under "moves", and waits twice as
     * long at each failure (poll delay 5 s: 10 s, 20 s, 40 s, … up to 5 minutes) instead of being read again at every poll.
     */
    @Test
    void aFileThatCannotBeMovedWaitsTwiceAsLongAtEachFailureAndIsSaidOnce(CapturedOutput log) {
        health.intakeUp();
        String path = "/inbox/aviso_simples/recusado.csv";
        String reason = "aviso_simples/recusado.csv could not be moved to error/: permission denied";
        assertThat(health.moveDue(path)).isTrue();
        for (int seconds : new int[] {10, 20, 40, 80}) {
            health.moveFailed(path, reason);
            assertThat(health.moveDue(path)).as("at once after a failure").isFalse();
            now = now.plus(Duration.ofSeconds(seconds)).minusMillis(1);
            assertThat(health.moveDue(path)).as("%s s less 1 ms after it", seconds).isFalse();
            now = now.plusMillis(1);
            assertThat(health.moveDue(path)).as("%s s after it", seconds).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            health.moveFailed(path, reason);
        }
        now = now.plus(Duration.ofMinutes(5)).minusMillis(1);
        assertThat(health.moveDue(path)).as("never more than 5 minutes, never less either").isFalse();
        now = now.plusMillis(1);
        assertThat(health.moveDue(path)).isTrue();

        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsEntry("moves", reason).containsEntry("filesWaiting", 1);
        assertThat(log.getAll().split("could not be moved to error/", -1)).as("the cause, said once").hasSize(2);
        health.moved(path);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    private static Exception failed(Exception cause) {
        return new GenericFileOperationFailedException("Cannot connect to sftp://arauto@sftp.example:2222", cause);
    }

    private static ArautoProperties.Sftp sftp() {
        ArautoProperties.Sftp sftp = new ArautoProperties.Sftp();
        sftp.setHost("sftp.example");
        sftp.setPort(2222);
        sftp.setUsername("arauto");
        sftp.setPassword("never-in-a-reason");
        sftp.setKnownHostsFile(Path.of("/etc/arauto/known_hosts"));
        return sftp;
    }
}
