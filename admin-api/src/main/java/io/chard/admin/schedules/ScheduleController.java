package io.chard.admin.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.ApiError;
import io.chard.admin.Redactor;
import io.chard.admin.StrictJson;
import io.chard.admin.auth.Permissions;
import io.chard.admin.schedules.Schedules.Result;
import io.chard.beat.StoredSchedule;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The schedules routes: list, get, create, edit, delete, enable, disable, run now and preview. Each maps the
 * request to {@link Schedules} and its result to an HTTP answer; the rules live there.
 */
@Controller("/api/background_tasks/admin/schedules")
@ExecuteOn(TaskExecutors.BLOCKING)
class ScheduleController {
    private final Schedules schedules;
    private final JsonMapper json;
    private final Redactor redactor;

    ScheduleController(Schedules schedules, JsonMapper json, Redactor redactor) {
        this.schedules = schedules;
        this.json = json;
        this.redactor = redactor;
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Refusal(String error, String message, @Nullable Integer field, @Nullable Integer offset) {
    }

    @Get
    @Secured(Permissions.VIEW)
    Map<String, List<ScheduleView>> list(Authentication user) {
        return Map.of("items", schedules.list().stream().map(schedule -> view(schedule, user)).toList());
    }

    @Get("/{id}")
    @Secured(Permissions.VIEW)
    HttpResponse<?> get(UUID id, Authentication user) {
        return schedules.find(id).<HttpResponse<?>>map(schedule -> HttpResponse.ok(view(schedule, user)))
                .orElseGet(() -> answer(new Result.NotFound(id), HttpStatus.OK));
    }

    @Post
    @Secured(Permissions.MANAGE)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleRequest.class)))
    HttpResponse<?> create(@Body String text, Authentication user) {
        ScheduleRequest body = StrictJson.bind(text, json, ScheduleRequest.class);
        return answer(schedules.create(body, user.getName()), HttpStatus.CREATED);
    }

    @Put("/{id}")
    @Secured(Permissions.MANAGE)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleRequest.class)))
    HttpResponse<?> update(UUID id, @Body String text, Authentication user) {
        ScheduleRequest body = StrictJson.bind(text, json, ScheduleRequest.class);
        return answer(schedules.update(id, body, user.getName()), HttpStatus.OK);
    }

    @Delete("/{id}")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> delete(UUID id, Authentication user) {
        return answer(schedules.delete(id, user.getName()), HttpStatus.NO_CONTENT);
    }

    @Post("/{id}/enable")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> enable(UUID id, Authentication user) {
        return answer(schedules.setEnabled(id, true, user.getName()), HttpStatus.OK);
    }

    @Post("/{id}/disable")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> disable(UUID id, Authentication user) {
        return answer(schedules.setEnabled(id, false, user.getName()), HttpStatus.OK);
    }

    @Post("/{id}/run")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> runNow(UUID id, Authentication user) {
        return answer(schedules.runNow(id, user.getName()), HttpStatus.ACCEPTED);
    }

    @Post("/preview")
    @Secured(Permissions.VIEW)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleRequest.class)))
    HttpResponse<?> preview(@Body String text) {
        ScheduleRequest body = StrictJson.bind(text, json, ScheduleRequest.class);
        return HttpResponse.ok(Map.of("next", schedules.preview(body).stream().map(OffsetDateTime::toString).toList()));
    }

    @Error(exception = InvalidScheduleException.class)
    HttpResponse<Refusal> invalid(InvalidScheduleException e) {
        return HttpResponse.<Refusal>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(new Refusal(e.code(), e.getMessage(), e.field(), e.offset()));
    }

    /** A success answers {@code success} with the schedule (or the execution, or nothing); refusals their code. */
    private HttpResponse<?> answer(Result result, HttpStatus success) {
        return switch (result) {
            case Result.Done(StoredSchedule schedule) -> HttpResponse.status(success).body(view(schedule));
            case Result.Ran(StoredSchedule schedule, UUID execution) -> HttpResponse.status(success)
                    .body(Map.of("id", execution));
            case Result.Deleted deleted -> HttpResponse.status(success);
            case Result.NotFound(UUID id) -> refuse(HttpStatus.NOT_FOUND, "not_found", "no schedule " + id);
            case Result.DeclaredInCode(StoredSchedule schedule) -> refuse(HttpStatus.CONFLICT, "declared_in_code",
                    "schedule '" + schedule.name() + "' is declared in code (" + schedule.source()
                            + "): change it there; it can only be enabled, disabled or run here");
            case Result.NameTaken(String name) -> refuse(HttpStatus.CONFLICT, "name_taken",
                    "a schedule named '" + name + "' exists");
        };
    }

    private ScheduleView view(StoredSchedule schedule) {
        return ScheduleView.of(schedule, json);
    }

    /**
     * As {@code user} may see it: the arguments its task hides ({@code @Task(redact)}) are hidden from those who
     * cannot manage schedules. A manager sees them: the edit form sends them back, and "[redacted]" would be stored.
     */
    private ScheduleView view(StoredSchedule schedule, Authentication user) {
        ScheduleView view = view(schedule);
        return user.getRoles().contains(Permissions.MANAGE) ? view
                : view.withArguments(redactor.args(view.taskName(), view.args()),
                redactor.kwargs(view.taskName(), view.kwargs()));
    }

    private static HttpResponse<?> refuse(HttpStatus status, String code, String message) {
        return HttpResponse.status(status).body(ApiError.of(code, message));
    }
}
