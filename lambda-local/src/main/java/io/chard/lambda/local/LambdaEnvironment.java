package io.chard.lambda.local;

import java.util.Map;

/** The variables Lambda sets for every function, with local values (the runtime client reads them at start). */
public final class LambdaEnvironment {
    public static final Map<String, String> DEFAULTS = Map.of(
            "AWS_LAMBDA_FUNCTION_NAME", "chard-local",
            "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
            "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/chard-local",
            "AWS_LAMBDA_LOG_STREAM_NAME", "local",
            "AWS_REGION", "us-east-1");

    private LambdaEnvironment() {
    }
}
