package io.chard.admin.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.database.Jdbc;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Who did what to what, and when: every operator action of the admin API. */
@Singleton
public final class AuditLog {
    private final Jdbc jdbc;

    public AuditLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String username, String action, @Nullable String target, @Nullable String detail) {
        jdbc.update("INSERT INTO background_tasks_audit (username, action, target, detail) VALUES (?, ?, ?, ?)",
                username, action, target, detail);
    }

    public List<Entry> page(int page, int perPage) {
        return jdbc.list("SELECT id, at, username, action, target, detail FROM background_tasks_audit "
                + "ORDER BY id DESC LIMIT ? OFFSET ?", AuditLog::entry, perPage, (page - 1) * perPage);
    }

    public long total() {
        return jdbc.count("SELECT count(*) FROM background_tasks_audit");
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
