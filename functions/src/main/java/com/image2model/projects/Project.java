package com.image2model.projects;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.image2model.platform.ApiException;

/**
 * A client project of a company: a name, the client it is for, an optional budget in credits and
 * whether it is archived. {@code committed} counts the credits its jobs hold or have spent,
 * {@code spent} those spent; what a failed or cancelled image held comes back to the budget. Every
 * company has the project {@value #GENERAL} ("General"), where jobs go when none is chosen.
 */
public record Project(String projectId, String name, String client, Long budget, long committed, long spent, String archivedAt,
                      String createdAt, String updatedAt) {

    public static final String GENERAL = "general";
    public static final String GENERAL_NAME = "General";
    /** The largest budget a project may have: a billion credits, far beyond any pack, and far from overflowing a long. */
    public static final long MAX_BUDGET = 1_000_000_000L;
    /** A company's projects, archived ones included: enough for an agency's clients, small enough to list in one read. */
    public static final int MAX_PROJECTS = 500;
    private static final Pattern ID = Pattern.compile("general|p[0-9a-f]{16}");

    /** Whether {@code id} looks like a project id (anything else is answered as a project that does not exist). */
    public static boolean wellFormed(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public boolean archived() {
        return archivedAt != null;
    }

    /** Credits still held by unfinished work. */
    public long held() {
        return Math.max(0, committed - spent);
    }

    /** What the budget still allows (never below 0); null when the project has no budget. */
    public Long remaining() {
        return budget == null ? null : Math.max(0, budget - committed);
    }

    /**
     * Whether work costing {@code cost} credits may start in this project: an archived project takes
     * no new work (409 {@code project_archived}); over the budget is 402
     * {@code project_budget_exceeded} with what is left.
     */
    public void admit(long cost) {
        if (archived()) {
            throw ApiException.conflict("project_archived", "The project \"" + name + "\" is archived: bring it back on the Projects page"
                    + " or choose another project.");
        }
        if (budget != null && cost > remaining()) {
            throw new ApiException(402, "project_budget_exceeded", "This needs " + cost + " credits and the project \"" + name
                    + "\" has " + remaining() + " of its " + budget + "-credit budget left. An admin can raise the budget, or choose fewer"
                    + " images or a lower quality.")
                    .withDetail("projectId", projectId).withDetail("budget", budget).withDetail("remaining", remaining())
                    .withDetail("needed", cost);
        }
    }

    /** The project as the API shows it. */
    public Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("projectId", projectId);
        out.put("name", name);
        out.put("client", client);
        out.put("budget", budget);
        out.put("committed", committed);
        out.put("spent", spent);
        out.put("held", held());
        out.put("remaining", remaining());
        out.put("archived", archived());
        out.put("archivedAt", archivedAt);
        out.put("createdAt", createdAt);
        out.put("updatedAt", updatedAt);
        return out;
    }

    /** The project every company has, before anything was written for it. */
    public static Project general(String at) {
        return new Project(GENERAL, GENERAL_NAME, null, null, 0, 0, null, at, at);
    }
}
