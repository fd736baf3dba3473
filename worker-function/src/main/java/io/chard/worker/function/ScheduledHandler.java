package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;

/**
 * A handler that an EventBridge schedule invokes (the timer drain, beat). Its event only says that the time came:
 * any JSON object is taken (an operator's manual invocation with {@code {}} drains too), and its names are kept
 * for the log. Its {@code time} is not read: that one field would bring Joda-Time's set-up back into the cold start
 * (see {@link FunctionHandler}), and the handlers go by their own clock.
 */
public abstract class ScheduledHandler extends FunctionHandler<ScheduledEvent, String> {

    protected ScheduledHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    protected final ScheduledEvent event(JsonNode json) {
        ScheduledEvent event = new ScheduledEvent();
        event.setId(text(json, "id"));
        event.setSource(text(json, "source"));
        event.setDetailType(text(json, "detail-type"));
        event.setAccount(text(json, "account"));
        event.setRegion(text(json, "region"));
        return event;
    }

    @Override
    protected final String eventType() {
        return "an EventBridge ScheduledEvent";
    }
}
