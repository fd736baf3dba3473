package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.Settlement;
import io.chard.database.Jdbc;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Retrying, Scheduled and Dead lists and their actions (run now, retry now, discard, bulk retry), against a
 * real Redis and PostgreSQL: what each list holds, that each action happens once however often it is asked, that
 * a viewer may do none of them, and that each is audited.
 */
class OperatorListsTest {
    static final String EXECUTIONS = AdminApiTest.EXECUTIONS;
    static AdminApiServer server;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void runNowStartsAScheduledExecutionOnceAndLeavesTheScheduledList() {
        String marker = marker();
        UUID id = dispatch(marker, 3_600);
        awaitRecorded(id, row -> row.status().equals("pending") && row.eta() != null);
        Answer scheduled = server.viewer.get(EXECUTIONS + "?list=scheduled&args=" + marker);
        assertEquals(List.of(id), ids(scheduled));
        assertTrue(java.time.Instant.parse(scheduled.json().get("items").get(0).get("eta").getStringValue())
                .isAfter(java.time.Instant.now().plusSeconds(3_000)), "the row says when it is due");

        assertEquals(403, server.viewer.post(EXECUTIONS + "/" + id + "/run-now", "").status());
        Answer ran = server.operator.post(EXECUTIONS + "/" + id + "/run-now", "");
        assertEquals(200, ran.status(), ran.body());
        assertError(server.operator.post(EXECUTIONS + "/" + id + "/run-now", ""), 409, "not_waiting");

        assertEquals(id, leaseAndSettle(Set.of(id), new Outcome.Success("5")).getFirst());
        awaitRecorded(id, row -> row.status().equals("success"));
        assertEquals(List.of(), ids(server.viewer.get(EXECUTIONS + "?list=scheduled&args=" + marker)));
        assertTrue(audited("run_now", id), "audited");
        assertError(server.operator.post(EXECUTIONS + "/" + UUID.randomUUID() + "/run-now", ""), 404, "not_found");
    }

    @Test
    void retryNowCutsShortTheBackoffTheOperatorSawAndNoLaterOne() {
        String marker = marker();
        UUID id = dispatch(marker, 0);
        leaseAndSettle(Set.of(id), new Outcome.Retry(Duration.ofHours(1), "x.Flaky", "first try", "trace"));
        awaitRecorded(id, row -> row.status().equals("retrying"));
        assertEquals(List.of(id), ids(server.viewer.get(EXECUTIONS + "?list=retrying&args=" + marker)));

        assertError(server.operator.post(EXECUTIONS + "/" + id + "/run-now?retries=0", ""), 409, "not_waiting");
        assertEquals(200, server.operator.post(EXECUTIONS + "/" + id + "/run-now?retries=1", "").status());

        assertEquals(List.of(id), leaseAndSettle(Set.of(id), new Outcome.Success("5")));
        awaitRecorded(id, row -> row.status().equals("success") && row.retries() == 1);
        assertEquals(List.of(), ids(server.viewer.get(EXECUTIONS + "?list=retrying&args=" + marker)));
    }

    @Test
    void discardHidesFailuresFromTheDeadListOnceAndKeepsTheirHistory() {
        String marker = marker();
        List<UUID> failed = failures(marker, 3);
        String dead = EXECUTIONS + "?list=dead&args=" + marker;
        assertEquals(3, ids(server.viewer.get(dead)).size());
        String search = "\"list\":\"dead\",\"args\":\"" + marker + "\"";
        assertEquals(403, server.viewer.post(EXECUTIONS + "/bulk-discard", "{" + search + "}").status());
        assertEquals(3, server.operator.post(EXECUTIONS + "/bulk-discard", "{" + search + "}").json().get("matched")
                .getIntValue(), "a dry run counts what it would discard");
        assertEquals(3, ids(server.viewer.get(dead)).size(), "and discards nothing");

        String selection = "{" + search + ",\"ids\":[\"" + failed.getFirst() + "\"],\"dry_run\":false}";
        assertEquals(List.of(failed.getFirst().toString()), strings(server.operator
                .post(EXECUTIONS + "/bulk-discard", selection).json().get("discarded")));
        assertEquals(List.of(), strings(server.operator.post(EXECUTIONS + "/bulk-discard", selection).json()
                .get("discarded")), "discarded once");
        assertEquals(Set.copyOf(failed.subList(1, 3)), Set.copyOf(ids(server.viewer.get(dead))));

        Answer all = server.operator.post(EXECUTIONS + "/bulk-discard", "{" + search + ",\"dry_run\":false}");
        assertEquals(2, all.json().get("discarded").size(), all.body());
        assertEquals(List.of(), ids(server.viewer.get(dead)));
        assertEquals(3, ids(server.viewer.get(EXECUTIONS + "?status=failed&args=" + marker)).size(), "rows kept");
        assertTrue(failed.stream().allMatch(id -> audited("discard", id)), "each discard audited");
        assertError(server.operator.post(EXECUTIONS + "/bulk-discard", "{\"status\":\"success\"}"), 422,
                "invalid_parameter");
        assertError(server.viewer.get(EXECUTIONS + "?list=graveyard"), 422, "invalid_parameter");
    }

    /**
     * The dialog names what the dry run counted, and the dry run names those executions (the ones an action takes),
     * which the confirmation sends back as its selection: what failed between the count and the click is left
     * alone. The action searched again, and retried or discarded the later failures too, which no one had been shown.
     */
    @Test
    void aBulkActionConfirmedAsTheExecutionsItsDryRunNamedLeavesLaterFailuresAlone() {
        String marker = marker();
        List<UUID> counted = failures(marker, 2);
        String search = "\"list\":\"dead\",\"args\":\"" + marker + "\"";
        Answer count = server.operator.post(EXECUTIONS + "/bulk-discard", "{" + search + "}");
        assertEquals(2, count.json().get("matched").getIntValue(), count.body());
        assertEquals(List.of(counted.get(1).toString(), counted.get(0).toString()),
                strings(count.json().get("ids")), "the executions counted, newest first");
        UUID later = failures(marker, 1).getFirst();

        Answer discard = server.operator.post(EXECUTIONS + "/bulk-discard", "{" + search + ",\"ids\":"
                + jsonArray(strings(count.json().get("ids"))) + ",\"dry_run\":false}");
        assertEquals(Set.copyOf(strings(count.json().get("ids"))), Set.copyOf(strings(discard.json()
                .get("discarded"))), discard.body());
        assertEquals(List.of(later), ids(server.viewer.get(EXECUTIONS + "?list=dead&args=" + marker)));

        Answer retryCount = server.operator.post(EXECUTIONS + "/bulk-retry", "{" + search + "}");
        assertEquals(List.of(later.toString()), strings(retryCount.json().get("ids")), retryCount.body());
        UUID latest = failures(marker, 1).getFirst();
        Answer retry = server.operator.post(EXECUTIONS + "/bulk-retry", "{" + search + ",\"ids\":"
                + jsonArray(strings(retryCount.json().get("ids"))) + ",\"dry_run\":false}");
        assertEquals(1, retry.json().get("retried").size(), retry.body());
        assertEquals(later.toString(), server.viewer.get(EXECUTIONS + "/" + retry.json().get("retried").get(0)
                .getStringValue()).text("retried_from_id"), "the counted failure was retried, not " + latest);
    }

    @Test
    void aBulkRetryOfFiftyDeadFailuresClickedTwiceAtOnceRetriesEachExactlyOnce() throws Exception {
        String marker = marker();
        List<UUID> failed = failures(marker, 50);
        String body = "{\"list\":\"dead\",\"args\":\"" + marker + "\",\"dry_run\":false}";
        assertEquals(50, server.operator.post(EXECUTIONS + "/bulk-retry", "{\"list\":\"dead\",\"args\":\"" + marker
                + "\"}").json().get("matched").getIntValue());

        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(
                () -> server.operator.post(EXECUTIONS + "/bulk-retry", body));
        CompletableFuture<Answer> second = CompletableFuture.supplyAsync(
                () -> server.operator.post(EXECUTIONS + "/bulk-retry", body));
        List<String> created = new ArrayList<>(strings(first.get().json().get("retried")));
        created.addAll(strings(second.get().json().get("retried")));

        assertEquals(50, created.size(), "the two clicks together created one retry per failure");
        assertEquals(50, new HashSet<>(created).size());
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("every retry is recorded", Duration.ofSeconds(20),
                () -> failed.stream().allMatch(id -> history.retriedBy(id).size() == 1));
        assertEquals(0, server.operator.post(EXECUTIONS + "/bulk-retry", body).json().get("retried").size(),
                "a third click afterwards");
        assertTrue(failed.stream().allMatch(id -> history.retriedBy(id).size() == 1), "each retried exactly once");
        assertEquals(List.of(), ids(server.viewer.get(EXECUTIONS + "?list=dead&args=" + marker)),
                "a retried failure leaves the Dead list");
        assertEquals(50, server.viewer.get(EXECUTIONS + "?status=failed&args=" + marker).json().get("total")
                .getIntValue(), "and stays failed in the history");
    }

    /**
     * Three failures, the middle one of a task a later deploy renamed: the bulk retry stopped at it with 404
     * unknown_task after the newer one was retried, and every run stopped there, so the older one never was.
     */
    @Test
    void aBulkRetryGoesOnPastAFailureWhoseTaskIsNoLongerDeployedAndNamesIt() {
        String marker = marker();
        List<UUID> failed = failures(marker, 3);
        UUID renamed = failed.get(1);
        server.context.getBean(Jdbc.class).update(
                "UPDATE background_tasks_task_execution SET task_name = 'test.renamed_since' WHERE id = ?", renamed);

        Answer bulk = server.operator.post(EXECUTIONS + "/bulk-retry", "{\"list\":\"dead\",\"args\":\"" + marker
                + "\",\"dry_run\":false}");
        assertEquals(200, bulk.status(), bulk.body());
        assertEquals(2, bulk.json().get("retried").size(), bulk.body());
        assertTrue(bulk.json().get("refused").get(renamed.toString()).getStringValue().contains("test.renamed_since"),
                bulk.body());
    }

    private static String marker() {
        return "lists-" + UUID.randomUUID();
    }

    /** test.echo with {@code marker} as its argument, due in {@code countdown} seconds. */
    private static UUID dispatch(String marker, int countdown) {
        return UUID.fromString(server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.echo\","
                + "\"args\":[\"" + marker + "\"],\"countdown\":" + countdown + "}").text("id"));
    }

    /** {@code count} executions that failed on a (simulated) worker, oldest first, once the history has them. */
    private static List<UUID> failures(String marker, int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(dispatch(marker, 0));
        }
        leaseAndSettle(Set.copyOf(ids), new Outcome.Failure("x.Broken", "broke", "trace"));
        ids.forEach(id -> awaitRecorded(id, row -> row.status().equals("failed")));
        return ids;
    }

    /** Leases the executions {@code ids} as test-worker and settles each with {@code outcome}; answers them. */
    private static List<UUID> leaseAndSettle(Set<UUID> ids, Outcome outcome) {
        RedisBroker broker = server.context.getBean(RedisBroker.class);
        List<Delivery> mine = new ArrayList<>();
        try (BrokerConsumer worker = broker.consumer("test-worker")) {
            Await.until("they are leased", Duration.ofSeconds(10), () -> {
                for (Delivery delivery : worker.lease(List.of("default"), 200, Duration.ofSeconds(30)).deliveries()) {
                    if (ids.contains(delivery.id())) {
                        mine.add(delivery);
                    } else {
                        worker.release(List.of(delivery.lease())); // another test's: back to its queue
                    }
                }
                return mine.size() == ids.size();
            });
            worker.settle(mine.stream().map(delivery -> new Settlement(delivery.lease(), outcome)).toList());
        }
        return mine.stream().map(Delivery::id).toList();
    }

    private static void awaitRecorded(UUID id, Predicate<ExecutionRecord> state) {
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the history shows " + id + " as expected", Duration.ofSeconds(10),
                () -> history.find(id).map(state::test).orElse(false));
    }

    private static boolean audited(String action, UUID target) {
        return server.admin.get(AdminApiTest.ADMIN + "/audit?action=" + action + "&target=" + target).json()
                .get("total").getIntValue() == 1;
    }

    private static List<UUID> ids(Answer page) {
        assertEquals(200, page.status(), page.body());
        List<UUID> ids = new ArrayList<>();
        page.json().get("items").values().forEach(item -> ids.add(UUID.fromString(item.get("id").getStringValue())));
        return ids;
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(value -> "\"" + value + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.values().forEach(value -> values.add(value.getStringValue()));
        return values;
    }
}
