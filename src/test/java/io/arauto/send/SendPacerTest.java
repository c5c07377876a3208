package io.arauto.send;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The pace holds across threads: no one-second window ever sees more than the rate. */
class SendPacerTest {

    @Test
    void eightThreadsTogetherStayWithinTheRate() throws Exception {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setRate(20);
        SendPacer pacer = new SendPacer(properties);
        List<Long> slots = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            done.add(threads.submit(() -> {
                pacer.acquire();
                slots.add(System.nanoTime());
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();
        List<Long> sorted = slots.stream().sorted().toList();
        // 60 slots at 20/s with a burst of 2: at least 2.9 s from first to last
        assertThat((sorted.get(59) - sorted.get(0)) / 1e9).isGreaterThanOrEqualTo(2.85);
        for (int i = 0; i + 22 < sorted.size(); i++) { // any 23 consecutive slots span at least a second
            assertThat(sorted.get(i + 22) - sorted.get(i)).isGreaterThanOrEqualTo(990_000_000L);
        }
    }
}
