package io.arauto.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.arauto.crash.CampaignFile.StatusFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, point 7: the sandbox's delivered/read reports are webhook events in the ledger, not
 * memory. A campaign is sent by the sandbox, whose reports are due 15 s later; Arauto is killed
 * (SIGKILL) before any is due, started again on the same data, and every message still goes on to
 * READ, each report applied once (before, all of them stayed SENT for ever).
 */
class SandboxReportsSurviveRestartIT {

    static final int ROWS = 40;

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void reportsDueWhenArautoWasKilledArriveAfterItStartsAgain() throws Exception {
        Path data = arautos.dir().resolve("data");
        ArautoProcess.Options options = new ArautoProcess.Options()
                .dataDir(data)
                .property("arauto.provider.type", "sandbox")
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.reports.interval", "300ms")
                .property("arauto.provider.sandbox.delivered-after", "15s")
                .property("arauto.provider.sandbox.read-after", "16s")
                .property("arauto.provider.sandbox.reply-every", 0)
                .property("arauto.provider.sandbox.fail-every", 0)
                .jvm(ArautoProcess.QUICK_START);
        ArautoProcess first = arautos.start("before", options);
        CampaignFile campaign = CampaignFile.generate("sandbox-restart.csv", ROWS, new Random(10));
        campaign.drop(data);
        StatusFile sent = await("every message SENT").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> campaign.status(data), s -> s != null && s.count("SENT") == ROWS);
        assertThat(sent.count("DELIVERED") + sent.count("READ")).isZero();
        first.kill();

        arautos.start("after", options.copy());
        StatusFile read = await("every message READ after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> campaign.status(data), s -> s != null && s.count("READ") == ROWS);
        assertThat(read.rows()).allSatisfy(r -> assertThat(r.messageId()).startsWith("wamid.SANDBOX."));
    }
}
