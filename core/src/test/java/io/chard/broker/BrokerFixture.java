package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A context on a real Redis per test, its client and one worker's consumer; the cluster tests override the Redis. */
abstract class BrokerFixture {
    static final List<String> DEFAULT = List.of("default");
    static final Duration LEASE = Duration.ofSeconds(30);

    ApplicationContext context;
    RedisBroker broker;
    TaskClient client;
    BrokerConsumer worker;

    @BeforeEach
    void start() {
        Map<String, Object> properties = new HashMap<>(properties());
        properties.putAll(settings());
        context = ApplicationContext.run(properties);
        broker = context.getBean(RedisBroker.class);
        client = context.getBean(TaskClient.class);
        worker = broker.consumer("worker-a");
    }

    /** The context's Redis: one Redis, or a Redis Cluster in the cluster subclasses. */
    Map<String, Object> properties() {
        return TestRedis.properties();
    }

    /** What a test class sets beyond its Redis, on one Redis and on the cluster alike. */
    Map<String, Object> settings() {
        return Map.of();
    }

    @AfterEach
    void stop() {
        worker.close();
        context.close();
    }
}
