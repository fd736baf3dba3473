package io.chard.history;

import io.chard.broker.BrokerEvent;
import io.chard.database.Jdbc;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partitioned history against a real PostgreSQL: routing by UUIDv7 id, keyset paging, estimated counts. */
class HistoryPartitionsTest {
    static final ExecutionFilter ALL = new ExecutionFilter(null, null, null, null, null, null);
    ApplicationContext context;
    Jdbc jdbc;
    HistoryWriter writer;
    HistoryStore store;
    HistoryPartitions partitions;

    @BeforeEach
    void start() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        context = ApplicationContext.run(properties);
        jdbc = context.getBean(Jdbc.class);
        writer = context.getBean(HistoryWriter.class);
        store = context.getBean(HistoryStore.class);
        partitions = context.getBean(HistoryPartitions.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void theMigrationCreatesTodayAndTheWeekAhead() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<LocalDate> days = partitions.days();
        assertEquals(today, days.getFirst());
        assertEquals(today.plusDays(HistoryPartitions.DAYS_AHEAD), days.getLast());
        assertEquals(List.of(), partitions.createAhead(today), "nothing is missing");
    }

    @Test
    void aChangeArrivingBeforeItsEnqueuedEventFindsItsDaysPartition() throws Exception {
        UUID id = uuid7(Instant.now());
        apply(event(id, 2, "started", Map.of("worker", "w1", "deliveries", "1", "retries", "0")));
        apply(event(id, 1, "enqueued", Map.of("env", envelope(Instant.now()))));

        assertEquals(partitionName(LocalDate.now(ZoneOffset.UTC)), partitionOf(id));
        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("running", row.status());
        assertEquals("test.add", row.taskName());
        assertEquals(1, jdbc.count("SELECT count(*) FROM " + HistoryStore.TABLE));
    }

    @Test
    void aRowWrittenBeforeItsDayHadAPartitionMovesIntoItWhenTheDayIsCreated() throws Exception {
        LocalDate later = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        UUID id = uuid7(later.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3_600));
        apply(event(id, 2, "started", Map.of("worker", "w1", "deliveries", "1", "retries", "0")));
        assertEquals(HistoryPartitions.DEFAULT_PARTITION, partitionOf(id));

        partitions.create(later);
        assertEquals(partitionName(later), partitionOf(id));
        apply(event(id, 1, "enqueued", Map.of("env", envelope(Instant.now()))));
        assertEquals("test.add", store.find(id).orElseThrow().taskName());
        assertEquals(1, jdbc.count("SELECT count(*) FROM " + HistoryStore.TABLE));
    }

    @Test
    void aCursorWalksEveryRowOnceNewestFirstWithoutGaps() {
        Instant base = Instant.now().minusSeconds(600);
        for (int i = 0; i < 230; i++) {
            // Ten rows share each queued_at, every 23rd was never queued, and a third have random (v4) ids.
            Instant queued = base.plusSeconds(i / 10);
            UUID id = i % 3 == 0 ? UUID.randomUUID() : uuid7(queued);
            insert(id, i % 2 == 0 ? "success" : "failed", i % 23 == 0 ? null : queued);
        }
        List<UUID> expected = jdbc.list("SELECT id FROM " + HistoryStore.TABLE
                + " ORDER BY queued_at DESC NULLS LAST, id DESC", row -> row.getObject(1, UUID.class));

        assertEquals(expected, walk(ALL, 7));
        assertEquals(jdbc.list("SELECT id FROM " + HistoryStore.TABLE + " WHERE status = 'failed' "
                + "ORDER BY queued_at DESC NULLS LAST, id DESC", row -> row.getObject(1, UUID.class)),
                walk(ALL.withStatuses(List.of("failed")), 9));
        HistoryStore.Page first = store.search(ALL, 1, 50);
        assertEquals(expected.subList(0, 50), first.items().stream().map(ExecutionRecord::id).toList());
        assertEquals(expected.subList(50, 100), store.after(ALL, first.nextCursor(), 50).items().stream()
                .map(ExecutionRecord::id).toList(), "a page's cursor continues where the numbered page ended");
        assertThrows(IllegalArgumentException.class, () -> store.after(ALL, "not-a-cursor", 10));
    }

    @Test
    void countsAboveTenThousandAreEstimatesAndSaySo() {
        jdbc.update("INSERT INTO " + HistoryStore.TABLE + " (id, task_id, task_name, status, queued_at) "
                + "SELECT gen_random_uuid(), 'x', 'test.add', CASE WHEN i % 100 = 0 THEN 'failed' ELSE 'success' END, "
                + "now() - i * interval '1 second' FROM generate_series(1, 20000) i");
        jdbc.update("ANALYZE " + HistoryStore.TABLE);

        HistoryStore.Page all = store.search(ALL, 2, 50);
        assertTrue(all.estimated(), "20,000 rows are estimated");
        assertTrue(all.total() > HistoryStore.EXACT_BELOW && all.total() < 40_000, "estimate " + all.total());
        HistoryStore.Page failed = store.search(ALL.withStatuses(List.of("failed")), 2, 50);
        assertFalse(failed.estimated());
        assertEquals(200, failed.total());
        HistoryStore.Page firstAndOnly = store.search(ALL.withStatuses(List.of("failed")), 1, 500);
        assertEquals(200, firstAndOnly.total());
        assertNull(firstAndOnly.nextCursor());
    }

    /**
     * A zombie's refused report (`stale`) that comes after its execution's day was dropped writes the row anew, as
     * the recorder does for any late event. That row has no status of its own (the insert default, `pending`) and no
     * queued or finished time, so neither the day drop (it moves unfinished rows to the default partition) nor the
     * default partition's purge (ended or stuck rows, by COALESCE(finished_at, queued_at)) ever removes it.
     */
    @Test
    void aRowALateStaleReportWritesAfterItsDayWasDroppedIsPurgedInTheEnd() throws Exception {
        String[] purged = {"success", "failed", "revoked", "cancelled", "stuck"}; // as MaintenanceTasks
        String[] kept = {"pending", "running", "retrying"};
        LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(30);
        partitions.create(old);
        Instant dispatched = old.atTime(12, 0).toInstant(ZoneOffset.UTC);
        UUID id = uuid7(dispatched);
        apply(event(id, 1, "enqueued", Map.of("env", envelope(dispatched))));
        apply(event(id, 2, "started", Map.of("worker", "w1", "deliveries", "1", "retries", "0")));
        apply(event(id, 3, "succeeded", Map.of("result", "3", "finished", Long.toString(dispatched.toEpochMilli()))));
        Instant cutoff = Instant.now().minus(java.time.Duration.ofDays(14));
        partitions.dropBefore(cutoff, kept);
        assertEquals(0, jdbc.count("SELECT count(*) FROM " + HistoryStore.TABLE + " WHERE id = ?", id));

        // The worker whose lease had lapsed reports at last: refused, recorded as stale.
        apply(event(id, 4, "stale", Map.of("worker", "w0", "outcome", "success", "stale", "1")));
        // Every later daily purge, even one whose cutoff is far in the future.
        partitions.dropBefore(Instant.now().plus(java.time.Duration.ofDays(3650)), kept);
        partitions.purgeDefault(Instant.now().plus(java.time.Duration.ofDays(3650)), purged, 10_000);
        assertEquals(0, jdbc.count("SELECT count(*) FROM " + HistoryStore.TABLE + " WHERE id = ?", id),
                "the row a late stale report wrote stays for ever: " + store.find(id).map(r -> r.status()
                        + ", queued " + r.queuedAt() + ", finished " + r.finishedAt()).orElse("?"));
    }

    private List<UUID> walk(ExecutionFilter filter, int perPage) {
        List<UUID> seen = new ArrayList<>();
        Set<UUID> distinct = new HashSet<>();
        HistoryStore.Page page = store.search(filter, 1, perPage);
        while (true) {
            page.items().forEach(row -> {
                seen.add(row.id());
                assertTrue(distinct.add(row.id()), "seen twice: " + row.id());
            });
            if (page.nextCursor() == null) {
                return seen;
            }
            page = store.after(filter, page.nextCursor(), perPage);
        }
    }

    private void insert(UUID id, String status, Instant queuedAt) {
        jdbc.update("INSERT INTO " + HistoryStore.TABLE + " (id, task_id, task_name, status, queued_at) "
                + "VALUES (?, ?, 'test.add', ?, ?)", id, id.toString(), status,
                queuedAt == null ? null : Timestamp.from(queuedAt));
    }

    private String partitionOf(UUID id) {
        return jdbc.one("SELECT tableoid::regclass::text FROM " + HistoryStore.TABLE + " WHERE id = ?",
                row -> row.getString(1), id).orElseThrow();
    }

    private static String partitionName(LocalDate day) {
        return HistoryStore.TABLE + "_p" + day.toString().replace("-", "");
    }

    private void apply(BrokerEvent event) throws HistoryUnavailableException {
        writer.apply(HistoryRecorder.fold(List.of(event), context.getBean(JsonMapper.class)).values());
    }

    private static String envelope(Instant queuedAt) {
        return "{\"task\":\"test.add\",\"queue\":\"default\",\"args\":[1,2],\"queuedAt\":\"" + queuedAt + "\"}";
    }

    private static BrokerEvent event(UUID id, long seq, String type, Map<String, String> data) {
        return new BrokerEvent(seq + "-0", type, id, seq, Instant.now(), data);
    }

    /** A UUIDv7 of {@code at}, as the dispatcher mints them: 48 bits of milliseconds, version 7, random rest. */
    static UUID uuid7(Instant at) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = at.toEpochMilli() << 16 | 0x7000 | random.nextLong(0x1000);
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
