package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
}
