package io.chard.admin.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import org.reactivestreams.Publisher;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a health check on a virtual thread and answers within a second whatever it does: a dependency that hangs
 * (a connection pool waiting its 5 s for PostgreSQL) is reported down at once, by name, instead of holding
 * {@code /health}. One check at a time: a request that comes while one is still running waits on the same one.
 */
final class BoundedCheck {
    private static final long ANSWER_WITHIN_MS = 1_000;
    private final String name;
    private final String dependency;
    private final Supplier<HealthResult> check;
    private CompletableFuture<HealthResult> running;

    BoundedCheck(String name, String dependency, Supplier<HealthResult> check) {
        this.name = name;
        this.dependency = dependency;
        this.check = check;
    }

    Publisher<HealthResult> result() {
        return Publishers.fromCompletableFuture(current().copy().completeOnTimeout(HealthResult.builder(name,
                HealthStatus.DOWN).details(Map.of("error", dependency + " did not answer within "
                + ANSWER_WITHIN_MS + " ms")).build(), ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS));
    }

    private synchronized CompletableFuture<HealthResult> current() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(this::checkOrDown, Thread::startVirtualThread);
        }
        return running;
    }

    private HealthResult checkOrDown() {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return HealthResult.builder(name, HealthStatus.DOWN)
                    .details(Map.of("error", dependency + " is down: " + e.getMessage())).build();
        }
    }
}
