package io.chard.broker;

import io.chard.config.ChardConfig;
import io.lettuce.core.RedisClient;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The connector to one Redis or a Redis Cluster; Micronaut Redis's client is created only for one Redis. */
@Factory
class RedisConnectorFactory {

    @Singleton
    @Bean(preDestroy = "close")
    RedisConnector redisConnector(ChardConfig config, BeanProvider<RedisClient> single) {
        return RedisConnector.of(config, single::get);
    }
}
