package io.chard.worker;

import io.chard.broker.LimitDeclarations;
import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/**
 * Starts the long-lived worker with the application when {@code chard.worker.enabled} is true, after writing its
 * tasks' rate limits and caps to Redis, where the lease scripts of every worker read them.
 */
@Singleton
@Requires(property = ChardSettings.WORKER_ENABLED, value = "true")
class WorkerStarter {
    private final Worker worker;
    private final LimitDeclarations limits;

    WorkerStarter(Worker worker, LimitDeclarations limits) {
        this.worker = worker;
        this.limits = limits;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        limits.declare();
        worker.start();
    }
}
