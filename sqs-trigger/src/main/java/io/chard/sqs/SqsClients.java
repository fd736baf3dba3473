package io.chard.sqs;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * The SQS client: the JDK's HTTP client, the configured region, the endpoint override when one is set, and short
 * timeouts. A send runs on the dispatcher's path (the group commit's thread answers its HTTP dispatches after it), and
 * a send that fails loses nothing: the execution waits ready in Redis, where the timer drain finds it. So an SQS
 * that stalls may delay dispatch answers by {@link #CALL_TIMEOUT} at most, never by the SDK's default of minutes.
 */
final class SqsClients {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(800);

    private SqsClients() {
    }

    static SqsClient create(SqsConfig config) {
        SqsClientBuilder builder = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(ATTEMPT_TIMEOUT)
                        .socketTimeout(ATTEMPT_TIMEOUT).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(CALL_TIMEOUT)
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT).build())
                .region(Region.of(config.region()));
        if (config.endpoint() != null && !config.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        return builder.build();
    }
}
