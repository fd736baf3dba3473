package io.chard.sqs;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

import java.net.URI;

/** The SQS client: the JDK's HTTP client, the configured region, and the endpoint override when one is set. */
final class SqsClients {
    private SqsClients() {
    }

    static SqsClient create(SqsConfig config) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()));
        if (config.endpoint() != null && !config.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        return builder.build();
    }
}
