package io.chard.trigger;

import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.util.List;

/** The default trigger, replaced by a queue trigger module (sqs-trigger) when one is on the classpath. */
@Singleton
@Secondary
public final class NoReadyTrigger implements ReadyTrigger {
    @Override
    public void ready(List<Ready> ready) {
        // nothing to trigger
    }
}
