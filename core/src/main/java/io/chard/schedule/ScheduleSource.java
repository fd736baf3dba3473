package io.chard.schedule;

import java.util.List;

/** A bean that declares periodic schedules in code; every such bean on the classpath contributes its own. */
public interface ScheduleSource {
    List<ScheduleDeclaration> schedules();
}
