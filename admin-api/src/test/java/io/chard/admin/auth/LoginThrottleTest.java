package io.chard.admin.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle's own bookkeeping, on a fixed clock. */
class LoginThrottleTest {
    private final LoginThrottle throttle = new LoginThrottle(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    /**
     * An anonymous caller failing logins with names of megabytes: no account can have such a name, so only the
     * address is kept, and it is still limited.
     */
    @Test
    void aNameNoAccountCanHaveCountsAgainstTheAddressAndIsNotKept() {
        for (int i = 0; i < LoginThrottle.MAX_PER_ADDRESS; i++) {
            throttle.failed(i + "x".repeat(1 << 20), "192.0.2.1");
        }
        assertEquals(1, throttle.tracked(), "only the address is kept");
        assertTrue(throttle.wait("viewer", "192.0.2.1").isPresent(), "the address is limited");
        assertTrue(throttle.wait("x".repeat(1 << 20), "192.0.2.2").isEmpty());
    }
}
