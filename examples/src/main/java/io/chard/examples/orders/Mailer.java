package io.chard.examples.orders;

import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/** Sends mail. This one writes to the log: replace the bean with an SMTP or API client in a real service. */
@Singleton
public class Mailer {
    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    public Sent send(String to, String subject, String body) {
        if (to == null || !to.contains("@")) {
            throw new IllegalArgumentException("not an e-mail address: " + to);
        }
        String messageId = UUID.randomUUID() + "@chard.example";
        LOG.info("mail to {} ({}): {} [{} characters]", to, messageId, subject, body.length());
        return new Sent(messageId, to);
    }

    @Serdeable
    public record Sent(String messageId, String to) {
    }

    /** The mail server did not answer; worth retrying. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
