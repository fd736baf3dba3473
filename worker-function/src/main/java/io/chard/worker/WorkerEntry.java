package io.chard.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What a worker publishes about itself in the registry at every heartbeat (read by the admin dashboard). */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record WorkerEntry(
        String id,
        String host,
        long pid,
        List<String> queues,
        int concurrency,
        List<ActiveTask> active,
        long processed,
        long failed,
        Instant startedAt,
        Instant heartbeatAt) {

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ActiveTask(UUID id, String task, Instant startedAt) {
    }
}
