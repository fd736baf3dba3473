package io.chard.admin.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.ApiError;
import io.chard.admin.audit.AuditLog;
import io.chard.admin.auth.Permissions;
import io.chard.settings.Settings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The engine settings stored in the database (stuck threshold, sweep and purge intervals, retention), for
 * administrators: read them, change one. Each is a whole number from 1 to 100 years' worth, read where it is used,
 * so a change holds from the next use without a restart; every change is audited with the old and the new value.
 */
@Controller("/api/background_tasks/admin/settings")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.ADMIN)
class SettingsController {
    /**
     * The largest value a setting takes: 100 years, in days or seconds. Larger ones overflow the date arithmetic of
     * the sweep and the purge (an instant that far back fails), so they are refused here rather than there.
     */
    private static final long MAX_DAYS = 36_500;
    private static final long MAX_SECONDS = MAX_DAYS * 86_400;
    private final Settings settings;
    private final AuditLog audit;

    SettingsController(Settings settings, AuditLog audit) {
        this.settings = settings;
        this.audit = audit;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SettingView(String key, String value, boolean requiresRestart, Instant updatedAt) {
        static SettingView of(Settings.Entry entry) {
            return new SettingView(entry.key(), entry.value(), entry.requiresRestart(), entry.updatedAt());
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SettingList(List<SettingView> items) {
    }

    @Serdeable
    record NewValue(@Nullable String value) {
    }

    @Get
    SettingList list() {
        return new SettingList(settings.entries().stream().map(SettingView::of).toList());
    }

    @Put("/{key}")
    HttpResponse<?> update(String key, @Body NewValue body, Authentication admin) {
        Optional<Settings.Key> known = Arrays.stream(Settings.Key.values()).filter(k -> k.key().equals(key))
                .findFirst();
        if (known.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no setting " + key
                    + "; the settings are " + Arrays.stream(Settings.Key.values()).map(Settings.Key::key).toList()));
        }
        long value;
        try {
            value = Long.parseLong(body.value() == null ? "" : body.value().trim());
        } catch (NumberFormatException e) {
            value = 0;
        }
        long max = known.get() == Settings.Key.RETENTION_DAYS ? MAX_DAYS : MAX_SECONDS;
        if (value < 1 || value > max) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.ofField("invalid_field",
                    key + " must be a whole number from 1 to " + max + ", got " + body.value(), "value"));
        }
        long previous = settings.number(known.get());
        settings.set(known.get(), value);
        audit.record(admin.getName(), "update_setting", key, previous + " -> " + value);
        return HttpResponse.ok(settings.entries().stream().filter(entry -> entry.key().equals(key)).findFirst()
                .map(SettingView::of).orElseThrow());
    }
}
