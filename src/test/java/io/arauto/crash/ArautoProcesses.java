package io.arauto.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Arauto processes of one test and what they need ({@code @RegisterExtension}). Each test gets a
 * temporary folder for data and logs, kept when the test fails (its path is printed) and deleted
 * when it passes. After the test, any Arauto still running is killed, then the other resources
 * (WireMock, PostgreSQL) are closed, and the logs of every Arauto of the test are checked: an
 * unexpected ERROR or stack trace, an OutOfMemoryError or a full phone number fails the test.
 */
public final class ArautoProcesses implements BeforeEachCallback, AfterEachCallback {

    private final List<ArautoProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>(); // tests may start several at once
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Path dir;
    private String testName;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        testName = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        dir = Files.createTempDirectory("arauto-" + context.getRequiredTestMethod().getName() + "-");
        System.out.println(testName + ": working in " + dir);
    }

    /** This test's temporary folder. */
    public Path dir() {
        return dir;
    }

    /** Starts an Arauto; its log is {@code <dir>/logs/<name>.log}. */
    public ArautoProcess start(String name, ArautoProcess.Options options) throws IOException {
        ArautoProcess arauto = ArautoProcess.start(name, options, dir.resolve("logs").resolve(name + ".log"));
        started.add(arauto);
        System.out.println(testName + ": started " + arauto);
        return arauto;
    }

    /** Closed after the test, once every Arauto is gone, in the reverse order of registering. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<String> problems = new ArrayList<>();
        for (ArautoProcess arauto : started) {
            if (arauto.isAlive()) {
                arauto.kill();
            }
        }
        for (ArautoProcess arauto : started) {
            for (String problem : arauto.problems()) {
                problems.add(arauto.log() + ":\n" + problem);
            }
        }
        Exception closing = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (closing == null) {
                    closing = e;
                } else {
                    closing.addSuppressed(e);
                }
            }
        }
        boolean failed = context.getExecutionException().isPresent() || !problems.isEmpty() || closing != null;
        if (failed) {
            System.out.println(testName + ": FAILED; data and logs kept in " + dir);
        } else {
            deleteQuietly(dir);
        }
        if (!problems.isEmpty()) {
            String shown = String.join("\n\n", problems.subList(0, Math.min(5, problems.size())));
            AssertionError error = new AssertionError(problems.size() + " unexpected problem(s) in Arauto's log (logs kept in "
                    + dir + "), the first:\n" + shown);
            context.getExecutionException().ifPresent(error::addSuppressed);
            throw error;
        }
        if (closing != null) {
            throw closing;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
