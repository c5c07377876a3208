package io.arauto.send;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pace holds across threads: no stretch of time sees more than the rate, plus a burst of a
 * tenth of a second's worth. Each slot is known only to lie between the moment its caller asked and
 * the moment it got it, so the checks only count slots whose whole wait lies inside a stretch: a
 * slow or loaded machine can make them pass more easily, never fail.
 */
class SendPacerTest {

    private static final double RATE = 20;
    private static final int BURST = 2; // a tenth of a second's worth

    @Test
    void oneThreadNeverGetsMoreThanTheBurstPlusTheRateInAnyStretch() throws InterruptedException {
        SendPacer pacer = pacer();
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            long asked = System.nanoTime();
            pacer.acquire();
            slots.add(new Slot(asked, System.nanoTime()));
        }
        assertWithinTheRate(slots);
        // 23 slots in a row: the burst (and a part of a token), then 21 that the rate lets through one per 50 ms: over 1 s
        for (int i = 0; i + 22 < slots.size(); i++) {
            assertThat(slots.get(i + 22).got() - slots.get(i).asked()).as("23 slots from slot %d", i).isGreaterThanOrEqualTo(1_000_000_000L);
        }
    }

    @Test
    void eightThreadsTogetherStayWithinTheRate() throws Exception {
        SendPacer pacer = pacer();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Slot>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            done.add(threads.submit(() -> {
                long asked = System.nanoTime();
                pacer.acquire();
                return new Slot(asked, System.nanoTime());
            }));
        }
        List<Slot> slots = new ArrayList<>();
        for (Future<Slot> f : done) {
            slots.add(f.get());
        }
        long end = System.nanoTime();
        threads.shutdown();
        // 60 slots at 20/s with a burst of 2: at least 2.9 s from the first ask to the last slot
        assertThat((end - start) / 1e9).isGreaterThanOrEqualTo((60 - BURST) / RATE);
        assertWithinTheRate(slots);
    }

    /**
     * For every stretch from one slot's ask to another's grant, the slots wholly inside it are no more than the pace allows:
     * the burst, the rate times the stretch, and less than one more (bucket4j credits a full bucket with the part of a
     * token its idle time earned, measured: 8 slots in 0.29986 s, where 2 + 20 x 0.29986 is 7.997).
     */
    private static void assertWithinTheRate(List<Slot> slots) {
        for (Slot from : slots) {
            for (Slot to : slots) {
                if (to.got() < from.asked()) {
                    continue;
                }
                long inside = slots.stream().filter(s -> s.asked() >= from.asked() && s.got() <= to.got()).count();
                double seconds = (to.got() - from.asked()) / 1e9;
                assertThat((double) inside).as("slots within %.6f s", seconds).isLessThan(BURST + 1 + RATE * seconds);
            }
        }
    }

    private static SendPacer pacer() {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setRate(RATE);
        return new SendPacer(properties);
    }

    private record Slot(long asked, long got) { }
}
