package io.chard.task;

import java.util.List;
import java.util.Set;

/**
 * The arguments of a task its {@link Task#redact()} hides from the admin views: by position among the bindable
 * parameters (a call's positional {@code args}) and by name (its {@code kwargs}), or every one of them.
 */
public record Redaction(boolean everything, Set<Integer> positions, Set<String> names) {
    /** What a hidden value reads instead. */
    public static final String PLACEHOLDER = "[redacted]";
    public static final Redaction NONE = new Redaction(false, Set.of(), Set.of());

    public Redaction {
        positions = Set.copyOf(positions);
        names = Set.copyOf(names);
    }

    public boolean any() {
        return everything || !names.isEmpty();
    }

    public boolean hidesPosition(int position) {
        return everything || positions.contains(position);
    }

    public boolean hidesName(String name) {
        return everything || names.contains(name);
    }

    /** From the parameters a declaration named and their positions; "*" hides every argument. */
    static Redaction of(List<String> declared, List<Integer> positions) {
        return declared.isEmpty() ? NONE
                : new Redaction(declared.contains("*"), Set.copyOf(positions), Set.copyOf(declared));
    }
}
