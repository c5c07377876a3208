package io.arauto.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock extension that holds a stub's answer until the test lets it go, so a test can look at
 * the app while a request is in flight without racing a fixed delay. Register it on the server and
 * give the stub {@code .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("name"))}.
 */
public final class HeldResponses implements ServeEventListener {

    public static final String NAME = "held-responses";
    private static final Duration LONGEST_HOLD = Duration.ofSeconds(60);

    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    /** The stub parameters naming the gate its answers wait at. */
    public static Parameters gate(String name) {
        return Parameters.one("gate", name);
    }

    /** The gate of that name; answers wait at it until {@link Gate#open()}. */
    public Gate gateNamed(String name) {
        return gates.computeIfAbsent(name, n -> new Gate());
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false; // only the stubs that name it
    }

    @Override
    public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
        gateNamed(parameters.getString("gate")).pass();
    }

    /** Where an answer waits: the test learns a request arrived, looks, then opens it. */
    public static final class Gate {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        private void pass() {
            arrived.countDown();
            try {
                open.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS); // never held for ever, whatever the test does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** True once a request has reached the gate (its answer is held there), false if none came within {@code atMost}. */
        public boolean awaitRequest(Duration atMost) throws InterruptedException {
            return arrived.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets every held answer, and all later ones, go. */
        public void open() {
            open.countDown();
        }
    }
}
