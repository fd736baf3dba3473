package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's slot arithmetic, without Redis. */
class SlotsTest {

    @Test
    void anIdleWorkerLeasesEverySlotItHasInOneCall() throws Exception {
        Slots slots = new Slots(16, 4, 256);
        assertEquals(20, slots.takeForLease());
        assertEquals(0, slots.freeLeaseSlots());
    }

    @Test
    void oneCallNeverAsksForMoreThanTheLeaseBatch() throws Exception {
        Slots slots = new Slots(10, 0, 4);
        assertEquals(4, slots.takeForLease());
        assertEquals(6, slots.freeLeaseSlots());
    }

    @Test
    void whenNoSlotIsFreeARoundTakesNothingAfterAShortWait() throws Exception {
        Slots slots = new Slots(1, 0, 256);
        assertEquals(1, slots.takeForLease());
        long started = System.nanoTime();
        assertEquals(0, slots.takeForLease());
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMillis >= Slots.FIRST_SLOT_WAIT_MILLIS - 20, waitedMillis + " ms");
    }

    @Test
    void slotsALeaseDidNotFillAreFreeForTheNextRound() throws Exception {
        Slots slots = new Slots(8, 0, 256);
        int taken = slots.takeForLease();
        slots.returnLeaseSlots(taken - 3);
        assertEquals(5, slots.freeLeaseSlots());
        slots.returnLeaseSlots(0);
        assertEquals(5, slots.freeLeaseSlots());
    }

    @Test
    void aSingleFreedSlotIsLeasedAloneWhenNoMoreFreeUpWithinTheLinger() throws Exception {
        Slots slots = new Slots(8, 0, 256);
        slots.takeForLease();
        slots.free(false);
        assertEquals(1, slots.takeForLease());
    }

    @Test
    void slotsFreedWhileItLingersJoinTheBatch() throws Exception {
        Slots slots = new Slots(8, 0, 256);
        slots.takeForLease();
        slots.free(false);
        slots.free(false);
        slots.free(false);
        assertEquals(3, slots.takeForLease(), "three free slots; a quarter of eight is two, already reached");
    }

    @Test
    void prefetchedExecutionsWaitForARunSlotAndEndingOneFreesBoth() throws Exception {
        Slots slots = new Slots(1, 1, 256);
        assertEquals(2, slots.takeForLease());
        slots.acquireRun();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                slots.acquireRun();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(second.isDone(), "the prefetched execution waits while the only run slot is held");
        slots.free(true);
        second.get(5, TimeUnit.SECONDS);
        assertEquals(1, slots.freeLeaseSlots());
        assertEquals(0, slots.freeRunSlots());
    }

    @Test
    void anExecutionThatEndedBeforeItRanFreesOnlyItsLeaseSlot() throws Exception {
        Slots slots = new Slots(2, 0, 256);
        slots.takeForLease();
        slots.free(false);
        assertEquals(1, slots.freeLeaseSlots());
        assertEquals(2, slots.freeRunSlots());
    }

    @Test
    void aWorkerStartsWithAsManyLeasedAheadAsItHasRunSlots() throws Exception {
        Slots slots = new Slots(16, 256, 512);
        assertEquals(16, slots.prefetch());
        assertEquals(32, slots.takeForLease());
    }

    @Test
    void theFirstRoundLeasesOneAheadPerRunSlotHoweverLongAfterTheStartItComes() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Slots slots = new Slots(16, 256, 512, nanos::get);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // the rest of the start-up, or a function's first event
        assertEquals(32, slots.takeForLease(), "sixteen run slots and sixteen ahead, not cut to one by the wait");
        assertEquals(16, slots.prefetch());
    }

    @Test
    void anIdleSpellTakesThePrefetchBackToOnePerRunSlot() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Slots slots = new Slots(4, 100, 1000, nanos::get);
        cycleEveryMillisecond(slots, nanos, 51);
        assertEquals(80, slots.prefetch(), "a burst of short tasks");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1)); // nothing held, nothing ended
        assertEquals(8, slots.takeForLease(), "the next tasks may be long: four run slots and four ahead");
        assertEquals(4, slots.prefetch());
    }

    @Test
    void aWorkerFinishingShortTasksLeasesAheadWhatItFinishesInTenMillisecondsUpToItsSetting() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Slots slots = new Slots(4, 100, 1000, nanos::get);
        // Each millisecond it leases every free slot and finishes them all: 8 a millisecond is 80 in ten, which
        // the round after the window's 50 ms takes on.
        cycleEveryMillisecond(slots, nanos, 51);
        assertEquals(80, slots.prefetch());
        // Now 84 a millisecond: more than the setting allows.
        cycleEveryMillisecond(slots, nanos, 49);
        assertEquals(104, slots.takeForLease(), "four run slots and a hundred ahead");
        assertEquals(100, slots.prefetch());
    }

    @Test
    void aWorkerFinishingLongTasksLeasesOneAheadAndKeepsWhatItHolds() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Slots slots = new Slots(4, 100, 1000, nanos::get);
        assertEquals(8, slots.takeForLease());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < 4; i++) {
            slots.free(true);
        }
        // Four ended in a second; four prefetched ones hold their slots while the prefetch falls to one.
        assertEquals(1, slots.takeForLease());
        assertEquals(1, slots.prefetch());
        assertEquals(0, slots.freeLeaseSlots());
        slots.free(true);
        assertEquals(1, slots.takeForLease(), "what one end frees, with five held and five the capacity now");
    }

    @Test
    void aWorkerSetToPrefetchNothingLeasesOnlyForItsRunSlotsHoweverFastItFinishes() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Slots slots = new Slots(4, 0, 1000, nanos::get);
        cycleEveryMillisecond(slots, nanos, 100);
        assertEquals(0, slots.prefetch());
        assertEquals(4, slots.takeForLease());
    }

    /** Leases every free slot and ends them all, once a millisecond. */
    private static void cycleEveryMillisecond(Slots slots, AtomicLong nanos, int millis) throws Exception {
        for (int i = 0; i < millis; i++) {
            int taken = slots.takeForLease();
            for (int j = 0; j < taken; j++) {
                slots.free(false);
            }
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
