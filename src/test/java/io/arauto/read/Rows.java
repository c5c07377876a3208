package io.arauto.read;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for reading a whole {@link RowSource} and watching open file handles. */
final class Rows {

    private Rows() {
    }

    static List<Row> all(RowSource source) {
        List<Row> rows = new ArrayList<>();
        source.forEachRemaining(rows::add);
        return rows;
    }

    /** How many of this process's file descriptors point at {@code file} (Linux /proc only). */
    static long openHandles(Path file) throws IOException {
        Path target = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false; // the descriptor closed while we looked
                }
            }).count();
        }
    }

    static boolean canCountHandles() {
        return Files.isDirectory(Path.of("/proc/self/fd"));
    }
}
