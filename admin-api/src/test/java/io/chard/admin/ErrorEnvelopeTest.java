package io.chard.admin;

import io.chard.admin.testing.ApiClient.Answer;
import io.chard.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Errors Micronaut answers by itself come in Chard's one envelope: {"error", "message", "parameter", "field"}. */
class ErrorEnvelopeTest extends SharedAdminApi {

    @Test
    void anAnonymousRequestIs401InTheEnvelope() {
        assertError(server.anonymous.get("/api/background_tasks/admin/executions"), 401, "unauthorized");
        assertError(server.anonymous.post("/api/background_tasks/tasks", "{\"task\":\"test.add\"}"), 401,
                "unauthorized");
    }

    @Test
    void aRequestWithoutThePermissionIs403InTheEnvelope() {
        assertError(server.viewer.post("/api/background_tasks/admin/queues/default/pause", ""), 403, "forbidden");
        assertError(server.operator.get("/api/background_tasks/admin/users"), 403, "forbidden");
    }

    @Test
    void anUnknownRouteAWrongMethodAndAnUnconvertiblePathValueAreInTheEnvelope() {
        assertError(server.viewer.get("/api/background_tasks/admin/no-such-route"), 404, "not_found");
        assertError(server.operator.delete("/api/background_tasks/admin/queues"), 405, "method_not_allowed");
        Answer badId = server.viewer.get("/api/background_tasks/admin/executions/not-a-uuid/x");
        assertEquals(404, badId.status(), badId.body());
        Answer unconvertible = server.viewer.get("/api/background_tasks/tasks/not-a-uuid");
        assertError(unconvertible, 400, "bad_request");
    }
}
