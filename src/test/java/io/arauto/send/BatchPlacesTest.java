package io.arauto.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Two batches wait for the sender threads at a time; one's place is free once its last message is taken, or once it is done. */
class BatchPlacesTest {

    private final BatchPlaces places = new BatchPlaces();

    @Test
    void aBatchWhoseMessagesAreAllTakenMakesWayBeforeItsAnswersCome() throws Exception {
        List<String> first = List.of("a", "b", "c");
        List<String> second = List.of("d", "e");
        places.handedOver(first);
        places.handedOver(second);
        assertThat(places.awaitPlace(TimeUnit.MILLISECONDS.toNanos(50), () -> false)).as("two batches wait").isFalse();

        CompletableFuture<Boolean> next = CompletableFuture.supplyAsync(() -> {
            try {
                return places.awaitPlace(TimeUnit.SECONDS.toNanos(30), () -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(places.taken(first)).isFalse();
        assertThat(places.taken(first)).isFalse();
        assertThat(next).isNotDone();
        assertThat(places.taken(first)).as("its last message").isTrue();

        assertThat(next.get(10, TimeUnit.SECONDS)).as("the waiting taker is let through at once").isTrue();
        assertThat(places.free(first)).as("done with later: nothing more to free").isFalse();
        assertThat(places.held()).isEqualTo(1);
    }

    @Test
    void aBatchDoneWithBeforeEveryMessageWasCountedFreesItsPlaceAllTheSame() throws Exception {
        List<String> first = List.of("a", "b");
        places.handedOver(first);
        places.handedOver(List.of("c"));
        places.taken(first);

        assertThat(places.free(first)).isTrue();
        assertThat(places.taken(first)).as("a late count changes nothing").isFalse();
        assertThat(places.awaitPlace(0, () -> false)).isTrue();
        assertThat(places.held()).isEqualTo(1);
    }

    @Test
    void aStopEndsTheWait() throws Exception {
        places.handedOver(List.of("a"));
        places.handedOver(List.of("b"));
        assertThat(places.awaitPlace(TimeUnit.SECONDS.toNanos(30), () -> true)).isFalse();
    }
}
