package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.audit.AuditLog;
import io.chard.admin.auth.Permissions;
import io.chard.beat.Beat;
import io.chard.beat.ScheduleStore;
import io.chard.beat.StoredSchedule;
import io.chard.schedule.InvalidCronException;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.Schedule;
import io.chard.schedule.ScheduleSpec;
import io.chard.schedule.SolarEvent;
import io.chard.task.ArgumentBinder;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Beat's schedules for operators: list, create, edit, enable, run now, delete, and preview fire times. */
@Controller("/api/background_tasks/admin/schedules")
@ExecuteOn(TaskExecutors.BLOCKING)
class ScheduleController {
    private final ScheduleStore store;
    private final Beat beat;
    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;

    ScheduleController(ScheduleStore store, Beat beat, TaskRegistry registry, ArgumentBinder binder, AuditLog audit,
                       JsonMapper json, Clock clock) {
        this.store = store;
        this.beat = beat;
        this.registry = registry;
        this.binder = binder;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** A schedule's definition as the API takes it; only the fields of its {@code kind} are read. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record Definition(@Nullable String name, @Nullable String taskName, @Nullable String kind, @Nullable String cron,
                 @Nullable Long intervalSeconds, @Nullable String solarEvent, @Nullable Double latitude,
                 @Nullable Double longitude, @Nullable String runAt, @Nullable String timezone,
                 @Nullable String startAt, @Nullable String expiresAt, @Nullable Boolean enabled,
                 @Nullable JsonNode args, @Nullable JsonNode kwargs, @Nullable String queue,
                 @Nullable Integer priority, @Nullable String misfirePolicy, @Nullable Integer catchUpSeconds,
                 @Nullable String after, @Nullable Integer count) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record View(UUID id, String name, String taskName, String kind, @Nullable String cron,
                @Nullable Long intervalSeconds, @Nullable String solarEvent, @Nullable Double latitude,
                @Nullable Double longitude, @Nullable Instant runAt, String timezone, @Nullable Instant startAt,
                @Nullable Instant expiresAt, boolean enabled, @Nullable JsonNode args, @Nullable JsonNode kwargs,
                @Nullable String queue, @Nullable Integer priority, String misfirePolicy, long catchUpSeconds,
                String source, @Nullable Instant lastRunAt, long totalRuns, @Nullable Instant nextRunAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Refusal(String error, String message, @Nullable Integer field, @Nullable Integer offset) {
    }

    @Get
    @Secured(Permissions.VIEW)
    Map<String, List<View>> list() {
        return Map.of("items", store.list().stream().map(this::view).toList());
    }

    @Get("/{id}")
    @Secured(Permissions.VIEW)
    HttpResponse<?> get(UUID id) {
        return store.find(id).<HttpResponse<?>>map(s -> HttpResponse.ok(view(s))).orElseGet(() -> notFound(id));
    }

    @Post
    @Secured(Permissions.MANAGE)
    HttpResponse<?> create(@Body Definition body, Authentication user) {
        StoredSchedule.Definition definition = definition(body);
        if (store.findByName(definition.name()).isPresent()) {
            return refuse(HttpStatus.CONFLICT, "name_taken", "a schedule named '" + definition.name() + "' exists");
        }
        StoredSchedule created = store.create(definition, "api", definition.nextAfter(clock.instant()));
        audit.record(user.getName(), "create_schedule", created.name(), null);
        return HttpResponse.created(view(created));
    }

    @Put("/{id}")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> update(UUID id, @Body Definition body, Authentication user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return notFound(id);
        }
        if (!existing.get().source().equals("api")) {
            return declaredInCode(existing.get());
        }
        StoredSchedule.Definition definition = definition(body);
        Optional<StoredSchedule> sameName = store.findByName(definition.name());
        if (sameName.isPresent() && !sameName.get().id().equals(id)) {
            return refuse(HttpStatus.CONFLICT, "name_taken", "a schedule named '" + definition.name() + "' exists");
        }
        StoredSchedule updated = store.update(id, definition, definition.nextAfter(clock.instant())).orElseThrow();
        audit.record(user.getName(), "update_schedule", updated.name(), null);
        return HttpResponse.ok(view(updated));
    }

    @Delete("/{id}")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> delete(UUID id, Authentication user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return notFound(id);
        }
        if (!existing.get().source().equals("api")) {
            return declaredInCode(existing.get());
        }
        store.delete(id);
        audit.record(user.getName(), "delete_schedule", existing.get().name(), null);
        return HttpResponse.noContent();
    }

    @Post("/{id}/enable")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> enable(UUID id, Authentication user) {
        return setEnabled(id, true, user);
    }

    @Post("/{id}/disable")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> disable(UUID id, Authentication user) {
        return setEnabled(id, false, user);
    }

    @Post("/{id}/run")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> runNow(UUID id, Authentication user) {
        return store.find(id).<HttpResponse<?>>map(schedule -> {
            UUID execution = beat.runNow(schedule).id();
            audit.record(user.getName(), "run_schedule", schedule.name(), "as " + execution);
            return HttpResponse.accepted().body(Map.of("id", execution));
        }).orElseGet(() -> notFound(id));
    }

    @Post("/preview")
    @Secured(Permissions.VIEW)
    HttpResponse<?> preview(@Body Definition body) {
        ZoneId zone = zone(body.timezone());
        Instant after = body.after() == null ? clock.instant() : instant("after", body.after());
        int count = body.count() == null ? 5 : body.count();
        if (count < 1 || count > 50) {
            throw new InvalidScheduleException("count must be between 1 and 50", null, null);
        }
        List<String> next = new Schedule(spec(body), zone).next(after, count).stream()
                .map(instant -> instant.atZone(zone).toOffsetDateTime().toString()).toList();
        return HttpResponse.ok(Map.of("next", next));
    }

    @io.micronaut.http.annotation.Error(exception = InvalidScheduleException.class)
    HttpResponse<Refusal> invalid(InvalidScheduleException e) {
        return HttpResponse.<Refusal>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(new Refusal(e.code, e.getMessage(), e.field, e.offset));
    }

    private HttpResponse<?> setEnabled(UUID id, boolean enabled, Authentication user) {
        return store.find(id).<HttpResponse<?>>map(schedule -> {
            Instant next = enabled ? schedule.schedule().next(clock.instant(), 1).stream().findFirst().orElse(null)
                    : null;
            store.setEnabled(id, enabled, next);
            audit.record(user.getName(), enabled ? "enable_schedule" : "disable_schedule", schedule.name(), null);
            return HttpResponse.ok(view(store.find(id).orElseThrow()));
        }).orElseGet(() -> notFound(id));
    }

    private StoredSchedule.Definition definition(Definition body) {
        if (body.name() == null || body.name().isBlank() || body.name().length() > 200) {
            throw new InvalidScheduleException("name must be 1-200 characters", null, null, "invalid_field");
        }
        if (body.taskName() == null) {
            throw new InvalidScheduleException("task_name is required", null, null, "invalid_field");
        }
        TaskDefinition task = registry.find(body.taskName()).orElseThrow(() -> new InvalidScheduleException(
                "no task named '" + body.taskName() + "' is registered", null, null, "unknown_task"));
        binder.bind(task.method(), body.args(), body.kwargs(), null);
        MisfirePolicy policy;
        try {
            policy = body.misfirePolicy() == null ? MisfirePolicy.FIRE_ONCE
                    : MisfirePolicy.valueOf(body.misfirePolicy().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException("misfire_policy must be fire_once, skip or fire_all", null, null,
                    "invalid_field");
        }
        int catchUp = body.catchUpSeconds() == null ? 3600 : body.catchUpSeconds();
        if (body.priority() != null && (body.priority() < 0 || body.priority() > 9)) {
            throw new InvalidScheduleException("priority must be between 0 and 9", null, null, "invalid_field");
        }
        Instant start = body.startAt() == null ? null : instant("start_at", body.startAt());
        Instant expires = body.expiresAt() == null ? null : instant("expires_at", body.expiresAt());
        if (start != null && expires != null && !start.isBefore(expires)) {
            throw new InvalidScheduleException("start_at must come before expires_at", null, null, "invalid_field");
        }
        return new StoredSchedule.Definition(body.name(), body.taskName(), spec(body), zone(body.timezone()), start,
                expires, body.enabled() == null || body.enabled(), write(body.args()), write(body.kwargs()),
                body.queue(), body.priority(), policy, Duration.ofSeconds(Math.max(0, catchUp)));
    }

    private static ScheduleSpec spec(Definition body) {
        String kind = body.kind() == null ? (body.cron() != null ? "cron" : "") : body.kind();
        try {
            return switch (kind) {
                case "cron" -> new ScheduleSpec.Cron(require(body.cron(), "cron"));
                case "interval" -> new ScheduleSpec.Interval(Duration.ofSeconds(
                        require(body.intervalSeconds(), "interval_seconds")));
                case "solar" -> new ScheduleSpec.Solar(SolarEvent.valueOf(require(body.solarEvent(), "solar_event")
                        .toUpperCase(Locale.ROOT)), require(body.latitude(), "latitude"),
                        require(body.longitude(), "longitude"));
                case "one_off" -> new ScheduleSpec.OneOff(instant("run_at", require(body.runAt(), "run_at")));
                default -> throw new InvalidScheduleException("kind must be cron, interval, solar or one_off",
                        null, null);
            };
        } catch (InvalidCronException e) {
            throw new InvalidScheduleException(e.getMessage(), e.field(), e.offset());
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException(e.getMessage(), null, null);
        }
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new InvalidScheduleException(field + " is required for this kind of schedule", null, null);
        }
        return value;
    }

    private static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone == null || timezone.isBlank() ? "UTC" : timezone);
        } catch (DateTimeException e) {
            throw new InvalidScheduleException("unknown time zone '" + timezone + "'", null, null, "invalid_field");
        }
    }

    private static Instant instant(String field, String value) {
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidScheduleException(field + " must be an ISO-8601 instant with an offset, got " + value,
                    null, null, "invalid_field");
        }
    }

    private View view(StoredSchedule s) {
        StoredSchedule.SpecFields f = StoredSchedule.SpecFields.of(s.spec());
        return new View(s.id(), s.name(), s.taskName(), s.spec().kind(), f.cron(), f.intervalSeconds(),
                f.solarEvent(), f.latitude(), f.longitude(), f.runAt(), s.zone().getId(), s.startAt(),
                s.expiresAt(), s.enabled(), parse(s.args()), parse(s.kwargs()), s.queue(), s.priority(),
                s.misfirePolicy().name().toLowerCase(Locale.ROOT), s.catchUp().toSeconds(), s.source(), s.lastRunAt(),
                s.totalRuns(), s.nextRunAt());
    }

    private String write(JsonNode node) {
        try {
            return node == null || node.isNull() ? null : json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? null : json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            return JsonNode.createStringNode(text);
        }
    }

    private static HttpResponse<?> declaredInCode(StoredSchedule schedule) {
        return refuse(HttpStatus.CONFLICT, "declared_in_code", "schedule '" + schedule.name() + "' is declared in "
                + "code (" + schedule.source() + "): change it there; it can only be enabled, disabled or run here");
    }

    private static HttpResponse<?> notFound(UUID id) {
        return refuse(HttpStatus.NOT_FOUND, "not_found", "no schedule " + id);
    }

    private static HttpResponse<?> refuse(HttpStatus status, String code, String message) {
        return HttpResponse.status(status).body(ApiError.of(code, message));
    }

    /** A schedule definition or preview request that cannot be used; answered 422 with the field and offset. */
    static final class InvalidScheduleException extends RuntimeException {
        final Integer field;
        final Integer offset;
        final String code;

        InvalidScheduleException(String message, Integer field, Integer offset) {
            this(message, field, offset, "invalid_schedule");
        }

        InvalidScheduleException(String message, Integer field, Integer offset, String code) {
            super(message);
            this.field = field;
            this.offset = offset;
            this.code = code;
        }
    }
}
