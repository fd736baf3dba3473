package io.chard.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One entry of an execution's timeline, as the history's jsonb keeps it: the event, when, its text, and the facts
 * readers that list attempts look for (the worker a delivery went to, a failed attempt's exception), left out when
 * the event has none. A record rather than a map: its serializer is generated at build time, where a map's values
 * were looked up by their runtime type one by one, a fifth of the recorder thread's time (the profile in
 * docs/architecture.md).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
record TimelineEntry(long seq, String at, String event, String detail, @Nullable String worker,
                     @JsonProperty("exception_type") @Nullable String exceptionType,
                     @JsonProperty("exception_message") @Nullable String exceptionMessage) {
}
