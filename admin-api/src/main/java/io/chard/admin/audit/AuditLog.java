package io.chard.admin.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.database.Jdbc;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Who did what to what, and when: every operator action of the admin API. */
@Singleton
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final Jdbc jdbc;

    public AuditLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records an action that has happened. A row PostgreSQL refuses (it went away between the action and this
     * write) is logged with its content and lost, but does not fail the request: the action stands, and a 503
     * would have the caller do it again (a schedule's run-now, a purge are not idempotent).
     */
    public void record(String username, String action, @Nullable String target, @Nullable String detail) {
        try {
            jdbc.update("INSERT INTO background_tasks_audit (username, action, target, detail) VALUES (?, ?, ?, ?)",
                    username, action, target, detail);
        } catch (Jdbc.DatabaseException e) {
            LOG.error("audit entry not written, the action stands: user={} action={} target={} detail={}: {}",
                    username, action, target, detail, e.getMessage());
        }
    }

    /**
     * Deletes the entries older than {@code cutoff}, oldest first, at most {@code batch} per statement so that no
     * statement holds the table long; answers how many went.
     */
    public long purgeBefore(Instant cutoff, int batch) {
        long purged = 0;
        int deleted;
        do {
            deleted = jdbc.update("DELETE FROM background_tasks_audit WHERE id IN (SELECT id FROM background_tasks_audit"
                    + " WHERE at < ? ORDER BY at LIMIT ?)", Timestamp.from(cutoff), batch);
            purged += deleted;
        } while (deleted == batch);
        return purged;
    }

    /** Which entries an administrator looks for; null parts match every entry, the others exactly. */
    public record Filter(@Nullable String username, @Nullable String action, @Nullable String target) {
        public static final Filter ALL = new Filter(null, null, null);

        private String where() {
            List<String> conditions = new ArrayList<>();
            String[][] parts = {{"username", username}, {"action", action}, {"target", target}};
            for (String[] part : parts) {
                if (part[1] != null) {
                    conditions.add(part[0] + " = ?");
                }
            }
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }

        private List<Object> parameters() {
            return java.util.stream.Stream.of(username, action, target).filter(Objects::nonNull)
                    .map(Object.class::cast).toList();
        }
    }

    /** Page {@code page} (from 1) of the matching entries, newest first. */
    public List<Entry> page(Filter filter, int page, int perPage) {
        List<Object> parameters = new ArrayList<>(filter.parameters());
        parameters.add(perPage);
        parameters.add((page - 1) * perPage);
        return jdbc.list("SELECT id, at, username, action, target, detail FROM background_tasks_audit"
                + filter.where() + " ORDER BY id DESC LIMIT ? OFFSET ?", AuditLog::entry, parameters.toArray());
    }

    public long total(Filter filter) {
        return jdbc.count("SELECT count(*) FROM background_tasks_audit" + filter.where(), filter.parameters().toArray());
    }

    private static Entry entry(ResultSet row) throws SQLException {
        return new Entry(row.getLong("id"), row.getTimestamp("at").toInstant(), row.getString("username"),
                row.getString("action"), row.getString("target"), row.getString("detail"));
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(long id, Instant at, String username, String action, @Nullable String target,
                        @Nullable String detail) {
    }
}
