package io.chard.admin.audit;

import io.chard.admin.testing.SharedAdminApi;
import io.chard.database.Jdbc;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The audit log is kept to audit_retention_days: it grew without bound, an entry per action and logout. */
class AuditRetentionTest extends SharedAdminApi {

    @Test
    void entriesOlderThanTheRetentionAreDeletedAndTheOthersKept() {
        Jdbc jdbc = server.context.getBean(Jdbc.class);
        String marker = "retention-" + UUID.randomUUID();
        assertEquals(200, server.admin.put("/api/background_tasks/admin/settings/audit_retention_days",
                "{\"value\":\"30\"}").status());
        for (int daysAgo : new int[]{400, 31, 29, 0}) {
            jdbc.update("INSERT INTO background_tasks_audit (at, username, action, target) VALUES (?, ?, 'test', ?)",
                    Timestamp.from(Instant.now().minus(Duration.ofDays(daysAgo))), marker, daysAgo + " days ago");
        }

        server.context.getBean(AuditRetention.class).purge(); // the instance's own hourly loop may purge first

        assertEquals(2, jdbc.count("SELECT count(*) FROM background_tasks_audit WHERE username = ?", marker));
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_audit WHERE username = ? AND at < now() "
                + "- interval '30 days'", marker));
    }
}
