package io.chard.sqs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQS trigger's settings, under {@code chard.sqs.*} ({@code CHARD_SQS_*}).
 *
 * @param queueUrls         the SQS-triggered Chard queues: {@code queue=url,queue=url}; executions made ready on
 *                          any other queue send nothing
 * @param endpoint          the SQS endpoint, for ElasticMQ or a VPC endpoint (empty: the region's own)
 * @param region            the region of the queues ({@code AWS_REGION} under Lambda)
 * @param visibilityTimeout the queues' visibility timeout, as configured on them (the SAM template sets both
 *                          from one parameter); checked against the function timeout and the lease at start
 */
@ConfigurationProperties("chard.sqs")
public record SqsConfig(
        @Bindable(defaultValue = "") String queueUrls,
        @Nullable String endpoint,
        @Bindable(defaultValue = "us-east-1") String region,
        @Bindable(defaultValue = "5400s") Duration visibilityTimeout) {

    /** Chard queue name to SQS queue URL, in the order given. */
    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String pair : queueUrls.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalStateException("chard.sqs.queue-urls (CHARD_SQS_QUEUE_URLS) takes queue=url pairs "
                        + "separated by commas; got '" + pair.trim() + "'");
            }
            urls.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return urls;
    }
}
