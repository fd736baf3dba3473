package io.chard.admin.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Users in PostgreSQL; passwords as BCrypt hashes (cost 10, about 50 ms a check here). */
@Singleton
public final class UserRepository {
    private static final int COST = 10;
    private static final String SELECT = "SELECT id, username, roles, disabled, created_at, session_version, "
            + "password_hash FROM background_tasks_user";
    /**
     * Unknown and disabled users are checked against this hash, so that refusing them takes as long as a wrong
     * password (a 2 ms answer against 70 ms told which usernames exist).
     */
    private static final byte[] DUMMY_HASH = hash("no user has this password").getBytes(StandardCharsets.UTF_8);
    private final Jdbc jdbc;

    public UserRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws UsernameTakenException when the name is in use */
    public User create(String username, String password, List<Role> roles) {
        UUID id = UUID.randomUUID();
        int inserted = jdbc.update("INSERT INTO background_tasks_user (id, username, password_hash, roles) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (username) DO NOTHING", id, username, hash(password),
                Role.store(roles));
        if (inserted == 0) {
            throw new UsernameTakenException(username);
        }
        return find(id).orElseThrow();
    }

    /** The user, when the password matches and the account is enabled; one BCrypt check either way. */
    public Optional<User> authenticate(String username, String password) {
        Optional<Row> row = jdbc.one(SELECT + " WHERE username = ?", UserRepository::row, username)
                .filter(found -> !found.user().disabled());
        byte[] hash = row.map(found -> found.hash().getBytes(StandardCharsets.UTF_8)).orElse(DUMMY_HASH);
        boolean verified = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
        return verified ? row.map(Row::user) : Optional.empty();
    }

    public Optional<User> find(UUID id) {
        return jdbc.one(SELECT + " WHERE id = ?", UserRepository::row, id).map(Row::user);
    }

    public Optional<User> findByName(String username) {
        return jdbc.one(SELECT + " WHERE username = ?", UserRepository::row, username).map(Row::user);
    }

    public boolean any() {
        return jdbc.count("SELECT count(*) FROM background_tasks_user") > 0;
    }

    public List<User> list() {
        return jdbc.list(SELECT + " ORDER BY username", row -> row(row).user());
    }

    /** Enabled administrators other than {@code except}. */
    public long otherEnabledAdmins(UUID except) {
        return list().stream().filter(user -> !user.id().equals(except) && !user.disabled()
                && user.roles().contains(Role.ADMIN)).count();
    }

    /**
     * Changes what is given (null leaves it); answers the updated user, empty if there is none. A new password,
     * new roles or disabling ends the user's sessions (the session version moves on). With {@code keepAnotherAdmin},
     * only while another enabled administrator remains (see {@link #change}).
     *
     * @throws LastAdminException when the change would leave no other enabled administrator
     */
    public Optional<User> update(UUID id, String password, List<Role> roles, Boolean disabled,
                                 boolean keepAnotherAdmin) {
        boolean endsSessions = password != null || roles != null || Boolean.TRUE.equals(disabled);
        change(id, keepAnotherAdmin, "UPDATE background_tasks_user SET password_hash = COALESCE(?, password_hash), "
                        + "roles = COALESCE(?, roles), disabled = COALESCE(?, disabled), updated_at = now(), "
                        + "session_version = session_version + ? WHERE id = ?",
                password == null ? null : hash(password), roles == null ? null : Role.store(roles), disabled,
                endsSessions ? 1 : 0, id);
        return find(id);
    }

    /**
     * Deletes the user, with {@code keepAnotherAdmin} only while another enabled administrator remains.
     *
     * @throws LastAdminException when deleting it would leave no other enabled administrator
     */
    public boolean delete(UUID id, boolean keepAnotherAdmin) {
        return change(id, keepAnotherAdmin, "DELETE FROM background_tasks_user WHERE id = ?", id) > 0;
    }

    /**
     * Runs {@code statement} (ending in {@code WHERE id = ?}); with {@code keepAnotherAdmin}, guarded in that same
     * statement by {@link #OTHER_ADMINS_LOCKED}, so that a check made before it cannot be outrun.
     */
    private int change(UUID id, boolean keepAnotherAdmin, String statement, Object... parameters) {
        if (!keepAnotherAdmin) {
            return jdbc.update(statement, parameters);
        }
        Object[] guarded = Arrays.copyOf(parameters, parameters.length + 1);
        guarded[parameters.length] = id;
        int changed = jdbc.update(OTHER_ADMINS_LOCKED + statement
                + " AND (SELECT count(*) FROM admins WHERE admins.id <> ?) > 0", guarded);
        if (changed == 0) {
            find(id).ifPresent(user -> {
                throw new LastAdminException(user.username());
            });
        }
        return changed;
    }

    /**
     * Locks every enabled administrator's row, in one order, before the statement counts them: two requests removing
     * two administrators at once (each seeing the other as the one that remains) are serialized, and the second counts
     * the administrators the first left (READ COMMITTED re-reads a row it waited for).
     */
    private static final String OTHER_ADMINS_LOCKED = "WITH admins AS (SELECT id FROM background_tasks_user "
            + "WHERE NOT disabled AND 'admin' = ANY(string_to_array(replace(roles, ' ', ''), ',')) "
            + "ORDER BY id FOR UPDATE) ";

    /** The change would leave no enabled administrator. */
    public static final class LastAdminException extends RuntimeException {
        public LastAdminException(String username) {
            super(username + " is the last enabled administrator");
        }
    }

    private static Row row(ResultSet row) throws SQLException {
        User user = new User(row.getObject("id", UUID.class), row.getString("username"),
                Role.load(row.getString("roles")), row.getBoolean("disabled"), row.getTimestamp("created_at").toInstant(),
                row.getLong("session_version"));
        return new Row(user, row.getString("password_hash"));
    }

    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    private record Row(User user, String hash) {
    }

    /** The username is in use by another account. */
    public static final class UsernameTakenException extends RuntimeException {
        public UsernameTakenException(String username) {
            super("username '" + username + "' is taken");
        }
    }
}
