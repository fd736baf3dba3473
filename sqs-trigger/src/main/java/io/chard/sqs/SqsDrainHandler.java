package io.chard.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.chard.broker.BrokerConsumer.IdLease;
import io.chard.broker.BrokerConsumer.IdLeaseCode;
import io.chard.config.ChardConfig;
import io.chard.worker.DrainReport;
import io.chard.worker.function.FunctionHandler;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQS-triggered worker function ({@code io.chard.sqs.SqsDrainHandler}): each message carries one execution
 * id. Leases exactly those executions (as run slots free up, each only if it fits in the time left), runs them
 * with the container worker's semantics, and answers {@code batchItemFailures} naming only the messages whose
 * execution must be tried again: not reached, not fitting, not yet due, or given back at the deadline. A message
 * whose execution ran (whatever the outcome: a retry sends a message of its own), is held by a live lease
 * elsewhere, has ended, or is unknown is acknowledged. Refuses to start when the timeouts are inconsistent
 * (see {@link SqsTiming}).
 */
public class SqsDrainHandler extends FunctionHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsDrainHandler.class);

    /** The constructor Lambda calls. */
    public SqsDrainHandler() {
        this(start(workerProperties(System.getenv())));
    }

    public SqsDrainHandler(ApplicationContext context) {
        super(context);
        SqsTiming.check(config.timeout(), context.getBean(SqsConfig.class).visibilityTimeout(),
                context.getBean(ChardConfig.class).leaseDuration(), config.safetyMargin());
    }

    @Override
    protected Handled<SQSBatchResponse> handle(SQSEvent event, Instant deadline, Instant end) {
        if (event.getRecords() == null) {
            throw new IllegalArgumentException("an SQS event without records");
        }
        // The answer names failed messages by id: a record without one could be neither failed nor told apart.
        if (event.getRecords().stream().anyMatch(message -> message.getMessageId() == null)) {
            throw new IllegalArgumentException("an SQS record without a messageId");
        }
        Map<String, UUID> messages = new LinkedHashMap<>();
        int unreadable = 0;
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                messages.put(message.getMessageId(), UUID.fromString(message.getBody().trim()));
            } catch (RuntimeException e) {
                unreadable++;
                LOG.warn("SQS message {} does not carry an execution id ('{}'); acknowledged", message.getMessageId(),
                        excerpt(message.getBody()));
            }
        }
        DrainReport report = worker().drainIds(List.copyOf(messages.values()), deadline, config.runBudget());
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        int unknown = 0;
        int tooLong = 0;
        for (Map.Entry<String, UUID> message : messages.entrySet()) {
            UUID id = message.getValue();
            IdLease found = report.found().get(id);
            if (found != null && found.code() == IdLeaseCode.UNKNOWN) {
                unknown++;
                LOG.warn("SQS message {} names execution {}, which Redis does not know; acknowledged",
                        message.getKey(), id);
            }
            if (found != null && found.code() == IdLeaseCode.NO_FIT && !report.settled().contains(id)) {
                tooLong++;
            }
            if (!handled(id, found, report)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getKey()).build());
            }
        }
        if (tooLong > 0) {
            // Each comes back until the redrive policy moves it to the DLQ; only this line says why.
            LOG.warn("{} SQS messages name executions whose time limit does not fit in what this invocation had "
                    + "left; they go back to SQS while the executions wait in Redis for this queue's timer drain or "
                    + "a container worker (a task longer than this function's timeout never runs here)", tooLong);
        }
        LOG.info("sqs drain of {} messages: {}; {} to try again, {} unknown, {} unreadable; {} ms left",
                event.getRecords().size(), report.summary(), failures.size(), unknown, unreadable,
                left(end).toMillis());
        return new Handled<>(SQSBatchResponse.builder().withBatchItemFailures(failures).build(), report);
    }

    /** A body for one log line: a message may hold 256 KB, and a line break would forge a log event of its own. */
    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String line = body.replaceAll("[\\r\\n]+", " ");
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }

    /** True when nothing is left for this message to do. */
    private static boolean handled(UUID id, IdLease found, DrainReport report) {
        if (report.settled().contains(id)) {
            return true;
        }
        return found != null && switch (found.code()) {
            case RUNNING, ENDED, WAITING, UNKNOWN -> true;
            case LEASED, NOT_DUE, NO_FIT, HELD, PAUSED, LIMITED, UNREACHED -> false;
        };
    }

    @Override
    protected String eventType() {
        return "an SQSEvent";
    }

    /** The records' message ids and bodies (what the drain reads); the rest of each record is not needed. */
    @Override
    protected SQSEvent event(JsonNode json) {
        JsonNode records = json.get("Records");
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("an SQS event without records");
        }
        List<SQSEvent.SQSMessage> messages = new ArrayList<>(records.size());
        for (JsonNode record : records.values()) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(text(record, "messageId"));
            message.setBody(text(record, "body"));
            messages.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    /** A string field of a record, or null when it has none. */
    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.coerceStringValue();
    }

    /** {@code {"batchItemFailures": [{"itemIdentifier": "..."}]}}, as Lambda's SQS event source reads it. */
    @Override
    protected Object answer(SQSBatchResponse response) {
        return Map.of("batchItemFailures", response.getBatchItemFailures().stream()
                .map(failure -> Map.of("itemIdentifier", failure.getItemIdentifier())).toList());
    }
}
