package io.chard.admin.auth;

import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens: {@code chard_} + 32 random bytes (base64url). Only the SHA-256 of a secret is stored. A token's
 * roles are chosen at creation; it acts with those of them its owner still holds (see {@link AccessRules}).
 */
@Singleton
public final class TokenRepository {
    public static final String PREFIX = "chard_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SELECT = "SELECT t.id, t.name, u.username, t.roles, t.created_at, t.last_used_at "
            + "FROM background_tasks_api_token t JOIN background_tasks_user u ON u.id = t.user_id";
    private final Jdbc jdbc;

    public TokenRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A new token and its secret (returned once, never stored). */
    public Created create(String name, User owner, List<Role> roles) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO background_tasks_api_token (id, name, user_id, token_hash, roles) VALUES (?, ?, ?, ?, ?)",
                id, name, owner.id(), sha256(token), Role.store(roles));
        return new Created(find(id).orElseThrow(), token);
    }

    /** Writes the last use of each token (best effort, batched off the request path by {@link TokenUsage}). */
    public void recordUse(java.util.Map<UUID, java.time.Instant> lastUse) {
        lastUse.forEach((id, at) -> jdbc.update("UPDATE background_tasks_api_token SET last_used_at = "
                + "GREATEST(last_used_at, ?) WHERE id = ?", Timestamp.from(at), id));
    }

    public Optional<ApiToken> find(UUID id) {
        return jdbc.one(SELECT + " WHERE t.id = ?", TokenRepository::token, id);
    }

    public List<ApiToken> list() {
        return jdbc.list(SELECT + " ORDER BY t.created_at DESC", TokenRepository::token);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM background_tasks_api_token WHERE id = ?", id) > 0;
    }

    private static ApiToken token(ResultSet row) throws SQLException {
        Timestamp lastUsed = row.getTimestamp("last_used_at");
        return new ApiToken(row.getObject("id", UUID.class), row.getString("name"), row.getString("username"),
                Role.load(row.getString("roles")), row.getTimestamp("created_at").toInstant(),
                lastUsed == null ? null : lastUsed.toInstant());
    }

    /** What is stored of a secret: its SHA-256, in hex. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Created(ApiToken token, String secret) {
    }
}
