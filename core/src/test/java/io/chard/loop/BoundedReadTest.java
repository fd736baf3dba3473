package io.chard.loop;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedReadTest {

    @Test
    void aReadThatHangsIsAnsweredLateAndAsksMeanwhileShareItInsteadOfStartingMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        BoundedRead<String> read = new BoundedRead<>(Duration.ofMillis(50), () -> {
            reads.incrementAndGet();
            await(release);
            return "answered";
        });

        assertEquals("late", read.await("late"));
        assertEquals("late", read.await("late"));
        assertEquals("late", read.within("late").get());
        assertEquals(1, reads.get(), "one read in flight, whoever asks");

        release.countDown();
        assertEquals("answered", read.within("late").get(), "the read in flight once it lands (or a new one)");
        int landed = reads.get();
        assertEquals("answered", read.within("late").get());
        assertEquals(landed + 1, reads.get(), "a finished read is not answered again: the next ask reads anew");
    }

    @Test
    void whatTheReadThrowsIsThrownToTheAskerAsItWas() {
        BoundedRead<String> read = new BoundedRead<>(Duration.ofSeconds(5), () -> {
            throw new IllegalStateException("down");
        });
        assertEquals("down", assertThrows(IllegalStateException.class, () -> read.await("late")).getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
