package io.chard.beat.testing;

import io.chard.beat.StoredSchedule;
import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.database.Jdbc;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A beat context on the test Redis and a fresh PostgreSQL database, and what beat tests read back from them. */
public final class BeatFixture implements AutoCloseable {
    public final Map<String, Object> properties;
    public final ApplicationContext context;

    public BeatFixture() {
        properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        context = ApplicationContext.run(properties);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public List<Instant> fires(UUID schedule) {
        return bean(Jdbc.class).list("SELECT fire_time FROM background_tasks_schedule_fire "
                + "WHERE schedule_id = ? ORDER BY fire_time", row -> row.getTimestamp(1).toInstant(), schedule);
    }

    public long executionsInRedis() {
        return redis().keys(keys().prefix() + "t:*").size();
    }

    @SuppressWarnings("unchecked")
    public RedisCommands<String, String> redis() {
        return ((StatefulRedisConnection<String, String>) context.getBean(StatefulRedisConnection.class)).sync();
    }

    public RedisKeys keys() {
        return RedisKeys.of(bean(ChardConfig.class).namespace());
    }

    public static StoredSchedule.Definition definition(String name, ScheduleSpec spec, MisfirePolicy policy,
                                                       Instant start) {
        return new StoredSchedule.Definition(name, "test.add", spec, ZoneOffset.UTC, start, null, true, "[1, 2]", null,
                null, null, policy, Duration.ofHours(1));
    }

    @Override
    public void close() {
        context.close();
    }
}
