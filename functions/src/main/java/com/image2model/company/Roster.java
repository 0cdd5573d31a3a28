package com.image2model.company;

/**
 * The rule of a company's people: it always keeps at least one active admin. A change of role or
 * active flag, or a removal, that would take the last one away is refused. {@link CompanyStore}
 * keeps the count of active admins on the company item and turns {@link #adminsNeeded} into the
 * write's condition, so two admins demoting each other at once cannot both succeed.
 */
public final class Roster {

    /** The change would leave the company without an active admin. */
    public static final class LastAdmin extends RuntimeException {
        public LastAdmin() {
            super("A company needs at least one active admin: make someone else an admin first.");
        }
    }

    private Roster() {
    }

    /** How the count of active admins moves when {@code before} becomes {@code after}. */
    public static int adminDelta(Member before, Member after) {
        return (after.activeAdmin() ? 1 : 0) - (before.activeAdmin() ? 1 : 0);
    }

    /** How the count of active admins moves when {@code member} leaves. */
    public static int adminDeltaOfRemoval(Member member) {
        return member.activeAdmin() ? -1 : 0;
    }

    /** The active admins a company must have now for a change of {@code delta} to leave one (0: no condition). */
    public static int adminsNeeded(int delta) {
        return delta < 0 ? 1 - delta : 0;
    }

    /** Refuses a change of {@code delta} to a company with {@code activeAdmins}. */
    public static void check(int activeAdmins, int delta) {
        if (delta < 0 && activeAdmins < adminsNeeded(delta)) {
            throw new LastAdmin();
        }
    }
}
