package io.chard.admin.schedules;

import io.chard.admin.audit.AuditLog;
import io.chard.beat.Beat;
import io.chard.beat.ScheduleStore;
import io.chard.beat.StoredSchedule;
import io.chard.schedule.Schedule;
import io.chard.task.ArgumentBinder;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What operators may do with beat's schedules: create, edit and delete those made here (code-declared ones can
 * only be enabled, disabled or run), names unique, the task registered and its arguments binding, each change
 * audited under the operator's name. Answers {@link Result}s; a definition that cannot be used throws.
 */
@Singleton
final class Schedules {
    private static final String EDITABLE_SOURCE = "api";

    private final ScheduleStore store;
    private final Beat beat;
    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;

    Schedules(ScheduleStore store, Beat beat, TaskRegistry registry, ArgumentBinder binder, AuditLog audit,
              JsonMapper json, Clock clock) {
        this.store = store;
        this.beat = beat;
        this.registry = registry;
        this.binder = binder;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    sealed interface Result {
        record Done(StoredSchedule schedule) implements Result {
        }

        record Ran(StoredSchedule schedule, UUID execution) implements Result {
        }

        record Deleted(StoredSchedule schedule) implements Result {
        }

        record NotFound(UUID id) implements Result {
        }

        /** Declared by a module or built in: change it in code; here it can only be enabled, disabled or run. */
        record DeclaredInCode(StoredSchedule schedule) implements Result {
        }

        record NameTaken(String name) implements Result {
        }
    }

    List<StoredSchedule> list() {
        return store.list();
    }

    Optional<StoredSchedule> find(UUID id) {
        return store.find(id);
    }

    Result create(ScheduleRequest request, String user) {
        StoredSchedule.Definition definition = request.definition(this::checkTask, json);
        if (store.findByName(definition.name()).isPresent()) {
            return new Result.NameTaken(definition.name());
        }
        StoredSchedule created = store.create(definition, EDITABLE_SOURCE, nextDueTime(definition));
        audit.record(user, "create_schedule", created.name(), null);
        return new Result.Done(created);
    }

    /** Replaces the definition of a schedule made here; its run state (last run, total runs) stays. */
    Result update(UUID id, ScheduleRequest request, String user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Result.NotFound(id);
        }
        if (!existing.get().source().equals(EDITABLE_SOURCE)) {
            return new Result.DeclaredInCode(existing.get());
        }
        StoredSchedule.Definition definition = request.definition(this::checkTask, json);
        Optional<StoredSchedule> sameName = store.findByName(definition.name());
        if (sameName.isPresent() && !sameName.get().id().equals(id)) {
            return new Result.NameTaken(definition.name());
        }
        boolean retimed = !existing.get().schedule().equals(definition.schedule());
        // As the switches do: disabled, no next run; enabled by this edit, the disabled spell is not caught up. An
        // edit that keeps the timing keeps a due time the beat has not reached yet (it was down, say), for its next
        // tick to catch up by the misfire policy, as the declarations' merge at boot does.
        Instant next = !definition.enabled() ? null
                : retimed || !existing.get().enabled() ? nextDueTime(definition)
                : definition.nextAfter(existing.get().ranUpTo());
        StoredSchedule updated = store.update(id, definition, next, retimed).orElseThrow();
        audit.record(user, "update_schedule", updated.name(), null);
        return new Result.Done(updated);
    }

    // A schedule is counted as run up to the moment it is defined (or retimed), so one with no due time after now
    // (a one-off whose run_at has passed, an expiry already reached) would be stored and never fire: refused, as a
    // mistake. An edit that leaves the timing alone is kept (renaming a one-off that has fired).
    private Instant nextDueTime(StoredSchedule.Definition definition) {
        Instant next = definition.nextAfter(clock.instant());
        if (next == null) {
            throw new InvalidScheduleException("the schedule has no due time after now (a one-off's run_at or the "
                    + "expires_at has passed), so it would never fire; dispatch the task to run it now", null, null,
                    "never_fires");
        }
        return next;
    }

    Result delete(UUID id, String user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Result.NotFound(id);
        }
        if (!existing.get().source().equals(EDITABLE_SOURCE)) {
            return new Result.DeclaredInCode(existing.get());
        }
        store.delete(id);
        audit.record(user, "delete_schedule", existing.get().name(), null);
        return new Result.Deleted(existing.get());
    }

    /** Enabling computes the next due time from now (the disabled period is not caught up); disabling clears it. */
    Result setEnabled(UUID id, boolean enabled, String user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Result.NotFound(id);
        }
        StoredSchedule schedule = existing.get();
        Instant next = enabled ? schedule.schedule().next(clock.instant(), 1).stream().findFirst().orElse(null) : null;
        store.setEnabled(id, enabled, next);
        audit.record(user, enabled ? "enable_schedule" : "disable_schedule", schedule.name(), null);
        return new Result.Done(store.find(id).orElseThrow());
    }

    /** Dispatches the schedule's task now, outside its due times (any schedule, code-declared ones too). */
    Result runNow(UUID id, String user) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Result.NotFound(id);
        }
        UUID execution = beat.runNow(existing.get()).id();
        audit.record(user, "run_schedule", existing.get().name(), "as " + execution);
        return new Result.Ran(existing.get(), execution);
    }

    /** The next fire times of a definition that need not be stored, in its zone's offsets. */
    List<OffsetDateTime> preview(ScheduleRequest request) {
        ZoneId zone = request.zoneId();
        Instant after = request.previewAfter(clock.instant());
        int count = request.previewCount();
        return new Schedule(request.spec(), zone).next(after, count).stream()
                .map(instant -> instant.atZone(zone).toOffsetDateTime()).toList();
    }

    private void checkTask(String taskName, JsonNode args, JsonNode kwargs) {
        TaskDefinition task = registry.find(taskName).orElseThrow(() -> new InvalidScheduleException(
                "no task named '" + taskName + "' is registered", null, null, "unknown_task"));
        binder.bind(task.method(), args, kwargs, null);
    }
}
