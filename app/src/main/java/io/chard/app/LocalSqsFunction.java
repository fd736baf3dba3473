package io.chard.app;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.broker.BrokerUnavailableException;
import io.chard.config.ChardSettings;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.chard.sqs.SqsDrainHandler;
import io.chard.sqs.SqsEvents;
import io.chard.worker.function.DeadlineContext;
import io.chard.worker.function.FunctionHandler;
import io.chard.worker.function.TimerDrainHandler;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./chard dev}'s stand-in for an SQS deployment on Lambda: one function instance (its own application
 * context, as Lambda would hold, running {@link SqsDrainHandler} and {@link TimerDrainHandler}) and the part Lambda's
 * event source mapping plays. It long-polls each SQS-triggered queue, hands every batch of up to ten messages to the
 * SQS handler, deletes the messages it handled and leaves those it names in {@code batchItemFailures} to come back
 * after the visibility timeout (ReportBatchItemFailures). Once a minute the timer drain runs on the same queues, as
 * the SAM template's schedule does, picking up what no message carries (delays over SQS's 15 minutes).
 */
final class LocalSqsFunction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSqsFunction.class);
    /** The function timeout; the visibility timeout is six times it, as {@code SqsTiming} demands. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Duration VISIBILITY = TIMEOUT.multipliedBy(6);
    private static final Duration TIMER = Duration.ofMinutes(1);
    /** A short long-poll: stopping waits for it. */
    private static final int WAIT_SECONDS = 1;

    private final SqsClient sqs;
    private final Map<String, String> queueUrls;
    private final ApplicationContext function;
    private final SqsDrainHandler sqsHandler;
    private final TimerDrainHandler timerHandler;
    private final Loop poller = new Loop("chard-dev-sqs", this::poll);
    private final Outage outage = new Outage(LOG, "the local SQS function");
    private long nextTimerDrain = System.nanoTime() + TIMER.toNanos();

    private LocalSqsFunction(SqsClient sqs, Map<String, String> queueUrls, ApplicationContext function) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.function = function;
        this.sqsHandler = new SqsDrainHandler(function);
        this.timerHandler = new TimerDrainHandler(function);
    }

    /**
     * Creates an SQS queue {@code chard-<queue>} for each of {@code queues} at {@code endpoint} (creating an
     * existing queue is a no-op) and answers the Chard queue to queue URL map the trigger is configured with.
     */
    static Map<String, String> createQueues(String endpoint, List<String> queues) {
        try (SqsClient client = client(endpoint)) {
            Map<String, String> urls = new LinkedHashMap<>();
            for (String queue : queues) {
                urls.put(queue, client.createQueue(b -> b.queueName("chard-" + queue).attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(VISIBILITY.toSeconds())))).queueUrl());
            }
            return urls;
        }
    }

    /** The {@code chard.sqs.*} properties of both the dispatching application and the function. */
    static Map<String, Object> sqsProperties(String endpoint, Map<String, String> queueUrls) {
        return Map.of("chard.sqs.endpoint", endpoint,
                "chard.sqs.queue-urls", queueUrls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(",")),
                "chard.sqs.visibility-timeout", VISIBILITY.toSeconds() + "s");
    }

    /**
     * Starts the function instance on the broker of {@code env} (as the Lambda handlers read it) and begins
     * polling; {@code overrides} are the launcher's settings that every role shares (the shutdown grace).
     */
    static LocalSqsFunction start(Map<String, String> env, String endpoint, Map<String, String> queueUrls,
                                  Map<String, Object> overrides) {
        Map<String, Object> properties = FunctionHandler.workerProperties(env);
        properties.putAll(overrides);
        properties.putAll(sqsProperties(endpoint, queueUrls));
        properties.put(ChardSettings.WORKER_QUEUES, String.join(",", queueUrls.keySet()));
        properties.put("chard.function.timeout", TIMEOUT.toSeconds() + "s");
        ApplicationContext function = ApplicationContext.builder().properties(properties).deduceEnvironment(false)
                .start();
        try {
            LocalSqsFunction local = new LocalSqsFunction(client(endpoint), queueUrls, function);
            local.poller.start();
            return local;
        } catch (RuntimeException e) {
            function.close();
            throw e;
        }
    }

    private Duration poll() {
        try {
            pollOnce();
            outage.recovered();
            return Duration.ZERO;
        } catch (SdkException | BrokerUnavailableException e) {
            // SQS or Redis away: what was received and not deleted comes back after the visibility timeout.
            outage.failed(e);
            return Duration.ofMillis(outage.backoffMillis());
        }
    }

    private void pollOnce() {
        for (String url : queueUrls.values()) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(WAIT_SECONDS)).messages();
            if (!messages.isEmpty()) {
                invoke(url, messages);
            }
        }
        if (System.nanoTime() - nextTimerDrain > 0) {
            nextTimerDrain = System.nanoTime() + TIMER.toNanos();
            timerHandler.handleRequest(new ScheduledEvent(), new DeadlineContext(TIMEOUT));
        }
    }

    /** One invocation, as the event source mapping makes it; a failed invocation deletes nothing. */
    private void invoke(String url, List<Message> messages) {
        SQSBatchResponse response = sqsHandler.handleRequest(SqsEvents.of(messages), new DeadlineContext(TIMEOUT));
        Set<String> again = response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        List<DeleteMessageBatchRequestEntry> handled = new ArrayList<>();
        for (Message message : messages) {
            if (!again.contains(message.messageId())) {
                handled.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(handled.size()))
                        .receiptHandle(message.receiptHandle()).build());
            }
        }
        if (!handled.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(handled));
        }
    }

    private static SqsClient client(String endpoint) {
        return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Stops polling (at most one long-poll), then the function: a drain in progress gives back what runs. */
    @Override
    public void close() {
        poller.stop(Duration.ofSeconds(WAIT_SECONDS + 1));
        function.close();
        sqs.close();
    }
}
