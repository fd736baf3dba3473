package io.chard.admin.testing;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.json.JsonMapper;
import io.chard.history.HistoryWriter;
import io.chard.history.HistoryRecorder;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.Settlement;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.admin.AdminMain;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An admin-api on a random port over the test Redis and a fresh database, with an administrator
 * ({@link #ADMIN}) and, created through the API, an operator and a viewer.
 */
public final class AdminApiServer implements AutoCloseable {
    public static final String ADMIN = "admin";
    public static final String PASSWORD = "test-password";

    public final ApplicationContext context;
    public final ApiClient anonymous;
    public final ApiClient admin;
    public final ApiClient operator;
    public final ApiClient viewer;

    public AdminApiServer(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        properties.put("micronaut.server.port", -1);
        properties.put(ChardSettings.ADMIN_PASSWORD, PASSWORD);
        properties.putAll(overrides);
        context = AdminMain.start(new String[0], properties);
        anonymous = new ApiClient("http://localhost:" + context.getBean(EmbeddedServer.class).getPort());
        admin = anonymous.as(ADMIN, PASSWORD);
        operator = userWithRole("operator");
        viewer = userWithRole("viewer");
    }

    public String baseUrl() {
        return "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
    }

    private ApiClient userWithRole(String role) {
        ApiClient.Answer created = admin.post("/api/background_tasks/admin/users",
                "{\"username\":\"" + role + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        if (created.status() != 201) {
            throw new AssertionError("creating the " + role + " failed: " + created);
        }
        return anonymous.as(role, PASSWORD);
    }

    /** Leases {@code id} from the default queue as test-worker and settles it with {@code outcome}. */
    public void settle(UUID id, Outcome outcome) {
        RedisBroker broker = context.getBean(RedisBroker.class);
        try (BrokerConsumer worker = broker.consumer("test-worker")) {
            Delivery delivery = Await.value("it is leased", Duration.ofSeconds(10), () -> worker
                    .lease(List.of("default"), 100, Duration.ofSeconds(30)).deliveries().stream()
                    .filter(d -> d.id().equals(id)).findFirst().orElse(null));
            worker.settle(List.of(new Settlement(delivery.lease(), outcome)));
        }
    }

    /** Runs a recorder over every event so far, as admin-api's own recorder would (the tests' server runs none). */
    @SuppressWarnings("unchecked")
    public void recordHistory(String consumer) {
        HistoryRecorder recorder = new HistoryRecorder(context.getBean(RedisBroker.class).eventStream(consumer),
                context.getBean(HistoryWriter.class), context.getBean(JsonMapper.class),
                context.getBean(ApplicationEventPublisher.class), HistoryRecorder.LINGER);
        try {
            for (int round = 0; round < 100 && recorder.recordOnce(Duration.ofMillis(200)) > 0; round++) {
                // until a read finds nothing new
            }
        } catch (Exception e) {
            throw new AssertionError("recording the history failed", e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
