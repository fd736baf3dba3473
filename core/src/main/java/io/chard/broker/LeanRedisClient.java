package io.chard.broker;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;

/**
 * Lettuce's client for one Redis, whose connections build their synchronous API only when {@code sync()} is first
 * called (Lettuce builds it in every connection's constructor: a proxy and a reflective method map, 280 ms at a
 * JVM's first connect; Chard's code uses {@link BlockingCommands} instead). Everything else is Lettuce's own.
 */
final class LeanRedisClient extends RedisClient {

    /** A client sharing {@code configured}'s resources (event loops, reconnect delay) and options. */
    static LeanRedisClient like(RedisClient configured, RedisURI uri) {
        LeanRedisClient client = new LeanRedisClient(configured.getResources(), uri);
        client.setOptions(configured.getOptions());
        return client;
    }

    private LeanRedisClient(ClientResources resources, RedisURI uri) {
        super(resources, uri);
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
            RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
        return new StatefulRedisConnectionImpl<>(writer, pushHandler, codec, timeout, getOptions().getJsonParser()) {
            private RedisCommands<K, V> lazySync;

            @Override
            protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
                return null;
            }

            @Override
            public synchronized RedisCommands<K, V> sync() {
                if (lazySync == null) {
                    lazySync = super.newRedisSyncCommandsImpl();
                }
                return lazySync;
            }
        };
    }
}
