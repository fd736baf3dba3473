package io.chard.admin;

import io.chard.admin.auth.Permissions;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;

import java.time.Clock;
import java.util.UUID;

/** Dispatch over HTTP, and the state of one execution for callers that poll. */
@Controller("/api/background_tasks/tasks")
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.APPLICATION_JSON)
class TaskController {
    private final TaskClient client;
    private final Executions executions;
    private final JsonMapper json;
    private final Clock clock;

    TaskController(TaskClient client, Executions executions, JsonMapper json, Clock clock) {
        this.client = client;
        this.executions = executions;
        this.json = json;
        this.clock = clock;
    }

    /** The body is read as text so that malformed JSON gets our error, not the framework's. */
    @Post(consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Secured(Permissions.DISPATCH)
    HttpResponse<?> dispatch(@Body String body) {
        Dispatched dispatched = client.dispatch(DispatchBody.read(body, json, clock.instant()));
        return HttpResponse.accepted().body(executions.detail(dispatched.id()).orElseThrow());
    }

    @Get("/{id}")
    @Secured(Permissions.VIEW)
    HttpResponse<?> get(UUID id) {
        return executions.detail(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> ActionAnswers.notFound(id));
    }

    @Post("/{id}/revoke")
    @Secured(Permissions.MANAGE)
    HttpResponse<?> revoke(UUID id, Authentication user) {
        return ActionAnswers.revoke(executions.revoke(id, user.getName()));
    }
}
