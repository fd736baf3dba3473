package io.chard.task;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Unique declarations that cannot work, each in a context of its own ({@code test.bad-unique}). */
final class BadUniqueTasks {
    private BadUniqueTasks() {
    }

    @Singleton
    @Requires(property = "test.bad-unique", value = "period")
    public static class PeriodWithoutDuration {
        @Task(value = "test.bad_period", unique = Unique.FOR_PERIOD)
        public void run() {
        }
    }

    @Singleton
    @Requires(property = "test.bad-unique", value = "key")
    public static class KeyNamingNoParameter {
        @Task(value = "test.bad_key", unique = Unique.WHILE_PENDING, uniqueKey = "order")
        public void run(String orderId) {
        }
    }

    @Singleton
    @Requires(property = "test.bad-unique", value = "not-unique")
    public static class KeyWithoutUnique {
        @Task(value = "test.bad_plain", uniqueKey = "orderId")
        public void run(String orderId) {
        }
    }
}
