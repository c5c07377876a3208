package io.arauto.ledger;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A queued message printed anywhere (Camel dumps an exchange's body when it stops) never shows a full number. */
class QueuedMessageTest {

    @Test
    void printsMaskedAndWithoutItsCells() {
        QueuedMessage m = new QueuedMessage(2, 7, "+5511964978141", 0, List.of("+55 11 96497-8141", "Ana"));
        assertThat(m.toString()).contains("row=7").doesNotContain("5511964978141").doesNotContain("96497-8141").doesNotContain("Ana");
    }
}
