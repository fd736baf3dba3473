package io.chard.broker;

import io.chard.config.ChardConfig;
import io.lettuce.core.RedisClient;
import io.micronaut.configuration.lettuce.DefaultRedisConfiguration;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.util.List;

/** The connector to one Redis or a Redis Cluster; Micronaut Redis's client is created only for one Redis. */
@Factory
class RedisConnectorFactory {
    /**
     * Lettuce's and Netty's switches for recording their connection and buffer events as JFR events (on unless set
     * to false).
     */
    static final List<String> JFR_EVENT_SWITCHES = List.of("io.lettuce.core.jfr", "io.netty.jfr.enabled");

    static {
        // Off unless asked for (-Dio.lettuce.core.jfr=true, -Dio.netty.jfr.enabled=true): defining their JFR event
        // classes at the first connect initialises JFR's event metadata, about 80 ms of CPU on a worker's path to its
        // first task (async-profiler), for events no one records. Set before any connection exists: every one is
        // opened through here, and Netty reads its switch when its first class initialises, after this.
        for (String name : JFR_EVENT_SWITCHES) {
            if (System.getProperty(name) == null) {
                System.setProperty(name, "false");
            }
        }
    }

    @Singleton
    @Bean(preDestroy = "close")
    RedisConnector redisConnector(ChardConfig config, BeanProvider<RedisClient> single,
                                  BeanProvider<DefaultRedisConfiguration> singleConfig) {
        // Micronaut Redis's configuration is itself a RedisURI, replaced by redis.uri when that is set.
        return RedisConnector.of(config, single::get, () -> {
            DefaultRedisConfiguration redis = singleConfig.get();
            return redis.getUri().orElse(redis);
        });
    }
}
