package io.chard.app;

import io.chard.testing.TestRedis;

import java.util.Map;

/** The system scenarios on one Redis, one partition (the default layout). */
class SystemTest extends SystemScenarios {
    @Override
    Map<String, Object> redis() {
        return TestRedis.properties();
    }
}
