package io.arauto.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A {@link RowSource} that reads one row ahead, so {@code hasNext()} can be asked any number of
 * times. The first non-blank row is the header; rows before it are blank and only counted.
 */
abstract class PrefetchingRowSource implements RowSource {

    private List<String> header = List.of();
    private Row next;
    private boolean exhausted;

    /** The next non-blank row with its untouched cells, or null at the end of the file. */
    protected abstract Row fetch();

    /** Reads the header row; call once, right after construction. */
    final void readHeader() throws IOException {
        try {
            Row first = fetch();
            exhausted = first == null;
            header = first == null ? List.of() : trimmed(first.cells());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** For a source whose header is not its first row (the column labels of a query). */
    final void setHeader(List<String> cells) {
        header = trimmed(cells);
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !exhausted) {
            try {
                next = fetch();
            } catch (RuntimeException e) {
                exhausted = true; // said once: whoever asks again (a splitter releasing its iterator) hears of no more rows
                throw e;
            }
            exhausted = next == null;
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
    }

    static boolean isBlank(String[] cells) {
        for (String cell : cells) {
            if (!cell.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> trimmed(List<String> cells) {
        return cells.stream().map(String::strip).toList();
    }

    /** A file with no rows at all. */
    static RowSource empty() {
        return new PrefetchingRowSource() {
            @Override
            protected Row fetch() {
                return null;
            }

            @Override
            public void close() {
                // nothing was opened
            }
        };
    }
}
