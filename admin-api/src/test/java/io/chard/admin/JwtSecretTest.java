package io.chard.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CHARD_JWT_SECRET: unset, a random one per process; set, used as it is, and refused when too short to be safe. */
class JwtSecretTest {

    /** A short secret was replaced by a random one per process: sessions then failed at random across instances. */
    @Test
    void aSecretSetButShorterThan32CharactersStopsTheStartNamingTheVariable() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AdminMain.jwtSecret("too-short"));
        assertTrue(refused.getMessage().contains("CHARD_JWT_SECRET must hold at least 32 characters"),
                refused.getMessage());
    }

    @Test
    void anUnsetSecretIsDrawnAtRandomAndASetOneIsKept() {
        assertNotEquals(AdminMain.jwtSecret(""), AdminMain.jwtSecret(""));
        String configured = "x".repeat(32);
        assertEquals(configured, AdminMain.jwtSecret(configured));
    }
}
