package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.task.FlowLimit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lease that holds back executions of a full cap looks through the cap's running set once, not once per execution
 * held back: with a cap of 1,000 and a thousand held back in one call, it ran about two million commands in one
 * script and blocked Redis for 3.6 s. Counted in Redis' own command statistics (single Redis, where they are one
 * server's), not timed. From a review.
 */
class FullCapScanTest extends BrokerFixture {

    @Test
    void aLeaseCallThatHoldsBackAThousandExecutionsOfAFullLargeCapLooksThroughTheCapOnce() {
        for (int p = 0; p < broker.partitions().count(); p++) { // test.capped allows 1,000 running at once
            broker.sync().hset(broker.partitions().keys(p).limits(), FlowLimit.ofTask("test.capped"), "0 0 1000 0");
        }
        List<DispatchRequest> backlog = IntStream.range(0, 2_000)
                .mapToObj(i -> DispatchRequest.of("test.capped", null)).toList();
        for (int from = 0; from < backlog.size(); from += 500) {
            client.dispatchAll(backlog.subList(from, from + 500));
        }
        int running = 0;
        while (running < 1_000) {
            int leased = worker.lease(DEFAULT, 1_000 - running, LEASE).deliveries().size();
            assertTrue(leased > 0, "the cap has room for 1,000");
            running += leased;
        }

        long before = calls("zscore");
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "the cap is full");
        long looks = calls("zscore") - before;

        assertTrue(looks <= 10_000, "one lease call looked at the cap's members' leases " + looks + " times");
    }

    private long calls(String command) {
        Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
                .matcher(broker.sync().info("commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
