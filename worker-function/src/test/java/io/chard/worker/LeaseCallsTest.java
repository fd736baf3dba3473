package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a heartbeat's "lost" verdict is acted on, relative to the lease calls in flight; without Redis. */
class LeaseCallsTest {

    @Test
    void aVerdictWithNoLeaseCallInFlightIsActedOnAtOnce() {
        LeaseCalls calls = new LeaseCalls();
        AtomicInteger acted = new AtomicInteger();
        calls.afterLeasesInFlight(acted::incrementAndGet);
        assertEquals(1, acted.get());
    }

    @Test
    void aVerdictWaitsUntilEveryLeaseCallInFlightHandedOnWhatItLeased() {
        LeaseCalls calls = new LeaseCalls();
        AtomicInteger acted = new AtomicInteger();
        calls.sending();
        calls.sending();
        calls.afterLeasesInFlight(acted::incrementAndGet);
        calls.handedOn();
        assertEquals(0, acted.get(), "one call is still in flight");
        calls.handedOn();
        assertEquals(1, acted.get());
        calls.sending();
        calls.handedOn();
        assertEquals(1, acted.get(), "a verdict is acted on once");
    }
}
