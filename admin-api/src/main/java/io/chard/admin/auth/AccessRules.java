package io.chard.admin.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every request is checked against, as one immutable copy: the enabled users with their roles and session
 * version, the API tokens (by the SHA-256 of their secret) and the sessions ended by logout. Copied from
 * PostgreSQL into Redis and memory by {@link AccessMirror}, so that no request waits on PostgreSQL.
 *
 * @param generation    orders copies: a higher one holds every change an earlier one holds
 * @param users         enabled users by name (a disabled or deleted user is absent)
 * @param tokens        tokens by the hash of their secret
 * @param endedSessions session id -> when the session would have expired (epoch ms)
 */
@Serdeable
public record AccessRules(long generation, Map<String, Account> users, Map<String, Token> tokens,
                          Map<String, Long> endedSessions) {
    static final AccessRules NONE = new AccessRules(-1, Map.of(), Map.of(), Map.of());

    /**
     * The JSON copy in Redis leaves empty maps out, so a copy read back (an admin restarted against a namespace
     * where no session was ended yet) carries nulls: they mean "none".
     */
    public AccessRules {
        users = users == null ? Map.of() : users;
        tokens = tokens == null ? Map.of() : tokens;
        endedSessions = endedSessions == null ? Map.of() : endedSessions;
    }

    /** @param id the user's id; null in a copy written before ids were kept (its sessions are checked by name) */
    @Serdeable
    public record Account(long sessionVersion, List<String> roles, @Nullable String id) {
    }

    @Serdeable
    public record Token(String id, String name, String username, List<String> roles) {
    }

    /**
     * Whether a session signed in as {@code username} (the account {@code userId}) at {@code version} still holds. The
     * id as well as the name: a session of a deleted account must not hold for a new account that took its name
     * (both start at session version 0).
     */
    boolean sessionHolds(String username, @Nullable String userId, long version, @Nullable String sessionId) {
        Account account = users.get(username);
        return account != null && account.sessionVersion() == version
                && (account.id() == null || account.id().equals(userId))
                && (sessionId == null || !endedSessions.containsKey(sessionId));
    }

    /** Whether this copy may be older than what a session carries (a user created or changed moments ago). */
    boolean mayLag(String username, long version) {
        Account account = users.get(username);
        return account == null || account.sessionVersion() < version;
    }

    /**
     * The identity of an API token: its owner's name, and the permissions both the token and its owner hold now
     * (a token made by an admin acts as a viewer once its owner is demoted to viewer).
     */
    Optional<Authentication> authenticateToken(String hash) {
        Token token = tokens.get(hash);
        Account owner = token == null ? null : users.get(token.username());
        if (owner == null) {
            return Optional.empty();
        }
        Set<String> granted = new TreeSet<>(Role.permissionsOf(owner.roles().stream().map(Role::of).toList()));
        granted.retainAll(Role.permissionsOf(token.roles().stream().map(Role::of).toList()));
        List<String> roles = Role.strongestWithin(granted).map(role -> List.of(role.value())).orElse(List.of());
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(Sessions.ROLES_ATTRIBUTE, roles);
        attributes.put("token", token.name());
        attributes.put(TOKEN_ID, token.id());
        return Optional.of(Authentication.build(token.username(), granted, attributes));
    }

    static final String TOKEN_ID = "chard_token_id";
}
