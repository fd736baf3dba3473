package io.chard.sqs;

import io.chard.testing.TestRedis;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;

/** An embedded ElasticMQ (a real SQS-compatible server) on a free loopback port, and an SDK client for it. */
final class ElasticMq implements AutoCloseable {
    final String endpoint;
    final SqsClient client;
    private final SQSRestServer server;

    ElasticMq() {
        int port = TestRedis.freePort();
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        server.waitUntilStarted();
        endpoint = "http://127.0.0.1:" + port;
        client = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
    }

    String createQueue(String name) {
        return client.createQueue(b -> b.queueName(name)).queueUrl();
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
