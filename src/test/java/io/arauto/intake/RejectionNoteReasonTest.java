package io.arauto.intake;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import io.arauto.config.ArautoProperties;
import io.arauto.optout.CrmUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/** The reason a rejection note gives is in plain words: never an exception's name, a log to read, or a database's own text. */
class RejectionNoteReasonTest {

    private final RejectionNote note = new RejectionNote(new ArautoProperties());

    @Test
    void anUnexpectedFailureSaysItWasArautosSideWithoutNamingTheErrorOrQuotingTheDatabase() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open", new IllegalStateException("bean failed",
                new IllegalArgumentException("bad value +5511987654321")));

        assertThat(note.reason(wrapped)).contains("unexpected error on its side", "Nothing of it will be sent")
                .doesNotContain("Exception").doesNotContain("log").doesNotContain("5511987654321");
    }

    @Test
    void aLedgerThatCannotBeWrittenIsSaidInPlainWords() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open",
                new DataAccessResourceFailureException("closed", new SQLException("Unique index violation: +5511987654321")));

        assertThat(note.reason(wrapped)).startsWith("Arauto's ledger").contains("could not be written", "Drop it again once the ledger is back")
                .doesNotContain("Exception").doesNotContain("5511987654321");
    }

    @Test
    void aCrmThatCannotBeReadIsSaidInPlainWordsWhereverItIsInTheChain() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open",
                new CrmUnavailableException(new IllegalStateException("pool", new ConnectException("Connection refused"))));

        assertThat(note.reason(wrapped)).startsWith("Arauto could not read the CRM's opt-out list (the CRM database could not be reached)")
                .contains("nothing of this file was judged or sent", "once the CRM can be read")
                .doesNotContain("Exception");
    }

    @Test
    void aCrmQueryTheCrmRefusesPointsAtTheQuery() {
        Throwable refused = new CrmUnavailableException(new SQLException("Table \"OPTOUT\" not found", "42S02"));
        assertThat(note.reason(refused)).contains("refused arauto.optout.query");
    }

    /** Issue 12: the DEBUG line of an unexpected failure printed the whole cause, a database's text quoting full phones included. */
    @Test
    void whereAnUnexpectedErrorCameFromLeavesTheMessagesOut() {
        Throwable wrapped = new RuntimeException("Failed to invoke method: open", new IllegalStateException(
                "Unique index violation: PRIMARY KEY ON MESSAGE(ID) ( /* key:3 */ 3, 2, '+5511987654321')"));
        String where = RejectionNote.whereFrom(wrapped);
        assertThat(where).contains("java.lang.RuntimeException", "caused by java.lang.IllegalStateException", "at io.arauto")
                .doesNotContain("5511987654321").doesNotContain("violation");
    }
}
