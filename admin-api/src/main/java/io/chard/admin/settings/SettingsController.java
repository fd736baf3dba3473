package io.chard.admin.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.ApiError;
import io.chard.admin.StrictJson;
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
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The engine settings stored in the database: everyone signed in reads them (a viewer sees what the engine runs
 * with), administrators change one. Each change is checked by the setting's kind ({@link Settings.Kind}), audited
 * with the old and the new value, and, for those processes without a database read, copied to Redis at once
 * ({@link SettingsMirror}). Each setting says when a change takes effect ({@link Settings.Applies}).
 */
@Controller("/api/background_tasks/admin/settings")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.VIEW)
class SettingsController {
    private final Settings settings;
    private final SettingsMirror mirror;
    private final AuditLog audit;
    private final JsonMapper json;

    SettingsController(Settings settings, SettingsMirror mirror, AuditLog audit, JsonMapper json) {
        this.settings = settings;
        this.mirror = mirror;
        this.audit = audit;
        this.json = json;
    }

    /**
     * @param kind            {@code seconds}, {@code days}, {@code retries} (whole numbers), {@code queue} (a queue
     *                        name) or {@code boolean} ({@code true}/{@code false}): what the form offers
     * @param applies         {@code next_use} (read from PostgreSQL at each use), {@code within_seconds} (copied to
     *                        Redis for workers and dispatchers, read again every 2 s), {@code restart}
     * @param requiresRestart {@code applies == restart}, as the table stores it
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SettingView(String key, String value, String kind, String applies, boolean requiresRestart,
                       Instant updatedAt) {
        static SettingView of(Settings.Entry entry) {
            return new SettingView(entry.setting().key(), entry.value(), lower(entry.setting().kind()),
                    lower(entry.setting().applies()), entry.setting().applies() == Settings.Applies.RESTART,
                    entry.updatedAt());
        }

        private static String lower(Enum<?> value) {
            return value.name().toLowerCase(Locale.ROOT);
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
    @Secured(Permissions.ADMIN)
    @RequestBody(content = @Content(schema = @Schema(implementation = NewValue.class)))
    HttpResponse<?> update(String key, @Body String text, Authentication admin) {
        NewValue body = StrictJson.bind(text, json, NewValue.class);
        Optional<Settings.Key> known = Settings.Key.of(key);
        if (known.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no setting " + key
                    + "; the settings are " + Arrays.stream(Settings.Key.values()).map(Settings.Key::key).toList()));
        }
        String value;
        try {
            value = known.get().check(body.value());
        } catch (IllegalArgumentException e) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.ofField("invalid_field",
                    e.getMessage(), "value"));
        }
        String previous = settings.set(known.get(), value);
        audit.record(admin.getName(), "update_setting", key, previous + " -> " + value);
        if (known.get().applies() == Settings.Applies.WITHIN_SECONDS) {
            mirror.publish();
        }
        return HttpResponse.ok(settings.entries().stream().filter(entry -> entry.setting() == known.get())
                .findFirst().map(SettingView::of).orElseThrow());
    }
}
