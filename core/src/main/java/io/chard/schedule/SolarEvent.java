package io.chard.schedule;

// The sun events of Celery's solar schedule that Chard supports. The constants are Celery's event
// names in upper case, so a stored Celery name maps with valueOf(name.toUpperCase(Locale.ROOT)).
public enum SolarEvent {
    // the sun's upper edge rises over the horizon, refraction included
    SUNRISE,
    // the sun's upper edge sets below the horizon, refraction included
    SUNSET,
    // morning civil twilight begins: the sun's centre rises through 6 degrees below the horizon
    DAWN_CIVIL,
    // evening civil twilight ends: the sun's centre sets through 6 degrees below the horizon
    DUSK_CIVIL,
    // the sun at its highest (it crosses the meridian), which happens every day, even in polar night
    SOLAR_NOON
}
