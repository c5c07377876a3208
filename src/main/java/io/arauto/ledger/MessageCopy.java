package io.arauto.ledger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One batch of message rows for PostgreSQL's {@code COPY message (...) FROM STDIN (FORMAT binary)},
 * sent through PgJDBC's {@code CopyManager} on the connection of the caller's transaction: the rows
 * are committed (or rolled back) with whatever else that transaction does, as the batched insert
 * they replace. The binary format carries every value as its bytes with their length in front, so
 * no text needs escaping: backslashes, tabs, newlines and quotes arrive as they were. An intake of
 * a million rows with one {@code INSERT} per row spends most of its time on the round trips and the
 * per-statement work of the server; one {@code COPY} per batch does not.
 *
 * <p>The format (PostgreSQL's "COPY", "Binary Format"): a signature, flags and header extension,
 * then per row the number of fields and each field as a 32-bit length (-1 for null) and its
 * bytes in the type's binary form (big-endian), then -1 as a 16-bit trailer.
 */
final class MessageCopy {

    static final String SQL = "copy message (id, campaign_id, row_num, phone, phone_e164, status, reason, updated_at, input) "
            + "from stdin (format binary)";

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final short FIELDS = 9;
    /** timestamptz counts microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();

    private byte[] buffer;
    private int length;
    private int rows;

    MessageCopy(int expectedRows) {
        buffer = new byte[Math.max(1024, expectedRows * 256)];
        put(SIGNATURE);
        putInt(0); // flags: no OIDs
        putInt(0); // no header extension
    }

    /** Whether {@code connection} is PostgreSQL's (through the pool's wrapper). */
    static boolean possible(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** One message row, in the column order of {@link #SQL}. */
    void row(long id, long campaignId, int rowNum, String phone, String e164, String status, String reason, Instant updatedAt,
             String input) {
        putShort(FIELDS);
        putInt(8);
        putLong(id);
        putInt(8);
        putLong(campaignId);
        putInt(4);
        putInt(rowNum);
        putText(phone);
        putText(e164);
        putText(status);
        putText(reason);
        putInt(8);
        putLong(micros(updatedAt));
        putText(input);
        rows++;
    }

    /** Sends the rows on {@code connection}, in its current transaction; returns how many the server took. */
    long into(Connection connection) throws SQLException {
        putShort((short) -1);
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SQL);
        try {
            copy.writeToCopy(buffer, 0, length);
            long copied = copy.endCopy();
            if (copied != rows) {
                throw new SQLException("PostgreSQL took " + copied + " of " + rows + " rows of the batch");
            }
            return copied;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy(); // leaves the connection usable for the rollback
            }
        }
    }

    /**
     * The instant as PgJDBC's {@code setTimestamp} sends it (microseconds, half a microsecond rounded up), so both
     * ways of writing a row store the same time.
     */
    static long micros(Instant at) {
        long seconds = at.getEpochSecond() - POSTGRES_EPOCH_SECONDS;
        return seconds * 1_000_000L + (at.getNano() + 500) / 1000;
    }

    private void putText(String text) {
        if (text == null) {
            putInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length);
        put(bytes);
    }

    private void put(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void putShort(short value) {
        room(2);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putInt(int value) {
        room(4);
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    private void room(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
