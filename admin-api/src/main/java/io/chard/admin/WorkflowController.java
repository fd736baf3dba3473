package io.chard.admin;

import io.chard.admin.auth.Permissions;
import io.chard.broker.BrokerUnavailableException;
import io.chard.canvas.InvalidWorkflowException;
import io.chard.canvas.NotRedrivableException;
import io.chard.canvas.WorkflowDispatched;
import io.chard.canvas.WorkflowState;
import io.chard.canvas.Workflows;
import io.chard.client.InvalidDispatchException;
import io.chard.client.PayloadTooLargeException;
import io.chard.client.TaskClient;
import io.chard.history.HistoryStore;
import io.chard.task.ArgumentBindingException;
import io.chard.task.UnknownTaskException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Canvas workflows over HTTP: dispatch one (202 with its members), read it back (from the broker, then from the
 * history), revoke and redrive it. A refused workflow names the JSON path of the offending node and enqueues nothing.
 */
@Controller("/api/background_tasks/workflows")
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.APPLICATION_JSON)
class WorkflowController {
    private final TaskClient client;
    private final Workflows workflows;
    private final HistoryStore history;
    private final JsonMapper json;

    WorkflowController(TaskClient client, Workflows workflows, HistoryStore history, JsonMapper json) {
        this.client = client;
        this.workflows = workflows;
        this.history = history;
        this.json = json;
    }

    @Post(consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Secured(Permissions.DISPATCH)
    HttpResponse<?> dispatch(@Body String body) {
        WorkflowDispatched dispatched = client.dispatch(WorkflowBody.read(body, json));
        Optional<WorkflowState> state;
        try {
            state = workflows.find(dispatched.id());
        } catch (BrokerUnavailableException e) {
            // Enqueued already, and a workflow has no idempotency key: a 503 now would have the client send it again.
            state = Optional.empty();
        }
        return HttpResponse.accepted().body(state.<Object>map(this::answer).orElseGet(() -> enqueued(dispatched)));
    }

    /** From the broker while it holds the workflow, then from the history (its tree and its members' rows). */
    @Get("/{id}")
    @Secured(Permissions.VIEW)
    HttpResponse<?> get(UUID id) {
        return workflows.find(id, new RecordedMembers(id, null)).or(() -> recorded(id))
                .<HttpResponse<?>>map(state -> HttpResponse.ok(answer(state)))
                .orElseGet(() -> ActionAnswers.notFound(id));
    }

    private Optional<WorkflowState> recorded(UUID id) {
        HistoryStore.RecordedWorkflow recorded = history.workflow(id);
        if (recorded.tree() == null) {
            return Optional.empty();
        }
        return Optional.of(workflows.recorded(id, recorded.tree(), new RecordedMembers(id, rows(recorded))));
    }

    /**
     * A workflow's members as the history recorded them: its rows are read once, at the first member asked for (one
     * query however many members left Redis), and a member recorded under another workflow (a step a redrive
     * reused) alone.
     */
    private final class RecordedMembers implements Function<UUID, Optional<Workflows.Recorded>> {
        private final UUID workflowId;
        private Map<UUID, Workflows.Recorded> rows;

        /** @param rows the workflow's rows when read already, else null */
        RecordedMembers(UUID workflowId, Map<UUID, Workflows.Recorded> rows) {
            this.workflowId = workflowId;
            this.rows = rows;
        }

        @Override
        public Optional<Workflows.Recorded> apply(UUID member) {
            if (rows == null) {
                rows = rows(history.workflow(workflowId));
            }
            return Optional.ofNullable(rows.get(member)).or(() -> history.find(member).map(r ->
                    new Workflows.Recorded(r.status(), r.result(), error(r.status(), r.exceptionType(),
                            r.exceptionMessage()), r.revokeReason(), new WorkflowState.Run(r.startedAt(),
                            r.finishedAt()))));
        }
    }

    private static Map<UUID, Workflows.Recorded> rows(HistoryStore.RecordedWorkflow recorded) {
        Map<UUID, Workflows.Recorded> rows = new HashMap<>();
        recorded.members().forEach(m -> rows.put(m.id(), new Workflows.Recorded(m.status(), m.result(),
                error(m.status(), m.exceptionType(), m.exceptionMessage()), m.reason(),
                new WorkflowState.Run(m.startedAt(), m.finishedAt()))));
        return rows;
    }

    private static String error(String status, String type, String message) {
        return !status.equals("failed") || type == null ? null
                : type + (message == null || message.isEmpty() ? "" : ": " + message);
    }

    /** Revokes every member that has not ended; answers what each revoke did. */
    @Post("/{id}/revoke")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> revoke(UUID id) {
        return workflows.revoke(id).<HttpResponse<?>>map(done -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id.toString());
            Map<String, String> members = new LinkedHashMap<>();
            done.forEach((member, revocation) -> members.put(member.toString(), revocation.name().toLowerCase()));
            answer.put("revoked", members);
            return HttpResponse.ok(answer);
        }).orElseGet(() -> ActionAnswers.notFound(id));
    }

    /**
     * Redrives a failed or revoked workflow: a new workflow (202, its shape, {@code redrive_of} naming the original)
     * that re-runs the failed steps and the ones after them and reuses the results of the steps that succeeded.
     */
    @Post("/{id}/retry")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> redrive(UUID id) {
        return workflows.redrive(id).<HttpResponse<?>>map(state -> HttpResponse.accepted().body(answer(state)))
                .orElseGet(() -> ActionAnswers.notFound(id));
    }

    @Error(exception = NotRedrivableException.class)
    HttpResponse<ApiError> notRedrivable(NotRedrivableException e) {
        return HttpResponse.<ApiError>status(HttpStatus.CONFLICT).body(ApiError.of("not_redrivable", e.getMessage()));
    }

    /** The refused node's path in {@code field}; the status of the refusal the node's dispatch would get. */
    @Error(exception = InvalidWorkflowException.class)
    HttpResponse<ApiError> invalid(InvalidWorkflowException e) {
        String message = e.getMessage();
        return switch (e.getCause()) {
            case UnknownTaskException unknown -> HttpResponse.<ApiError>status(HttpStatus.NOT_FOUND)
                    .body(ApiError.ofField("unknown_task", message, e.path()));
            case ArgumentBindingException binding -> HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                    .body(new ApiError("invalid_arguments", message, binding.parameter(), e.path()));
            case InvalidDispatchException option -> HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                    .body(ApiError.ofField("invalid_option", message, e.path()));
            case PayloadTooLargeException large -> HttpResponse.<ApiError>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                    .body(ApiError.ofField("payload_too_large", message, e.path()));
            case null, default -> HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST)
                    .body(ApiError.ofField("invalid_workflow", message, e.path()));
        };
    }

    private Map<String, Object> answer(WorkflowState state) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", state.id().toString());
        answer.put("status", state.status());
        answer.put("result", value(state.resultJson()));
        answer.put("failed_member", state.failed() == null ? null : state.failed().id().toString());
        answer.put("redrive_of", state.redriveOf() == null ? null : state.redriveOf().toString());
        List<Map<String, Object>> members = new ArrayList<>();
        for (WorkflowState.Member m : state.members()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", m.id().toString());
            member.put("task", m.task());
            member.put("path", m.path());
            member.put("status", m.status());
            member.put("result", value(m.resultJson()));
            member.put("error", m.error());
            member.put("reason", m.reason());
            member.put("started_at", instant(m.run().startedAt()));
            member.put("finished_at", instant(m.run().finishedAt()));
            members.add(member);
        }
        answer.put("members", members);
        return answer;
    }

    private static Map<String, Object> enqueued(WorkflowDispatched dispatched) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", dispatched.id().toString());
        answer.put("status", "pending");
        answer.put("members", dispatched.members().stream().map(m -> Map.<String, Object>of("id", m.id().toString(),
                "task", m.task(), "path", m.path(), "status", "pending")).toList());
        return answer;
    }

    private static String instant(Instant at) {
        return at == null ? null : at.toString();
    }

    private Object value(String resultJson) {
        if (resultJson == null) {
            return null;
        }
        try {
            return json.readValue(resultJson, JsonNode.class);
        } catch (IOException e) {
            return resultJson;
        }
    }
}
