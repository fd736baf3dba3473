package io.chard.task;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** A task whose rate limit cannot be read: present only in the context of the test that expects start-up to stop. */
@Singleton
@Requires(property = BadLimitTasks.ENABLED)
public class BadLimitTasks {
    public static final String ENABLED = "test.bad-limit-tasks";

    @Task(value = "test.badly_rated", rateLimit = "10/fortnight")
    public void badlyRated() {
    }
}
