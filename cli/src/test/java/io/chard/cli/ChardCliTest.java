package io.chard.cli;

import io.chard.admin.testing.AdminApiServer;
import io.chard.config.ChardSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI against a real admin-api (with a worker in it) over HTTP, with API tokens made through the API. */
class ChardCliTest {
    static AdminApiServer server;
    static String operatorToken;
    static String viewerToken;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of(ChardSettings.WORKER_ENABLED, true));
        operatorToken = token("operator");
        viewerToken = token("viewer");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int status, String out, String err) {
    }

    @Test
    void callWithWaitPrintsTheResult() {
        Run run = chard(operatorToken, "call", "examples.add", "2", "3", "--wait");
        assertEquals(0, run.status(), run.toString());
        assertEquals("5", run.out());
        UUID.fromString(run.err().strip().substring("dispatched ".length()));
    }

    @Test
    void callWithoutWaitPrintsTheIdAndATaskThatFailsExitsOne() {
        UUID.fromString(chard(operatorToken, "call", "examples.add", "1", "1").out());
        Run failed = chard(operatorToken, "call", "test.fail", "on purpose", "--wait");
        assertEquals(1, failed.status(), failed.toString());
        assertTrue(failed.err().contains("failed") && failed.err().contains("on purpose"), failed.err());
        assertTrue(failed.err().startsWith("dispatched "), "the id comes before the wait, for a script whose wait "
                + "fails: " + failed.err());
    }

    @Test
    void pauseHoldsACallUntilResumeAndInspectShowsTheQueuePaused() {
        assertEquals(new Run(0, "paused default", ""), chard(operatorToken, "pause", "default"));
        try {
            Run queues = chard(viewerToken, "inspect", "queues");
            assertTrue(queues.out().lines().anyMatch(line -> line.startsWith("default ") && line.endsWith("paused")),
                    queues.out());
            Run held = chard(operatorToken, "call", "examples.add", "4", "5", "--wait", "--timeout", "1.5");
            assertEquals(7, held.status(), "a paused queue runs nothing: " + held);
        } finally {
            assertEquals(new Run(0, "resumed default", ""), chard(operatorToken, "resume", "default"));
        }
        Run resumed = chard(operatorToken, "call", "examples.add", "6", "7", "--wait");
        assertEquals(0, resumed.status(), resumed.toString());
        assertEquals("13", resumed.out());
    }

    @Test
    void purgeRevokesWhatWaitsAndRevokeAnswersConflictOnceEnded() {
        String later = chard(operatorToken, "call", "examples.add", "1", "2", "--queue", "cli-purge").out();
        assertEquals(new Run(0, "purged 1 from cli-purge", ""), chard(operatorToken, "purge", "cli-purge"));
        String delayed = chard(operatorToken, "call", "examples.add", "1", "2", "--countdown", "600").out();
        assertEquals(new Run(0, delayed + " revoked", ""), chard(operatorToken, "revoke", delayed));
        assertEquals(6, chard(operatorToken, "revoke", delayed).status());
        assertEquals(6, chard(operatorToken, "revoke", later).status(), "purged means revoked");
        assertTrue(chard(viewerToken, "inspect", later).out().contains("\"revoke_reason\" : \"purged\""));
        Run workers = chard(viewerToken, "inspect", "workers");
        assertEquals(2, workers.out().lines().count(), "a header and the one worker: " + workers.out());
        assertEquals(0, chard(viewerToken, "inspect", "scheduled").status());
        assertEquals(0, chard(viewerToken, "inspect", "active").status());
    }

    @Test
    void refusalsAndMistakesHaveTheirOwnExitCodesAndSayWhy() {
        Run viewer = chard(viewerToken, "pause", "default");
        assertEquals(3, viewer.status());
        assertTrue(viewer.err().contains("forbidden"), viewer.err());
        Run anonymous = chard("", "inspect", "queues");
        assertEquals(3, anonymous.status());
        assertEquals("", anonymous.out(), "nothing half-printed");
        assertTrue(anonymous.err().contains("CHARD_TOKEN"), anonymous.err());
        assertEquals(4, chard(operatorToken, "pause", "no-such-queue").status());
        assertEquals(4, chard(operatorToken, "call", "no.such.task").status());
        assertEquals(2, chard(operatorToken, "call", "examples.add", "two", "3").status(), "arguments that do not bind");
        assertEquals(2, chard(operatorToken, "frobnicate").status());
        Run nobody = run(new AdminApi("http://127.0.0.1:9", operatorToken), "inspect", "queues");
        assertEquals(5, nobody.status());
        assertTrue(nobody.err().contains("did not answer"), nobody.err());
    }

    /** A text argument is sent whole: "2 apples" is not JSON, so it is text (it was sent as the number 2). */
    @Test
    void aPositionalArgumentThatOnlyStartsLikeJsonIsSentAsText() {
        Run run = chard(operatorToken, "call", "background_tasks.demo_echo", "2 apples", "true story", "",
                "--wait");
        assertEquals(0, run.status(), run.toString());
        assertEquals("{\"args\":[\"2 apples\",\"true story\",\"\"],\"kwargs\":{}}", run.out());
    }

    /** --kwargs with text after its object is not one JSON object: refused, not cut short to the first. */
    @Test
    void kwargsWithTrailingTextAreRefused() {
        Run run = chard(operatorToken, "call", "background_tasks.demo_echo", "--kwargs", "{\"a\": 1} {\"b\": 2}",
                "--wait");
        assertEquals(2, run.status(), run.toString());
    }

    /**
     * CHARD_URL names an address that redirects (an http:// name a load balancer sends on to https://, a
     * moved host). The JDK client follows no redirect, and the CLI took every status below 400 as done: it printed
     * "paused review-redirect" and exited 0 while nothing was paused.
     */
    @Test
    void aRedirectIsNotTakenAsDone() throws Exception {
        chard(operatorToken, "call", "examples.add", "1", "2", "--queue", "review-redirect", "--countdown", "600");
        com.sun.net.httpserver.HttpServer moved = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        moved.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", server.baseUrl() + exchange.getRequestURI());
            exchange.sendResponseHeaders(308, -1);
            exchange.close();
        });
        moved.start();
        try {
            Run paused = run(new AdminApi("http://127.0.0.1:" + moved.getAddress().getPort(), operatorToken),
                    "pause", "review-redirect");
            Run queues = chard(viewerToken, "inspect", "queues");
            boolean reallyPaused = queues.out().lines()
                    .anyMatch(line -> line.startsWith("review-redirect ") && line.endsWith("paused"));
            assertTrue(paused.status() != 0 || reallyPaused,
                    "the CLI says " + paused + " but the queue is not paused:\n" + queues.out());
        } finally {
            moved.stop(0);
        }
    }

    /**
     * A 200 that is not admin-api's JSON (a sign-in page in front of it, or CHARD_URL naming the SPA) was taken as
     * done: "chard pause" printed "paused" and "chard call" an empty id, both exiting 0. From a review.
     */
    @Test
    void aSuccessStatusWhoseBodyIsNotAdminApisAnswerIsNotTakenAsDone() throws Exception {
        com.sun.net.httpserver.HttpServer page = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            byte[] html = "<!doctype html><html><body>Sign in</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        page.start();
        try {
            AdminApi signIn = new AdminApi("http://127.0.0.1:" + page.getAddress().getPort(), operatorToken);
            Run paused = run(signIn, "pause", "review-sso");
            assertTrue(paused.status() != 0 && paused.err().contains("not admin-api's JSON"), paused.toString());
            Run called = run(signIn, "call", "examples.add", "1", "2");
            assertTrue(called.status() != 0, "nothing was dispatched, yet the CLI says " + called);
        } finally {
            page.stop(0);
        }
    }

    private static Run chard(String token, String... args) {
        return run(new AdminApi(server.baseUrl(), token), args);
    }

    private static Run run(AdminApi api, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ChardCli.run(api, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString().strip(), err.toString().strip());
    }

    private static String token(String role) {
        var created = server.admin.post("/api/background_tasks/admin/tokens",
                "{\"name\":\"cli-" + role + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.status(), created.body());
        return created.text("token");
    }
}
