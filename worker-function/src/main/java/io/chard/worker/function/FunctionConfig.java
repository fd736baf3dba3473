package io.chard.worker.function;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Settings of the Lambda handlers, under {@code chard.function.*} ({@code CHARD_FUNCTION_*}).
 *
 * @param safetyMargin how long before the invocation's end a drain stops: it then gives back what still runs
 *                     and settles every outcome (a few Redis round trips; 5 s leaves room for a slow one)
 * @param runBudget    the time assumed for an execution whose task declares no hard time limit: a drain leases
 *                     it only when this much time is left. Raise it for long tasks without limits
 * @param timeout      the function's timeout as configured in Lambda (the SAM template sets both from one
 *                     parameter); the deadline of an invocation without a Lambda context (tests), and the
 *                     base of the SQS consistency check
 * @param metricsNamespace the CloudWatch namespace of each invocation's embedded-metric line
 */
@ConfigurationProperties("chard.function")
public record FunctionConfig(
        @Bindable(defaultValue = "5s") Duration safetyMargin,
        @Bindable(defaultValue = "10s") Duration runBudget,
        @Bindable(defaultValue = "900s") Duration timeout,
        @Bindable(defaultValue = "Chard") String metricsNamespace) {
}
