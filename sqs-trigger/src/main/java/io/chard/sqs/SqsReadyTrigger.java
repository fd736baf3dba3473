package io.chard.sqs;

import io.chard.trigger.NoReadyTrigger;
import io.chard.trigger.ReadyTrigger;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the id of every execution made ready on an SQS-triggered queue to that queue, in batches of ten, with
 * its delay as DelaySeconds. SQS delays at most 15 minutes: a later execution sends nothing and the timer drain
 * leases it when due. A send that fails loses nothing either (the execution waits in Redis for the timer drain);
 * it is logged and counted.
 */
@Singleton
@Replaces(NoReadyTrigger.class)
@Requires(property = "chard.sqs.queue-urls")
public final class SqsReadyTrigger implements ReadyTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(SqsReadyTrigger.class);
    /** SQS's longest DelaySeconds. */
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    private static final int BATCH = 10;

    private final SqsConfig config;
    private final Map<String, String> urls;
    private final AtomicLong failedSends = new AtomicLong();
    /**
     * Made at the first send, not at start: building it loads the AWS SDK's client, HTTP, auth and region classes,
     * which every function would pay for in its cold start although a worker sends only when a retry or a workflow
     * step becomes ready.
     */
    private SqsClient sqs;

    SqsReadyTrigger(SqsConfig config) {
        this.config = config;
        this.urls = config.urls();
    }

    @Override
    public void ready(List<Ready> ready) {
        Map<String, List<Ready>> byQueue = new LinkedHashMap<>();
        for (Ready item : ready) {
            if (urls.containsKey(item.queue()) && item.delay().compareTo(MAX_DELAY) <= 0) {
                byQueue.computeIfAbsent(item.queue(), q -> new ArrayList<>()).add(item);
            }
        }
        byQueue.forEach((queue, items) -> {
            for (int from = 0; from < items.size(); from += BATCH) {
                send(queue, items.subList(from, Math.min(items.size(), from + BATCH)));
            }
        });
    }

    /** Sends that failed since start (their executions wait for the timer drain). */
    public long failedSends() {
        return failedSends.get();
    }

    private void send(String queue, List<Ready> items) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Ready item = items.get(i);
            // Rounded up: a message must never arrive before its execution is due in Redis.
            long delay = (item.delay().toMillis() + 999) / 1000;
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(item.id().toString()).delaySeconds((int) delay).build());
        }
        try {
            SendMessageBatchResponse response = client().sendMessageBatch(b -> b.queueUrl(urls.get(queue)).entries(entries));
            for (BatchResultErrorEntry error : response.failed()) {
                failedSends.incrementAndGet();
                LOG.warn("SQS refused the message for {} on {}: {} (the timer drain will lease it)",
                        items.get(Integer.parseInt(error.id())).id(), queue, error.message());
            }
        } catch (RuntimeException e) {
            failedSends.addAndGet(items.size());
            LOG.warn("could not send {} ids to SQS for queue {} (the timer drain will lease them): {}", items.size(),
                    queue, e.toString());
        }
    }

    private synchronized SqsClient client() {
        if (sqs == null) {
            sqs = SqsClients.create(config);
        }
        return sqs;
    }

    @PreDestroy
    synchronized void close() {
        if (sqs != null) {
            sqs.close();
        }
    }
}
