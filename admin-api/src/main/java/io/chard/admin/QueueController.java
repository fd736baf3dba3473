package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.audit.AuditLog;
import io.chard.admin.auth.Permissions;
import io.chard.broker.BrokerMonitor;
import io.chard.broker.PurgeStoppedException;
import io.chard.broker.QueueControl;
import io.chard.client.TaskDefaults;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Pauses, resumes and purges queues for operators: a paused queue accepts dispatches and leases nothing until it is
 * resumed (see {@link QueueControl}). Only a queue Chard knows may be paused (one a dispatch reached, one a task
 * declares, or the default queue), so a typo answers 404 instead of pausing nothing. A change is audited; a
 * repeated pause or resume changes nothing and is not.
 */
@Controller("/api/background_tasks/admin/queues/{name}")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.MANAGE)
class QueueController {
    private final QueueControl control;
    private final BrokerMonitor monitor;
    private final TaskRegistry registry;
    private final TaskDefaults defaults;
    private final AuditLog audit;

    QueueController(QueueControl control, BrokerMonitor monitor, TaskRegistry registry, TaskDefaults defaults,
                    AuditLog audit) {
        this.control = control;
        this.monitor = monitor;
        this.registry = registry;
        this.defaults = defaults;
        this.audit = audit;
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record QueueState(String name, boolean paused) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Purged(String name, long purged) {
    }

    @Post("/pause")
    HttpResponse<?> pause(String name, Authentication operator) {
        return change(name, true, operator);
    }

    @Post("/resume")
    HttpResponse<?> resume(String name, Authentication operator) {
        return change(name, false, operator);
    }

    /** Revokes the queue's waiting executions with reason purged (the history keeps them); running ones finish. */
    @Post("/purge")
    HttpResponse<?> purge(String name, Authentication operator) {
        if (!known(name)) {
            return unknown(name);
        }
        long purged;
        try {
            purged = control.purge(name);
        } catch (PurgeStoppedException stopped) {
            // What it revoked before the stop stays revoked: audited as such, then refused as a full backlog is.
            audit.record(operator.getName(), "purge_queue", name, stopped.purged() + " revoked, stopped: the "
                    + "history's event stream is full");
            return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "10")
                    .body(ApiError.of("history_backlog_full", stopped.getMessage()));
        }
        audit.record(operator.getName(), "purge_queue", name, purged + " revoked");
        return HttpResponse.ok(new Purged(name, purged));
    }

    private HttpResponse<?> change(String name, boolean pause, Authentication operator) {
        if (!known(name)) {
            return unknown(name);
        }
        boolean changed = pause ? control.pause(name) : control.resume(name);
        if (changed) {
            audit.record(operator.getName(), pause ? "pause_queue" : "resume_queue", name, null);
        }
        return HttpResponse.ok(new QueueState(name, pause));
    }

    private boolean known(String name) {
        return name.equals(defaults.defaultQueue())
                || registry.all().stream().map(TaskDefinition::options).anyMatch(o -> name.equals(defaults.queue(o)))
                || monitor.queues().stream().anyMatch(queue -> queue.name().equals(name));
    }

    private static HttpResponse<ApiError> unknown(String name) {
        return HttpResponse.<ApiError>status(HttpStatus.NOT_FOUND).body(ApiError.of("unknown_queue",
                "no queue named '" + name + "': no task declares it and no dispatch has reached it"));
    }
}
