package com.image2model.projects;

import java.util.Locale;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.DisplayNames;

import tools.jackson.databind.JsonNode;

/**
 * A POST or PATCH /projects body, read and checked before anything is written. Absent fields
 * change nothing; {@code "budget": null} removes the budget, {@code "client": null} or "" the
 * client. A change of budget or of archived is an admin's decision ({@link #needsAdmin}).
 * ({@code budgetGiven} with a null {@code budget}).
 */
public record ProjectChange(String name, String client, boolean clientGiven, Long budget, boolean budgetGiven,
                            Boolean archived) {

    /** A new project's body: a name is required. */
    public static ProjectChange forCreate(JsonNode body) {
        ProjectChange change = read(body);
        if (change.name == null) {
            throw ApiException.badRequest("invalid_name", "Give the project a name: 1 to 100 characters, like \"Acme spring catalogue\".");
        }
        if (change.archived != null && change.archived) {
            throw ApiException.badRequest("invalid_archived", "A new project cannot start archived.");
        }
        return change;
    }

    /** A PATCH body: at least one field. */
    public static ProjectChange forUpdate(JsonNode body) {
        ProjectChange change = read(body);
        if (change.name == null && !change.clientGiven && !change.budgetGiven && change.archived == null) {
            throw ApiException.badRequest("nothing_to_change", "Send at least one of name, client, budget or archived.");
        }
        return change;
    }

    /** Whether only an admin may make this change: budgets and archiving decide what the company may spend. */
    public boolean needsAdmin() {
        return budgetGiven || archived != null;
    }

    /** The key a name is unique by within a company (case and spacing do not make two names different). */
    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }

    private static ProjectChange read(JsonNode body) {
        String name = null;
        if (body.has("name")) {
            String raw = ApiRequests.optionalText(body, "name", "name");
            name = raw == null ? "" : DisplayNames.text(raw);
            if (name.isEmpty()) {
                throw ApiException.badRequest("invalid_name", "name must be 1 to 100 characters of letters, digits or simple punctuation.");
            }
        }
        boolean clientGiven = body.has("client");
        String client = null;
        if (clientGiven) {
            String raw = ApiRequests.optionalText(body, "client", "client");
            client = raw == null || DisplayNames.text(raw).isEmpty() ? null : DisplayNames.text(raw);
        }
        boolean budgetGiven = body.has("budget");
        Long budget = null;
        if (budgetGiven && !body.get("budget").isNull()) {
            budget = ApiRequests.wholeNumber(body.get("budget"), "budget (credits the project may use; null for no budget)", "budget", 1,
                    Project.MAX_BUDGET);
        }
        Boolean archived = null;
        if (body.has("archived")) {
            if (!body.get("archived").isBoolean()) {
                throw ApiException.badRequest("invalid_archived", "archived must be true or false.");
            }
            archived = body.get("archived").asBoolean();
        }
        return new ProjectChange(name, client, clientGiven, budget, budgetGiven, archived);
    }
}
