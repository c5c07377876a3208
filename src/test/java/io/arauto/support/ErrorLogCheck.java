package io.arauto.support;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * Fails a test when anything logged an ERROR or a stack trace (or a thread died of an uncaught
 * exception) that the test did not declare with {@link ExpectedErrorLog}: an app that logs
 * {@code DuplicateKeyException} behind a green test is not working.
 * <p>
 * Checked after each test, for what was logged since the previous check of its class (so a
 * context's start counts for the class's first test), and once more after the class, when a
 * context of its own has been closed. Register it before the Spring extension
 * ({@code @ExtendWith(ErrorLogCheck.class)} above {@code @SpringBootTest}), so that its mark is
 * set before the context starts and its last check runs after the context stopped.
 */
public final class ErrorLogCheck implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ErrorLogCheck.class);
    private static final String MARK = "mark";

    @Override
    public void beforeAll(ExtensionContext classContext) {
        classContext.getStore(NAMESPACE).put(MARK, ErrorLogRecorder.mark());
    }

    @Override
    public void afterEach(ExtensionContext testContext) {
        List<ExpectedErrorLog> allowed = new ArrayList<>(onClass(testContext.getRequiredTestClass()));
        allowed.addAll(AnnotationSupport.findRepeatableAnnotations(testContext.getRequiredTestMethod(), ExpectedErrorLog.class));
        check(testContext.getParent().orElseThrow(), allowed, "while " + testContext.getDisplayName() + " ran (or since the test before it)");
    }

    @Override
    public void afterAll(ExtensionContext classContext) {
        check(classContext, onClass(classContext.getRequiredTestClass()), "after the last test of " + classContext.getDisplayName());
    }

    /** What the class allows: its own annotations, its superclasses', and those of annotations on them. */
    private static List<ExpectedErrorLog> onClass(Class<?> testClass) {
        List<ExpectedErrorLog> allowed = new ArrayList<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            allowed.addAll(AnnotationSupport.findRepeatableAnnotations((AnnotatedElement) c, ExpectedErrorLog.class));
        }
        return allowed;
    }

    private static void check(ExtensionContext classContext, List<ExpectedErrorLog> allowed, String when) {
        if (!ErrorLogRecorder.isRecording()) {
            throw new AssertionFailedError("ErrorLogRecorder is not attached to Logback's root logger (see src/test/resources/"
                    + "logback-test.xml), so ERROR lines and stack traces would go unnoticed");
        }
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        long mark = store.getOrComputeIfAbsent(MARK, key -> ErrorLogRecorder.mark(), Long.class);
        List<ErrorLogRecorder.Event> logged = ErrorLogRecorder.since(mark);
        if (!logged.isEmpty()) {
            store.put(MARK, logged.get(logged.size() - 1).seq());
        }
        List<ErrorLogRecorder.Event> unexpected = logged.stream().filter(e -> allowed.stream().noneMatch(a -> matches(a, e))).toList();
        if (!unexpected.isEmpty()) {
            throw new AssertionFailedError(unexpected.size() + " unexpected ERROR line(s) or stack trace(s) " + when + ":\n"
                    + unexpected.stream().map(e -> "  " + e).collect(Collectors.joining("\n"))
                    + "\nEach is a bug, unless the test provokes it on purpose: then declare it on the test with "
                    + "@ExpectedErrorLog(logger = ..., containing = ..., because = ...).");
        }
    }

    static boolean matches(ExpectedErrorLog allowed, ErrorLogRecorder.Event event) {
        return event.logger().startsWith(allowed.logger()) && event.text().contains(allowed.containing());
    }
}
