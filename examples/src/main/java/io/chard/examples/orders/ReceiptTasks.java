package io.chard.examples.orders;

import io.chard.task.Task;
import io.chard.task.TaskContext;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.util.List;

/**
 * A realistic task module: sending an order receipt. The mail server may be briefly unavailable (retried with
 * backoff); an order that does not exist is a permanent failure (not retried).
 */
@Singleton
public class ReceiptTasks {
    private final Mailer mailer;

    public ReceiptTasks(Mailer mailer) {
        this.mailer = mailer;
    }

    @Task(value = "orders.send_receipt", queue = "default", autoretryFor = Mailer.Unavailable.class,
            maxRetries = 5, retryBackoff = 2, retryBackoffMax = 300, timeLimit = 60)
    public Mailer.Sent sendReceipt(String orderId, String email, List<Line> lines, TaskContext context) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("order " + orderId + " has no lines to put on a receipt");
        }
        BigDecimal total = lines.stream().map(Line::total).reduce(BigDecimal.ZERO, BigDecimal::add);
        StringBuilder body = new StringBuilder("Thank you for order ").append(orderId).append(".\n\n");
        for (Line line : lines) {
            body.append(line.quantity()).append(" x ").append(line.sku()).append("  ").append(line.total())
                    .append('\n');
        }
        body.append("\nTotal: ").append(total).append('\n');
        context.progress(50, "rendered");
        return mailer.send(email, "Your receipt for order " + orderId, body.toString());
    }

    @io.micronaut.serde.annotation.Serdeable
    public record Line(String sku, int quantity, BigDecimal unitPrice) {
        BigDecimal total() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }
    }
}
