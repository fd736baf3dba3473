package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;

/**
 * A handler that an EventBridge schedule invokes (the timer drain, beat). Its event only says that the time came, so
 * nothing of it is read: any JSON object is taken (an operator's manual invocation with {@code {}} drains too). Not
 * even its {@code time}: that field would bring Joda-Time's set-up back into the cold start (see
 * {@link FunctionHandler}), and the handlers go by their own clock.
 */
public abstract class ScheduledHandler extends FunctionHandler<ScheduledEvent, String> {

    protected ScheduledHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    protected final ScheduledEvent event(JsonNode json) {
        return new ScheduledEvent();
    }

    @Override
    protected final String eventType() {
        return "an EventBridge ScheduledEvent";
    }
}
