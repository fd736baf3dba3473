package io.chard.beat;

import java.time.Duration;

/**
 * Told of every fire beat dispatched (beat-function counts them as metrics): the beat module itself carries no
 * metrics library, since admin-api shares it and has registries of its own.
 */
public interface FireObserver {

    /**
     * @param schedule the schedule's name
     * @param lateness when the fire was dispatched minus its due time; negative for a fire dispatched ahead with its
     *                 due time as eta (the Lambda beat's lookahead), which the broker then starts on time
     */
    void fired(String schedule, Duration lateness);
}
