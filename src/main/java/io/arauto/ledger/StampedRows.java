package io.arauto.ledger;

import java.time.Instant;
import java.util.AbstractList;
import java.util.List;

import io.arauto.verdict.JudgedRow;

/**
 * A batch of judged rows with the time the ledger stamps them with ({@link MessageLedger#stamp}): what
 * {@link MessageLedger#insert(long, StampedRows)} stores, and, through {@link #lines}, the status report's lines
 * a read of the ledger would give for them while nothing has changed them.
 */
public record StampedRows(List<JudgedRow> rows, Instant at) {

    /**
     * The rows as {@link MessageLedger#withLines} reads them back once inserted, each made on demand by whoever
     * reads it (the report's thread, not the intake's): the same truncated phone and reason, no error code or
     * message id yet, {@link #at} as the time.
     */
    public List<StatusLine> lines() {
        return new AbstractList<>() {
            @Override
            public StatusLine get(int index) {
                return MessageLedger.asInserted(rows.get(index), at);
            }

            @Override
            public int size() {
                return rows.size();
            }
        };
    }
}
