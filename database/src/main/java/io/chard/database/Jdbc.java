package io.chard.database;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few JDBC shapes the repositories need (a list, one row, an update), each on a pooled connection in
 * auto-commit, with SQL errors turned into {@link DatabaseException} that names what was being done.
 */
@Singleton
public final class Jdbc {
    /**
     * How long a statement may go without a byte from PostgreSQL before its connection counts as lost. Without it a
     * server behind a network partition, or on a host that froze, kept a request waiting for ever, and the pool's
     * connection with it; the pool checks a connection only when it was idle for half a second. Every statement made
     * here is a request's read or write, a beat step or a maintenance batch, each far shorter; the recorder's and
     * the partitions' statements have connections of their own.
     */
    static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException(sql, e);
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... parameters) {
        return list(sql, mapper, parameters).stream().findFirst();
    }

    public long count(String sql, Object... parameters) {
        return one(sql, row -> row.getLong(1), parameters).orElse(0L);
    }

    public int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(sql, e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object[] parameters)
            throws SQLException {
        // The pool puts the connection's own timeout back when it returns.
        connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    /** A statement failed or the database could not be reached. */
    public static final class DatabaseException extends RuntimeException {
        DatabaseException(String sql, SQLException cause) {
            super("database error (" + cause.getMessage() + ") running: " + firstWords(sql), cause);
        }

        private static String firstWords(String sql) {
            return sql.length() > 80 ? sql.substring(0, 80) + "..." : sql;
        }
    }
}
