package io.chard.task;

import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A unique declaration that cannot work stops the start-up with a message naming the task and the fault. */
class UniqueDeclarationTest {

    @Test
    void aPeriodOfZeroStopsTheStartUp() {
        assertStartUpRefused("period", "task 'test.bad_period': unique = FOR_PERIOD needs uniqueFor > 0 seconds");
    }

    @Test
    void aKeyNamingNoParameterStopsTheStartUp() {
        assertStartUpRefused("key", "task 'test.bad_key': uniqueKey 'order' names no parameter");
    }

    @Test
    void aKeyOnATaskThatIsNotUniqueStopsTheStartUp() {
        assertStartUpRefused("not-unique", "task 'test.bad_plain': uniqueKey and uniqueFor need unique =");
    }

    private static void assertStartUpRefused(String variant, String expected) {
        Map<String, Object> properties = TestRedis.properties();
        properties.put("test.bad-unique", variant);
        Throwable error = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains(expected), messages.toString());
    }
}
