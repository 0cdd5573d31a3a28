package com.image2model.platform;

/**
 * The one table's partitions: every item of a company lives under {@code C#<companyId>} (so a key
 * built from a caller's verified company cannot reach another's); the few platform-wide partitions
 * are named here too. Each capability's sort keys are built by its own item class.
 */
public final class TableKeys {

    private static final String COMPANY = "C#";

    private TableKeys() {
    }

    /** The partition of everything a company owns. */
    public static String company(String companyId) {
        if (companyId == null || companyId.isBlank()) {
            throw new IllegalArgumentException("A company key needs the company's id");
        }
        return COMPANY + companyId;
    }

    /**
     * A project's item in its company's partition. Two capabilities write it: the projects (name,
     * client, budget, archivedAt) and the credits (the {@code committed} and {@code spent} counters
     * its holds move, in the holds' own transactions).
     */
    public static String project(String projectId) {
        return "PROJECT#" + projectId;
    }
}
