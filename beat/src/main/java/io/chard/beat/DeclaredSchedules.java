package io.chard.beat;

import io.chard.settings.Settings;
import io.chard.schedule.ScheduleDeclaration;
import io.chard.schedule.ScheduleSource;
import io.chard.schedule.ScheduleSpec;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Merges code-declared schedules into the table at boot. The two built-ins are authoritative: their
 * definition is rewritten from the settings every boot, and a module reusing one of their names is ignored
 * with a warning. A module's schedule is created or updated by name; an API schedule of that name is left
 * alone (the operator's edits win).
 */
@Singleton
public final class DeclaredSchedules {
    public static final String SWEEP_STUCK = "background-tasks-sweep-stuck";
    public static final String PURGE_OLD = "background-tasks-purge-old";
    private static final Set<String> BUILT_IN = Set.of(SWEEP_STUCK, PURGE_OLD);
    private static final Logger LOG = LoggerFactory.getLogger(DeclaredSchedules.class);

    private final ScheduleStore store;
    private final List<ScheduleSource> sources;
    private final Settings settings;
    private final JsonMapper json;
    private final Clock clock;

    public DeclaredSchedules(ScheduleStore store, List<ScheduleSource> sources, Settings settings, JsonMapper json,
                             Clock clock) {
        this.store = store;
        this.sources = sources;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    public void merge() {
        for (ScheduleDeclaration builtIn : builtIns()) {
            upsert(builtIn, "builtin");
        }
        for (ScheduleSource source : sources) {
            for (ScheduleDeclaration declared : source.schedules()) {
                if (BUILT_IN.contains(declared.name())) {
                    LOG.warn("{} declares a schedule named '{}', which is a built-in name: ignored",
                            source.getClass().getName(), declared.name());
                } else {
                    upsert(declared, "code");
                }
            }
        }
    }

    private List<ScheduleDeclaration> builtIns() {
        return List.of(
                ScheduleDeclaration.of(SWEEP_STUCK, "background_tasks.sweep_stuck_tasks", new ScheduleSpec.Interval(
                        Duration.ofSeconds(settings.number(Settings.Key.STUCK_SWEEP_INTERVAL_SECONDS)))),
                ScheduleDeclaration.of(PURGE_OLD, "background_tasks.purge_old_executions", new ScheduleSpec.Interval(
                        Duration.ofSeconds(settings.number(Settings.Key.PURGE_INTERVAL_SECONDS)))));
    }

    private void upsert(ScheduleDeclaration declared, String source) {
        StoredSchedule.Definition definition = new StoredSchedule.Definition(declared.name(), declared.task(),
                declared.spec(), declared.zone(), null, null, true, write(declared.args()), write(declared.kwargs()),
                declared.queue(), null, declared.misfirePolicy(), declared.catchUp());
        Instant next = definition.nextAfter(clock.instant());
        Optional<StoredSchedule> existing = store.findByName(declared.name());
        if (existing.isEmpty()) {
            if (store.createIfAbsent(definition, source, next)) {
                return;
            }
            existing = store.findByName(declared.name()); // another process created it meanwhile
        }
        if (existing.isEmpty()) {
            LOG.warn("schedule '{}' was created and deleted while it was merged: left out", declared.name());
        } else if (existing.get().source().equals("api")) {
            LOG.warn("schedule '{}' is declared in code but was created through the API: the API one is kept",
                    declared.name());
        } else {
            StoredSchedule.Definition kept = new StoredSchedule.Definition(definition.name(), definition.taskName(),
                    definition.spec(), definition.zone(), null, null, existing.get().enabled(), definition.args(),
                    definition.kwargs(), definition.queue(), null, definition.misfirePolicy(), definition.catchUp());
            // The next due time after the last fire, not after now: one missed while beat was down (this merge
            // runs at boot, before the first tick) stays due, and the tick applies the misfire policy to it. A
            // deploy that changes when it runs counts it as run up to now, as an edit through the API does: the new
            // definition's due times before the deploy never existed.
            StoredSchedule stored = existing.get();
            boolean retimed = !stored.schedule().equals(kept.schedule());
            Instant since = retimed ? clock.instant() : stored.ranUpTo();
            store.update(stored.id(), kept, kept.nextAfter(since), retimed);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("schedule arguments are not JSON-serialisable: " + e.getMessage(), e);
        }
    }
}
