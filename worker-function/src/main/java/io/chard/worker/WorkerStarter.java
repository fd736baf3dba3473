package io.chard.worker;

import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** Starts the long-lived worker with the application when {@code chard.worker.enabled} is true. */
@Singleton
@Requires(property = ChardSettings.WORKER_ENABLED, value = "true")
class WorkerStarter {
    private final Worker worker;

    WorkerStarter(Worker worker) {
        this.worker = worker;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        worker.start();
    }
}
