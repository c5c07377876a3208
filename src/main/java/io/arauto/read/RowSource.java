package io.arauto.read;

import java.io.Closeable;
import java.util.Iterator;
import java.util.List;

/**
 * A spreadsheet opened for streaming: the header, then its non-blank rows in file order.
 * Blank rows are skipped but still counted in row numbers. Reading problems surface as
 * {@link UnreadableFileException} (wrapped in an unchecked {@link java.io.UncheckedIOException}
 * when they happen while iterating).
 */
public interface RowSource extends Iterator<Row>, Closeable {

    /** The header cells, trimmed, as written in the file; empty when the file has no header row. */
    List<String> header();
}
