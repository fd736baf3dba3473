package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.auth.Permissions;
import io.chard.broker.ExecutionStatus;
import io.chard.client.StorableTime;
import io.chard.history.ExecutionFilter;
import io.chard.history.ExecutionLane;
import io.chard.history.ExecutionOrder;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The execution history for operators: search, inspect, retry, revoke, retry in bulk. */
@Controller("/api/background_tasks/admin/executions")
@ExecuteOn(TaskExecutors.BLOCKING)
class ExecutionAdminController {
    static final int MAX_PER_PAGE = 200;
    /** Deeper pages make PostgreSQL skip ever more rows (OFFSET); a cursor or a search goes deeper. Beyond: 400. */
    static final int MAX_PAGE = 1_000;
    /** Most executions one bulk retry or discard handles; a larger selection takes several calls. */
    static final int MAX_BULK = 10_000;

    private final HistoryStore history;
    private final Executions executions;

    private final JsonMapper json;
    private final Redactor redactor;

    ExecutionAdminController(HistoryStore history, Executions executions, JsonMapper json, Redactor redactor) {
        this.history = history;
        this.executions = executions;
        this.json = json;
        this.redactor = redactor;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ExecutionList(List<ExecutionSummary> items, long total, boolean totalEstimated, @Nullable Integer page,
                         int perPage, @Nullable String nextCursor) {
    }

    /**
     * A bulk retry or discard: the list's search (with its {@code list}), or the operator's selection ({@code ids}:
     * only those of them the search matches), and whether to only count.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record BulkAction(@Nullable String status, @Nullable String taskName, @Nullable String queue,
                      @Nullable String since, @Nullable String until, @Nullable String q, @Nullable String args,
                      @Nullable String kwargs, @Nullable String result, @Nullable String error,
                      @Nullable String worker, @Nullable String exceptionType, @Nullable String list,
                      @Nullable String workflow, @Nullable String traceId, @Nullable List<UUID> ids,
                      @Nullable Boolean dryRun) {

        ExecutionFilter filter(JsonMapper json, Redactor redactor) {
            ExecutionFilter filter = new ExecutionSearch(null, taskName, queue, since, until, q, args, kwargs, result,
                    error, worker, exceptionType, list, workflow, traceId).filter(json,
                    redactor.tasksHidingArguments());
            if (ids != null && ids.contains(null)) {
                throw new InvalidParameterException("ids", "'ids' must hold execution ids, not null");
            }
            return ids == null ? filter : filter.withIds(List.copyOf(ids));
        }

        boolean counting() {
            return dryRun == null || dryRun;
        }
    }

    @Get
    @Secured(Permissions.VIEW)
    HttpResponse<?> list(HttpRequest<?> request, @Nullable @QueryValue String sort, @Nullable @QueryValue Integer page,
                         @Nullable @QueryValue("per_page") Integer perPage, @Nullable @QueryValue String cursor) {
        int pageNumber = page == null ? 1 : page;
        int size = perPage == null ? 50 : perPage;
        if (pageNumber > MAX_PAGE) {
            throw new MalformedRequestException("invalid_parameter", "page must be at most " + MAX_PAGE);
        }
        if (pageNumber < 1 || size < 1 || size > MAX_PER_PAGE) {
            return invalid("page must be at least 1 and per_page between 1 and " + MAX_PER_PAGE);
        }
        if (!blank(cursor) && page != null) {
            return invalid("page and cursor exclude each other: a cursor continues from where the last page ended");
        }
        ExecutionOrder.Sort order = sort == null || sort.isBlank() ? ExecutionOrder.DEFAULT
                : ExecutionOrder.Sort.parse(sort.trim()).orElse(null);
        if (order == null) {
            return invalid("sort must be one of " + Arrays.stream(ExecutionOrder.values()).map(ExecutionOrder::key)
                    .toList() + ", with a leading - for descending; got " + sort);
        }
        if (!blank(cursor) && !order.equals(ExecutionOrder.DEFAULT)) {
            return invalid("a cursor pages the default order (newest first) only; use page with sort");
        }
        ExecutionFilter filter = ExecutionSearch.of(request.getParameters()).filter(json,
                redactor.tasksHidingArguments());
        HistoryStore.Page found;
        try {
            found = blank(cursor) ? history.search(filter, order, pageNumber, size) : history.after(filter, cursor, size);
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        return HttpResponse.ok(new ExecutionList(found.items().stream().map(redactor::summary).toList(),
                found.total(), found.estimated(), blank(cursor) ? pageNumber : null, size, found.nextCursor()));
    }

    @Get("/{id}")
    @Secured(Permissions.VIEW)
    HttpResponse<?> detail(UUID id) {
        return executions.detail(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> ActionAnswers.notFound(id));
    }

    @Post("/{id}/retry")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> retry(UUID id, Authentication user) {
        return ActionAnswers.retry(executions.retry(id, user.getName()));
    }

    @Post("/{id}/revoke")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> revoke(UUID id, Authentication user) {
        return ActionAnswers.revoke(executions.revoke(id, user.getName()));
    }

    @Post("/{id}/run-now")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> runNow(UUID id, @Nullable @QueryValue Integer retries, Authentication user) {
        return ActionAnswers.runNow(executions.runNow(id, retries, user.getName()));
    }

    @Post("/bulk-discard")
    @Secured(Permissions.MANAGE)
    @RequestBody(content = @Content(schema = @Schema(implementation = BulkAction.class)))
    HttpResponse<?> bulkDiscard(@Body String text, Authentication user) {
        BulkAction body = StrictJson.bind(text, json, BulkAction.class);
        if (body.status() != null && !body.status().equals(ExecutionStatus.FAILED.value())) {
            return invalid("only failed executions can be discarded, not " + body.status());
        }
        ExecutionFilter filter = body.filter(json, redactor).withLane(ExecutionLane.DEAD);
        if (body.counting()) {
            return HttpResponse.ok(counted(filter));
        }
        long matched = history.search(filter, 1, 1).total();
        List<UUID> discarded = executions.discardAll(filter, MAX_BULK, user.getName());
        return HttpResponse.ok(Map.of("matched", matched, "discarded", discarded));
    }

    @Post("/bulk-retry")
    @Secured(Permissions.MANAGE)
    @RequestBody(content = @Content(schema = @Schema(implementation = BulkAction.class)))
    HttpResponse<?> bulkRetry(@Body String text, Authentication user) {
        BulkAction body = StrictJson.bind(text, json, BulkAction.class);
        List<String> retryable = ExecutionStatus.retryableValues();
        List<String> statuses = body.status() == null ? retryable
                : retryable.contains(body.status()) ? List.of(body.status()) : List.of();
        if (statuses.isEmpty()) {
            return invalid("only failed or stuck executions can be retried, not " + body.status());
        }
        ExecutionFilter filter = body.filter(json, redactor).withStatuses(statuses);
        if (body.counting()) {
            return HttpResponse.ok(counted(filter));
        }
        long matched = history.search(filter, 1, 1).total();
        Executions.BulkRetry retry = executions.retryAll(filter, MAX_BULK, user.getName());
        return HttpResponse.ok(Map.of("matched", matched, "retried", retry.retried(), "refused", retry.refused()));
    }

    /**
     * A dry run's answer: how many match, and the ids of those one action would take (the newest {@value #MAX_BULK}),
     * which the confirmation sends back as its selection, so it acts on nothing the dialog did not count.
     */
    private Map<String, Object> counted(ExecutionFilter filter) {
        return Map.of("matched", history.search(filter, 1, 1).total(), "ids", history.ids(filter, MAX_BULK));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static HttpResponse<?> invalid(String message) {
        return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.of("invalid_parameter", message));
    }
}
