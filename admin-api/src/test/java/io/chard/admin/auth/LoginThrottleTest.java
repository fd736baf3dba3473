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
            assertTrue(throttle.attempt(i + "x".repeat(1 << 20), "192.0.2.1").isEmpty());
        }
        assertEquals(1, throttle.tracked(), "only the address is kept");
        assertTrue(throttle.attempt("viewer", "192.0.2.1").isPresent(), "the address is limited");
        assertTrue(throttle.attempt("x".repeat(1 << 20), "192.0.2.2").isEmpty());
    }

    /** Attempts whose passwords are still being checked count already: a burst sent at once gets the limit, no more. */
    @Test
    void attemptsAreCountedBeforeTheirPasswordsAreChecked() {
        for (int i = 0; i < LoginThrottle.MAX_PER_USER; i++) {
            assertTrue(throttle.attempt("guessed", "192.0.2.1").isEmpty());
        }
        assertTrue(throttle.attempt("guessed", "192.0.2.1").isPresent());
    }

    /** A right password gives its attempt back: people signing in from one address never lock that address. */
    @Test
    void aSuccessfulLoginDoesNotCountAgainstItsAddress() {
        for (int i = 0; i < 3 * LoginThrottle.MAX_PER_ADDRESS; i++) {
            assertTrue(throttle.attempt("user-" + i, "192.0.2.1").isEmpty(), "login " + i);
            throttle.succeeded("user-" + i, "192.0.2.1");
        }
    }
}
