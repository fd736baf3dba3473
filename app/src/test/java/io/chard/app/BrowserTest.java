package io.chard.app;

import io.chard.config.ChardSettings;
import io.chard.admin.AdminMain;
import io.chard.admin.testing.ApiClient;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin SPA in headless Chromium against a real admin-api with a worker (the browser specs live in
 * frontend/e2e and run under Node with playwright-core): an admin dispatches, finds a failure, reads its
 * traceback, retries it through the dialog and sees the live worker; a viewer sees no retry and gets 403.
 */
class BrowserTest {
    static final String PASSWORD = "browser-test-password";
    static ApplicationContext context;
    static String base;

    @BeforeAll
    static void start() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        properties.put("micronaut.server.port", -1);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        // e2e/queues.test.mjs pauses a queue of its own, so the specs running beside it keep `default` running.
        properties.put(ChardSettings.WORKER_QUEUES, "default,e2e-pausable");
        properties.put(ChardSettings.ADMIN_PASSWORD, PASSWORD);
        context = AdminMain.start(new String[0], properties);
        base = "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
        ApiClient.Answer viewer = new ApiClient(base).as("admin", PASSWORD).post("/api/background_tasks/admin/users",
                "{\"username\":\"viewer\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(201, viewer.status(), viewer.body());
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void deepLinksServeTheAppAndItsAssetsLoad() {
        ApiClient anonymous = new ApiClient(base);
        for (String path : new String[]{"/admin/background-tasks", "/admin/background-tasks/",
                "/admin/background-tasks/workers", "/admin/background-tasks/login",
                "/admin/background-tasks/0b7e0d3c-6a3e-4b1e-9c57-2f1f1f1f1f1f", "/admin/background-tasks/overview",
                "/admin/background-tasks/queues/default", "/admin/background-tasks/no/such/page"}) {
            ApiClient.Answer page = anonymous.get(path);
            assertEquals(200, page.status(), path);
            assertTrue(page.body().contains("<div id=\"root\">") || page.body().contains("id=\"root\""), path);
        }
        String index = anonymous.get("/admin/background-tasks/").body();
        String script = index.replaceAll("(?s).*src=\"(/admin/background-tasks/assets/[^\"]+\\.js)\".*", "$1");
        assertEquals(200, anonymous.get(script).status(), script);
    }

    @Test
    void theAdminAndViewerFlowsPassInChromium() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "the browser tests need Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)");
        File frontend = Path.of("..", "frontend").toAbsolutePath().normalize().toFile();
        ProcessBuilder npm = new ProcessBuilder(e2eCommand()).directory(frontend).redirectErrorStream(true);
        npm.environment().putAll(Map.of("BASE_URL", base, "ADMIN_USER", "admin", "ADMIN_PASSWORD", PASSWORD,
                "VIEWER_USER", "viewer", "VIEWER_PASSWORD", PASSWORD));
        Process run = npm.start();
        String output = new String(run.getInputStream().readAllBytes());
        assertTrue(run.waitFor(5, TimeUnit.MINUTES), "the browser tests did not finish in 5 minutes");
        System.out.println(output);
        assertEquals(0, run.exitValue(), "browser tests failed:\n" + output);
        assertTrue(output.contains("# fail 0"), output);
    }

    /**
     * Every spec, or only those named by {@code -De2e.specs=queues,viewer} (files of frontend/e2e without
     * {@code .test.mjs}), so a change to one page runs its own spec without all the others.
     */
    private static List<String> e2eCommand() {
        String specs = System.getProperty("e2e.specs", "");
        if (specs.isBlank()) {
            return List.of("npm", "run", "e2e");
        }
        List<String> command = new ArrayList<>(List.of("node", "--test"));
        Arrays.stream(specs.split(",")).map(spec -> "e2e/" + spec.strip() + ".test.mjs").forEach(command::add);
        return command;
    }
}
