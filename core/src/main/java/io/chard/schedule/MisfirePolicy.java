package io.chard.schedule;

// What beat does with due times it missed (beat was down, or a tick came late), per schedule.
// Schedule.dueNow applies it; due times older than the catch-up window are never fired.
public enum MisfirePolicy {
    // fire the latest missed due time only: the task runs once, for the most recent slot
    FIRE_ONCE,
    // fire none of the missed due times, only those that are due now (within a minute's grace)
    SKIP,
    // fire every missed due time within the catch-up window, oldest first
    FIRE_ALL
}
