package io.arauto.intake;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.arauto.optout.CrmUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/** The reason a rejection note gives names what failed, not what wrapped it on the way out of a route. */
class FileIntakeReasonTest {

    @Test
    void anUnexpectedFailureIsNamedByItsRootCauseNotByTheWrapperAroundIt() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open", new IllegalStateException("bean failed",
                new SQLException("Unique index or primary key violation: row with +5511987654321")));

        assertThat(FileIntake.reasonFor(wrapped)).contains("(SQLException;").doesNotContain("RuntimeException")
                .doesNotContain("5511987654321");
    }

    @Test
    void aCrmThatCannotBeReadIsSaidInPlainWordsWhereverItIsInTheChain() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open",
                new CrmUnavailableException(new IllegalStateException("pool", new ConnectException("Connection refused"))));

        assertThat(FileIntake.reasonFor(wrapped)).startsWith("Arauto could not read the CRM's opt-out list (ConnectException)")
                .contains("nothing of this file was judged or sent", "once the CRM can be read");
    }
}
