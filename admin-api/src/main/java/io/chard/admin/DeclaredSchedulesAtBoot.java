package io.chard.admin;

import io.chard.beat.DeclaredSchedules;
import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** admin-api merges the code-declared schedules at boot too, so they are listed even before a beat runs. */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
class DeclaredSchedulesAtBoot {
    private final DeclaredSchedules declared;

    DeclaredSchedulesAtBoot(DeclaredSchedules declared) {
        this.declared = declared;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        declared.merge();
    }
}
