package io.chard.admin.auth;

/** The permission names routes are secured with; a user's roles grant them (see {@link Role}). */
public final class Permissions {
    public static final String VIEW = "background_tasks.view";
    public static final String MANAGE = "background_tasks.manage";
    public static final String DISPATCH = "background_tasks.dispatch";
    public static final String ADMIN = "background_tasks.admin";

    private Permissions() {
    }
}
