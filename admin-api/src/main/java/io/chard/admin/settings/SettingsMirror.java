package io.chard.admin.settings;

import io.chard.broker.RedisBroker;
import io.chard.client.TaskDefaults;
import io.chard.config.ChardSettings;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.chard.settings.Settings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies the stored settings that processes without a database need ({@link Settings.Applies#WITHIN_SECONDS}: the
 * default queue, the retries) from PostgreSQL into the namespace's Redis hash, where {@link TaskDefaults} reads them:
 * at start, after each change made here, and every {@link #REPUBLISH}. The periodic copy is what heals a copy missed
 * while Redis was down, and one written by another admin-api instance from a value it read just before a change
 * here: PostgreSQL stays the truth, Redis converges on it within that period.
 */
@Context
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
public class SettingsMirror {
    static final Duration REPUBLISH = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(SettingsMirror.class);

    private final Settings settings;
    private final RedisBroker broker;
    private final TaskDefaults defaults;
    private final Outage outage = new Outage(LOG, "stored settings' copy in Redis");
    private final Loop republisher = new Loop("chard-settings-copy", () -> {
        publish();
        return REPUBLISH;
    });

    SettingsMirror(Settings settings, RedisBroker broker, TaskDefaults defaults) {
        this.settings = settings;
        this.broker = broker;
        this.defaults = defaults;
    }

    @PostConstruct
    void start() {
        republisher.start();
    }

    @PreDestroy
    void stop() {
        republisher.stop(Duration.ofSeconds(2));
    }

    /** Reads the settings from PostgreSQL and writes the copy; an outage of either is logged and left to the loop. */
    public void publish() {
        try {
            Map<String, String> copied = new LinkedHashMap<>();
            for (Settings.Entry entry : settings.entries()) {
                if (entry.setting().applies() == Settings.Applies.WITHIN_SECONDS) {
                    copied.put(entry.setting().key(), entry.value());
                }
            }
            broker.copyStoredSettings(copied);
            // This process's own dispatches use a change at once, not after TaskDefaults' next read.
            defaults.adopt(copied);
            outage.recovered();
        } catch (RuntimeException e) {
            outage.failed(e);
        }
    }
}
