package io.chard.broker;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.models.stream.PendingMessages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One partition's event stream as a Redis Stream read through the consumer group {@code recorder}. A consumer first
 * re-reads what it was handed but never acknowledged (it crashed, or the database was down), then takes
 * over entries another consumer left unacknowledged for a minute (looking for them every tenth of a minute, not on
 * every read), then reads new entries.
 */
final class RedisEventStream implements EventStream {
    static final String GROUP = "recorder";
    private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);
    /** A consumer idle this long with nothing pending is forgotten ({@link #trim}). */
    private static final Duration FORGOTTEN_AFTER = Duration.ofDays(1);
    /** Events per millisecond that the order number can tell apart (a million: far beyond what Redis writes). */
    private static final int SEQUENCE_BITS = 20;
    /** The cursor XAUTOCLAIM returns when its scan reached the end of the pending list. */
    private static final String PASS_ENDED = "0-0";

    private final RedisBroker broker;
    private final String stream;
    private final Consumer<String> consumer;
    /**
     * The longest a read blocks: a block is a Redis command's wait, kept within half the command timeout, or every
     * quiet read would fail as one.
     */
    private final Duration maxBlock;
    private final Duration abandonedAfter;
    private final Duration forgottenAfter;
    /**
     * How often a read looks for abandoned entries. XAUTOCLAIM walks the group's pending list from its start, and
     * that list holds everything read and not acknowledged yet: a lingering recorder's batch, thousands of entries,
     * walked again by each of its top-up reads. Claiming before every read took Redis 0.2 of a core under 4,300
     * HTTP dispatches/s, more than the reads themselves; an abandoned entry now waits at most a tenth longer.
     */
    private final long claimEveryNanos;
    private long nextClaim = System.nanoTime();
    /**
     * Where the claim pass goes on. One XAUTOCLAIM looks at no more than ten times its count of pending entries, so
     * abandoned entries behind a long run of fresh ones (a live recorder's lingering batch, read before them) are
     * reached by the next reads' claims, each going on from here, until Redis says the pass came round (0-0); only
     * then does the next pass wait for the interval.
     */
    private String claimFrom = "0";
    private RedisConnection connection;
    private BlockingCommands redis;
    private boolean ownBacklogDrained;
    /**
     * Events per entry in the last read. Redis counts entries, the caller events, and an entry may stand for up to
     * 32 (a lease's run of {@code started}, the prelude's {@code RUN_MOST}): a read asks for the entries that would
     * bring {@code max} events at this ratio, so that a backlog of such entries does not come back as a batch of
     * tens of thousands. A first read, or one where the mix changes, can still bring up to 32 times more.
     */
    private double eventsPerEntry = 1;

    /** Connects on first use, so a recorder starts (and waits) while Redis is down. */
    RedisEventStream(RedisBroker broker, RedisKeys keys, String consumerName) {
        this(broker, keys, consumerName, ABANDONED_AFTER);
    }

    /** @param abandonedAfter how long an entry stays unacknowledged before another consumer takes it (tests shorten it) */
    RedisEventStream(RedisBroker broker, RedisKeys keys, String consumerName, Duration abandonedAfter) {
        this(broker, keys, consumerName, abandonedAfter, FORGOTTEN_AFTER);
    }

    /** @param forgottenAfter how long a consumer with nothing pending stays idle before it is removed (tests shorten it) */
    RedisEventStream(RedisBroker broker, RedisKeys keys, String consumerName, Duration abandonedAfter,
                     Duration forgottenAfter) {
        this.broker = broker;
        this.forgottenAfter = forgottenAfter;
        this.stream = keys.events();
        this.consumer = Consumer.from(GROUP, consumerName);
        this.maxBlock = broker.config().redisTimeout().dividedBy(2);
        this.abandonedAfter = abandonedAfter;
        this.claimEveryNanos = abandonedAfter.dividedBy(10).toNanos();
    }

    private synchronized BlockingCommands redis() {
        if (redis == null) {
            RedisConnection opened = broker.connect();
            BlockingCommands commands = opened.commands();
            try {
                createGroup(commands);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            connection = opened;
            redis = commands;
        }
        return redis;
    }

    @Override
    public List<BrokerEvent> read(int max, Duration block) {
        try {
            return readOrFail(max, block);
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof RedisCommandExecutionException gone)
                    || !(String.valueOf(gone.getMessage()).startsWith("NOGROUP")
                    || String.valueOf(gone.getMessage()).startsWith("UNBLOCKED"))) {
                throw e;
            }
            // The stream went away (a Redis without persistence restarted, or the keys were deleted): start over.
            RedisBroker.call(() -> createGroup(redis()));
            ownBacklogDrained = false;
            claimFrom = "0";
            return List.of();
        }
    }

    private List<BrokerEvent> readOrFail(int maxEvents, Duration block) {
        int max = Math.max(1, (int) (maxEvents / eventsPerEntry));
        return RedisBroker.call(() -> {
            if (!ownBacklogDrained) {
                List<StreamMessage<String, String>> own = redis().xreadgroup(consumer, XReadArgs.Builder.count(max),
                        XReadArgs.StreamOffset.from(stream, "0"));
                if (!own.isEmpty()) {
                    return events(own);
                }
                ownBacklogDrained = true;
            }
            long now = System.nanoTime();
            if (now - nextClaim >= 0) {
                var claimed = redis().xautoclaim(stream, XAutoClaimArgs.Builder
                        .xautoclaim(consumer, abandonedAfter, claimFrom).count(max));
                String next = claimed == null ? null : claimed.getId();
                boolean passEnded = next == null || PASS_ENDED.equals(next);
                claimFrom = passEnded ? "0" : next;
                if (passEnded) {
                    nextClaim = now + claimEveryNanos;
                }
                if (claimed != null && !claimed.getMessages().isEmpty()) {
                    return events(claimed.getMessages());
                }
            }
            // BLOCK 0 would wait for ever: a zero block (a partitioned stream's quick look) reads without it, and
            // one under a millisecond (the rest of a recorder's linger) waits a millisecond.
            XReadArgs args = block.isZero() ? XReadArgs.Builder.count(max) : XReadArgs.Builder.count(max)
                    .block(Math.max(1, (block.compareTo(maxBlock) < 0 ? block : maxBlock).toMillis()));
            return events(redis().xreadgroup(consumer, args, XReadArgs.StreamOffset.lastConsumed(stream)));
        });
    }

    @Override
    public void acknowledge(List<BrokerEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        String[] ids = events.stream().map(BrokerEvent::streamId).distinct().toArray(String[]::new);
        RedisBroker.call(() -> redis().xack(stream, GROUP, ids));
    }

    @Override
    public void rewind() {
        ownBacklogDrained = false;
    }

    /** Runs between the trim's two reads: tests deliver entries to another consumer there. */
    volatile Runnable betweenTrimReads = () -> { };

    /**
     * Trims what every consumer acknowledged: up to the oldest pending entry, or, with none pending, up to the last
     * delivered one. That one is read first: nothing pending after it was read means everything delivered up to it
     * was acknowledged. Read after the pending count, it could include entries another recorder was handed between
     * the two reads, still pending, and trimmed: a write of that recorder that then failed read them again without
     * a body, and their events were lost.
     */
    @Override
    public void trim() {
        RedisBroker.call(() -> {
            String lastDelivered = lastDelivered();
            betweenTrimReads.run();
            PendingMessages pending = redis().xpending(stream, GROUP);
            String keepFrom;
            if (pending.getCount() > 0) {
                keepFrom = pending.getMessageIds().getLower().getValue();
            } else if (lastDelivered == null) {
                return 0L;
            } else {
                keepFrom = next(lastDelivered);
            }
            return redis().xtrim(stream, XTrimArgs.Builder.minId(keepFrom));
        });
        RedisBroker.call(this::forgetIdleConsumers);
    }

    /**
     * Removes the group's consumers idle past {@link #FORGOTTEN_AFTER} with nothing pending. A recorder's consumer
     * is named after its host, a container's changes at each restart, and each restart left one in the group for
     * ever. Nothing is lost: a consumer with entries pending is kept until another claims them (a minute), and a
     * live recorder reads every few seconds; one removed all the same is made again by its next read.
     */
    private int forgetIdleConsumers() {
        int forgotten = 0;
        for (Object info : redis().xinfoConsumers(stream, GROUP)) {
            Map<String, Object> fields = fields(info);
            String name = String.valueOf(fields.get("name"));
            if (!name.equals(consumer.getName()) && fields.get("pending") instanceof Long pending && pending == 0
                    && fields.get("idle") instanceof Long idle && idle >= forgottenAfter.toMillis()) {
                redis().xgroupDelconsumer(stream, Consumer.from(GROUP, name));
                forgotten++;
            }
        }
        return forgotten;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }

    private String lastDelivered() {
        Map<String, Object> group = group(redis(), stream);
        return group == null ? null : String.valueOf(group.get("last-delivered-id"));
    }

    /** The recorder group's XINFO GROUPS fields (name, pending, last-delivered-id, lag, ...); null before it exists. */
    static Map<String, Object> group(BlockingCommands redis, String stream) {
        for (Object group : redis.xinfoGroups(stream)) {
            Map<String, Object> info = fields(group);
            if (GROUP.equals(info.get("name"))) {
                return info;
            }
        }
        return null;
    }

    /** One entry of an XINFO answer, a flat list of names and values, by name. */
    private static Map<String, Object> fields(Object entry) {
        List<?> fields = (List<?>) entry;
        Map<String, Object> named = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            named.put(String.valueOf(fields.get(i)), fields.get(i + 1));
        }
        return named;
    }

    /** The smallest stream id after {@code id}, so MINID keeps nothing that was delivered. */
    private static String next(String id) {
        long[] position = position(id);
        return position[0] + "-" + (position[1] + 1);
    }

    /** A stream id "millis-sequence" as its two numbers. */
    static long[] position(String id) {
        int dash = id.indexOf('-');
        return new long[]{Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
    }

    private String createGroup(BlockingCommands commands) {
        try {
            return commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException exists) {
            return "OK";
        }
    }

    /** Entries trimmed while pending come back without a body: acknowledged here so they do not recur. */
    private List<BrokerEvent> events(List<StreamMessage<String, String>> messages) {
        List<BrokerEvent> events = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> message : messages) {
            Map<String, String> body = message.getBody();
            if (body == null || body.get("id") == null) {
                redis().xack(stream, GROUP, message.getId());
                continue;
            }
            long[] position = position(message.getId());
            long seq = (position[0] << SEQUENCE_BITS) | position[1];
            Instant at = Instant.ofEpochMilli(position[0]);
            for (String id : ids(body)) {
                events.add(new BrokerEvent(message.getId(), body.get("type"), UUID.fromString(id), seq, at, body));
            }
        }
        if (!messages.isEmpty()) {
            eventsPerEntry = Math.max(1, (double) events.size() / messages.size());
        }
        return events;
    }

    /**
     * The executions an entry is about: its {@code id}, or every one of {@code ids} for an entry that stands for
     * several (a run of alike events, written as one entry: the prelude's {@code emit_alike}). The entry's copies
     * share its stream id, so acknowledging any of them acknowledges the entry.
     */
    private static List<String> ids(Map<String, String> body) {
        String many = body.get("ids");
        return many == null || many.isEmpty() ? List.of(body.get("id")) : List.of(many.split(","));
    }
}
