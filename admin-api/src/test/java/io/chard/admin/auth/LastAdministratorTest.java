package io.chard.admin.auth;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient;
import io.chard.admin.testing.ApiClient.Answer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The last enabled administrator stays, whatever requests race to remove it. */
class LastAdministratorTest {
    static final String ADMIN = "/api/background_tasks/admin";

    /**
     * Two administrators demoting each other at once: each request checks that another enabled administrator
     * remains (the other one), then both change their target, and no administrator is left. The row lock held here
     * only widens the window between the check and the write to make the interleaving certain.
     */
    @Test
    void twoAdministratorsDemotingEachOtherAtOnceLeaveOneAdministrator() throws Exception {
        try (AdminApiServer own = new AdminApiServer(Map.of())) {
            Answer created = own.admin.post(ADMIN + "/users", "{\"username\":\"second-admin\",\"password\":\""
                    + AdminApiServer.PASSWORD + "\",\"roles\":[\"admin\"]}");
            assertEquals(201, created.status(), created.body());
            ApiClient second = own.anonymous.as("second-admin", AdminApiServer.PASSWORD);
            String firstId = SessionsThatEndTest.idIn(own, AdminApiServer.ADMIN);
            String secondId = SessionsThatEndTest.idIn(own, "second-admin");
            DataSource database = own.context.getBean(DataSource.class);
            CompletableFuture<Answer> one;
            CompletableFuture<Answer> other;
            try (Connection lock = database.getConnection()) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.execute("SELECT id FROM background_tasks_user FOR UPDATE");
                }
                one = CompletableFuture.supplyAsync(() -> own.admin.patch(ADMIN + "/users/" + secondId,
                        "{\"roles\":[\"viewer\"]}"));
                other = CompletableFuture.supplyAsync(() -> second.patch(ADMIN + "/users/" + firstId,
                        "{\"roles\":[\"viewer\"]}"));
                long deadline = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadline && !(one.isDone() || other.isDone())
                        && waitingOnLocks(database) < 2) {
                    Thread.sleep(20);
                }
                lock.commit();
            }
            Answer a = one.get(30, TimeUnit.SECONDS);
            Answer b = other.get(30, TimeUnit.SECONDS);
            assertTrue(enabledAdmins(database) > 0, "no enabled administrator is left; the two demotions answered "
                    + a.status() + " " + a.body() + " and " + b.status() + " " + b.body());
        }
    }

    private static long waitingOnLocks(DataSource database) throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                     + "current_database() AND wait_event_type = 'Lock'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long enabledAdmins(DataSource database) throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT roles FROM background_tasks_user WHERE NOT disabled")) {
            long count = 0;
            while (row.next()) {
                if (Role.load(row.getString(1)).contains(Role.ADMIN)) {
                    count++;
                }
            }
            return count;
        }
    }
}
