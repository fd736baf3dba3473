package io.chard.broker;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One state change of one execution, as the scripts append it to the event stream.
 *
 * @param streamId position in the stream, acknowledged once the history holds the change
 * @param seq      the stream position as one increasing number, so the history never lets an older change of an
 *                 execution overwrite a newer one
 * @param data     the change's own fields (see the script headers)
 */
public record BrokerEvent(String streamId, String type, UUID id, long seq, Instant at, Map<String, String> data) {
}
