package io.chard.examples.orders;

import io.chard.broker.ExecutionStatus;
import io.chard.client.Dispatched;
import io.chard.client.DispatchRequest;
import io.chard.test.ChardTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The example task module tested as a user tests theirs: through chard-test, tasks inline, no Redis. */
class ReceiptTasksTest {
    private static final List<ReceiptTasks.Line> LINES = List.of(
            new ReceiptTasks.Line("SKU-1", 2, new BigDecimal("4.50")));
    private ChardTest chard;

    @BeforeEach
    void start() {
        // An address nothing listens on: a test that touched Redis would fail.
        chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1"));
    }

    @AfterEach
    void stop() {
        chard.close();
    }

    @Test
    void aDispatchedReceiptIsSentInlineAndItsResultIsThere() {
        Dispatched receipt = chard.client().dispatch("orders.send_receipt", "A-17", "ada@example.com", LINES);

        chard.assertDispatched("orders.send_receipt", "A-17", "ada@example.com", LINES);
        assertEquals("ada@example.com", chard.result(receipt.id(), Mailer.Sent.class).to());
        assertEquals(50, chard.execution(receipt.id()).progress());
    }

    @Test
    void anOrderWithoutLinesFailsInTheDispatcher() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> chard.client().dispatch("orders.send_receipt", "A-18", "ada@example.com", List.of()));

        assertEquals("order A-18 has no lines to put on a receipt", error.getMessage());
        assertEquals(ExecutionStatus.FAILED, chard.status(chard.assertDispatched("orders.send_receipt").id()));
    }

    @Test
    void aReceiptWithACountdownIsSentOnlyWhenTheClockReachesIt() {
        Dispatched receipt = chard.client().dispatch(DispatchRequest.of("orders.send_receipt",
                        chard.client().toJson(List.of("A-19", "ada@example.com", LINES)))
                .withCountdown(Duration.ofMinutes(5)));

        chard.advance(Duration.ofMinutes(4));
        assertEquals(ExecutionStatus.PENDING, chard.status(receipt.id()));
        chard.advance(Duration.ofMinutes(1));
        assertEquals(ExecutionStatus.SUCCESS, chard.status(receipt.id()));
    }
}
