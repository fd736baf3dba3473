package io.chard.admin.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** One {@link AdminApiServer} with default settings for every test of a class that extends this. */
public abstract class SharedAdminApi {
    protected static AdminApiServer server;

    @BeforeAll
    static void startServer() {
        server = new AdminApiServer(Map.of());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
