package io.chard.admin.auth;

import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Reads the access rules from PostgreSQL, where they are kept, and records ended sessions. */
@Singleton
final class AccessRepository {
    private final Jdbc jdbc;

    AccessRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A copy of the rules. The generation is drawn first, so a copy with a higher generation was read after
     * every change committed before a lower one was drawn.
     */
    AccessRules read() {
        long generation = jdbc.count("SELECT nextval('background_tasks_access_generation')");
        Map<String, AccessRules.Account> users = new HashMap<>();
        jdbc.list("SELECT id, username, roles, session_version FROM background_tasks_user WHERE NOT disabled",
                row -> users.put(row.getString("username"), new AccessRules.Account(row.getLong("session_version"),
                        Role.load(row.getString("roles")).stream().map(Role::value).toList(), row.getString("id"))));
        Map<String, AccessRules.Token> tokens = new HashMap<>();
        jdbc.list("SELECT t.id, t.name, t.token_hash, t.roles, u.username FROM background_tasks_api_token t "
                        + "JOIN background_tasks_user u ON u.id = t.user_id",
                row -> tokens.put(row.getString("token_hash"), new AccessRules.Token(row.getString("id"),
                        row.getString("name"), row.getString("username"),
                        Role.load(row.getString("roles")).stream().map(Role::value).toList())));
        Map<String, Long> ended = new HashMap<>();
        jdbc.list("SELECT session_id, expires_at FROM background_tasks_ended_session WHERE expires_at > now()",
                row -> ended.put(row.getString("session_id"), row.getTimestamp("expires_at").getTime()));
        return new AccessRules(generation, Map.copyOf(users), Map.copyOf(tokens), Map.copyOf(ended));
    }

    /** Ends a session before its expiry (logout); forgets sessions that have expired anyway. */
    void endSession(UUID sessionId, Instant expiresAt) {
        jdbc.update("DELETE FROM background_tasks_ended_session WHERE expires_at < now()");
        jdbc.update("INSERT INTO background_tasks_ended_session (session_id, expires_at) VALUES (?, ?) "
                + "ON CONFLICT DO NOTHING", sessionId, Timestamp.from(expiresAt));
    }
}
