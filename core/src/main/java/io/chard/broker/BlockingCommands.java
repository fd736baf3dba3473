package io.chard.broker;

import io.lettuce.core.Consumer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.ObjectOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Redis commands Chard's own code sends, each waiting for its answer: what Lettuce's synchronous API does
 * (the same timeout, the connection's, and the same exceptions), written out for the commands Chard uses.
 *
 * <p>Why not Lettuce's {@code sync()}: it is a {@link java.lang.reflect.Proxy} over an interface of some 400 methods,
 * with a reflective method map beside it, built at a JVM's first connection: 280 ms of a worker's 1 s from spawn to
 * its first task (async-profiler, with the AOT cache), on the main thread before anything else can happen. Chard's
 * connections are opened without it ({@link LeanRedisClient}); {@link RedisConnection#sync()} still builds it on
 * demand for what needs the whole API (tests, the odd administrative command).
 */
public final class BlockingCommands {
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;

    BlockingCommands(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async) {
        this.connection = connection;
        this.async = async;
    }

    private <T> T await(RedisFuture<T> answer) {
        return LettuceFutures.awaitOrCancel(answer, connection.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Lettuce's EVALSHA with the arguments written straight into the command's buffer: its own encodes each value
     * through the codec into a pooled temporary buffer first, and a lease or settle call carries hundreds of values
     * (a worker profile put that copy at a tenth of the worker's CPU per task). Keys go through the codec as before:
     * a cluster connection routes the call by its first key.
     */
    public <T> T evalsha(String digest, ScriptOutputType type, String[] keys, String... values) {
        return await(async.dispatch(CommandType.EVALSHA, scriptOutput(type), scriptArgs(digest, keys, values)));
    }

    private static CommandArgs<String, String> scriptArgs(String digest, String[] keys, String[] values) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add(digest).add(keys.length)
                .addKeys(keys);
        for (String value : values) {
            args.add(value == null ? "" : value); // as the codec wrote a null
        }
        return args;
    }

    /**
     * BLPOP and, sent right behind it on this connection, EVALSHA (arguments as {@link #evalsha}): Redis runs the
     * script the moment the pop returns, taken or timed out, with no trip back to the caller in between. Both
     * answers are awaited, each kept with its failure, since what the script did (leases under tokens only its
     * answer carries) must not be dropped because the pop failed.
     */
    public <T> PopThenScript<T> blpopThenEvalsha(double timeoutSeconds, String[] wakeKeys, String digest,
                                                 ScriptOutputType type, String[] keys, String... values) {
        RedisFuture<KeyValue<String, String>> pop = async.blpop(timeoutSeconds, wakeKeys);
        RedisFuture<T> script = async.dispatch(CommandType.EVALSHA, scriptOutput(type),
                scriptArgs(digest, keys, values));
        return new PopThenScript<>(Answer.of(() -> await(pop)), Answer.of(() -> await(script)));
    }

    /** A command's answer or its failure. */
    public record Answer<T>(T value, RuntimeException failure) {
        /** What {@code command} answers, or how it failed. */
        public static <T> Answer<T> of(Supplier<T> command) {
            try {
                return new Answer<>(command.get(), null);
            } catch (RuntimeException e) {
                return new Answer<>(null, e);
            }
        }

        /** The answer; the failure thrown. */
        public T get() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }

    /** What {@link #blpopThenEvalsha} answers: the pop's (null when it timed out) and the script's. */
    public record PopThenScript<T>(Answer<KeyValue<String, String>> pop, Answer<T> script) {
    }

    /** The answer's shape for each script output type, as Lettuce's own EVALSHA reads it. */
    @SuppressWarnings("unchecked")
    private static <T> CommandOutput<String, String, T> scriptOutput(ScriptOutputType type) {
        return (CommandOutput<String, String, T>) switch (type) {
            case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            case STATUS -> new StatusOutput<>(StringCodec.UTF8);
            case MULTI -> new NestedMultiOutput<>(StringCodec.UTF8);
            case VALUE -> new ValueOutput<>(StringCodec.UTF8);
            case OBJECT -> new ObjectOutput<>(StringCodec.UTF8);
        };
    }

    public <T> T eval(String script, ScriptOutputType type, String[] keys, String... values) {
        return await(async.eval(script, type, keys, values));
    }

    public String ping() {
        return await(async.ping());
    }

    public String get(String key) {
        return await(async.get(key));
    }

    public Long del(String... keys) {
        return await(async.del(keys));
    }

    public String hget(String key, String field) {
        return await(async.hget(key, field));
    }

    public List<KeyValue<String, String>> hmget(String key, String... fields) {
        return await(async.hmget(key, fields));
    }

    public Map<String, String> hgetall(String key) {
        return await(async.hgetall(key));
    }

    public Boolean hset(String key, String field, String value) {
        return await(async.hset(key, field, value));
    }

    public Long hset(String key, Map<String, String> fields) {
        return await(async.hset(key, fields));
    }

    public Long hdel(String key, String... fields) {
        return await(async.hdel(key, fields));
    }

    public Long sadd(String key, String... members) {
        return await(async.sadd(key, members));
    }

    public Long srem(String key, String... members) {
        return await(async.srem(key, members));
    }

    public Set<String> smembers(String key) {
        return await(async.smembers(key));
    }

    public Long lpush(String key, String... values) {
        return await(async.lpush(key, values));
    }

    public String ltrim(String key, long start, long stop) {
        return await(async.ltrim(key, start, stop));
    }

    public KeyValue<String, String> blpop(double timeoutSeconds, String... keys) {
        return await(async.blpop(timeoutSeconds, keys));
    }

    /** Moves {@code member}'s score to {@code score} if it is in the set; adds nothing. */
    public Long zaddExisting(String key, double score, String member) {
        return await(async.zadd(key, ZAddArgs.Builder.xx(), score, member));
    }

    public Long zcard(String key) {
        return await(async.zcard(key));
    }

    public List<String> zrange(String key, long start, long stop) {
        return await(async.zrange(key, start, stop));
    }

    public Long zrem(String key, String... members) {
        return await(async.zrem(key, members));
    }

    public Long xlen(String key) {
        return await(async.xlen(key));
    }

    public List<StreamMessage<String, String>> xrange(String key, Range<String> range, Limit limit) {
        return await(async.xrange(key, range, limit));
    }

    @SafeVarargs
    public final List<StreamMessage<String, String>> xreadgroup(Consumer<String> consumer, XReadArgs args,
                                                                XReadArgs.StreamOffset<String>... streams) {
        return await(async.xreadgroup(consumer, args, streams));
    }

    public ClaimedMessages<String, String> xautoclaim(String key, XAutoClaimArgs<String> args) {
        return await(async.xautoclaim(key, args));
    }

    public Long xack(String key, String group, String... ids) {
        return await(async.xack(key, group, ids));
    }

    public PendingMessages xpending(String key, String group) {
        return await(async.xpending(key, group));
    }

    public Long xtrim(String key, XTrimArgs args) {
        return await(async.xtrim(key, args));
    }

    public String xgroupCreate(XReadArgs.StreamOffset<String> offset, String group, XGroupCreateArgs args) {
        return await(async.xgroupCreate(offset, group, args));
    }

    public List<Object> xinfoGroups(String key) {
        return await(async.xinfoGroups(key));
    }

    public List<Object> xinfoConsumers(String key, String group) {
        return await(async.xinfoConsumers(key, group));
    }

    public Long xgroupDelconsumer(String key, Consumer<String> consumer) {
        return await(async.xgroupDelconsumer(key, consumer));
    }
}
