package io.chard.admin.auth;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The roles a user or token holds, each a fixed set of permissions. */
public enum Role {
    VIEWER(Permissions.VIEW),
    OPERATOR(Permissions.VIEW, Permissions.MANAGE, Permissions.DISPATCH),
    ADMIN(Permissions.VIEW, Permissions.MANAGE, Permissions.DISPATCH, Permissions.ADMIN);

    private final List<String> permissions;

    Role(String... permissions) {
        this.permissions = List.of(permissions);
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public List<String> permissions() {
        return permissions;
    }

    /** @throws IllegalArgumentException naming the role that does not exist */
    public static Role of(String value) {
        for (Role role : values()) {
            if (role.value().equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; roles are viewer, operator, admin");
    }

    public static Set<String> permissionsOf(Collection<Role> roles) {
        Set<String> granted = new TreeSet<>();
        roles.forEach(role -> granted.addAll(role.permissions()));
        return granted;
    }

    /** The strongest role whose permissions are all within {@code granted}; empty when none is. */
    public static java.util.Optional<Role> strongestWithin(Collection<String> granted) {
        Role strongest = null;
        for (Role role : values()) {
            if (granted.containsAll(role.permissions)) {
                strongest = role;
            }
        }
        return java.util.Optional.ofNullable(strongest);
    }

    /** Roles as stored: comma-separated values. */
    public static String store(Collection<Role> roles) {
        return String.join(",", roles.stream().map(Role::value).sorted().toList());
    }

    public static List<Role> load(String stored) {
        return stored == null || stored.isBlank() ? List.of()
                : java.util.Arrays.stream(stored.split(",")).map(String::trim).map(Role::of).toList();
    }
}
