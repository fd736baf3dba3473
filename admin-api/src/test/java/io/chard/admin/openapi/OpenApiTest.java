package io.chard.admin.openapi;

import io.chard.admin.testing.ApiClient.Answer;
import io.chard.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document admin-api serves: written at build time, complete, and the one committed to the repository. */
class OpenApiTest extends SharedAdminApi {
    /** The committed copy (the SPA's API types are generated from it); the test runs in the module's folder. */
    static final Path COMMITTED = Path.of("..", "docs", "openapi.yml");

    @Test
    void theDocumentIsServedWithoutSignInAndDescribesTheDispatchAndAdminRoutes() {
        Answer answer = server.anonymous.get("/openapi.yml");
        assertEquals(200, answer.status());
        Map<String, Object> document = new Yaml().load(answer.body());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        for (List<String> route : List.of(
                List.of("/api/background_tasks/tasks", "post"),
                List.of("/api/background_tasks/tasks/{id}", "get"),
                List.of("/api/background_tasks/workflows", "post"),
                List.of("/api/background_tasks/admin/executions", "get"),
                List.of("/api/background_tasks/admin/executions/{id}/retry", "post"),
                List.of("/api/background_tasks/admin/executions/{id}/revoke", "post"),
                List.of("/api/background_tasks/admin/workers", "get"),
                List.of("/api/background_tasks/admin/queues", "get"),
                List.of("/api/background_tasks/admin/queues/{name}/pause", "post"),
                List.of("/api/background_tasks/admin/queues/{name}/resume", "post"),
                List.of("/api/background_tasks/admin/queues/{name}/purge", "post"),
                List.of("/api/background_tasks/admin/schedules", "post"),
                List.of("/api/background_tasks/admin/users", "get"),
                List.of("/login", "post"),
                List.of("/metrics", "get"))) {
            assertTrue(paths.containsKey(route.get(0)) && paths.get(route.get(0)).containsKey(route.get(1)),
                    route + " is described");
        }
        assertTrue(paths.keySet().stream().noneMatch(path -> path.startsWith("/admin/background-tasks")),
                "the admin app's pages are not API routes");
    }

    @Test
    void theServedDocumentIsTheCommittedOne() throws IOException {
        assertEquals(Files.readString(COMMITTED), server.anonymous.get("/openapi.yml").body(),
                "the API changed: copy admin-api/target/classes/META-INF/swagger/chard-1.yml to docs/openapi.yml");
    }
}
