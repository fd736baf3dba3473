package io.chard.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's variables with values it cannot use. */
class LaunchPropertiesTest {
    /**
     * {@code CHARD_HTTP_PORT=} (set but empty, as a compose file's unset {@code ${PORT}} leaves it) or a typo stops
     * {@code ./chard admin} with a NumberFormatException's stack trace, where a missing CHARD_JDBC_URL gets a
     * sentence naming the variable.
     */
    @Test
    void aPortThatIsNotANumberIsRefusedNamingTheVariable() {
        for (String port : new String[] {"", "80 80", "http"}) {
            RuntimeException refused = assertThrows(RuntimeException.class, () -> LaunchProperties.server(
                    Map.of("CHARD_JDBC_URL", "jdbc:postgresql://localhost:5432/chard", "CHARD_HTTP_PORT", port)));
            assertTrue(refused instanceof IllegalStateException && refused.getMessage().contains("CHARD_HTTP_PORT"),
                    "CHARD_HTTP_PORT='" + port + "': " + refused);
        }
    }
}
