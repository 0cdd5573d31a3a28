package com.image2model.credits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/** The credits routes: GET /credits, GET /credits/ledger, POST /credits/estimate. */
public final class CreditsApi {

    static final int MAX_FILES = 100;
    static final int LEDGER_PAGE = 50;

    private final CreditLedger ledger;
    private final Catalog catalog;
    private final CreditsSummary summary;

    public CreditsApi(CreditLedger ledger, Catalog catalog, CreditsSummary summary) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.summary = summary;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /credits", (caller, event) -> ApiResponses.json(200, summary.of(caller)));
        routes.put("GET /credits/ledger", (caller, event) -> ApiResponses.json(200, ledgerPage(caller, ApiRequests.query(event).get("cursor"))));
        routes.put("POST /credits/estimate", (caller, event) -> ApiResponses.json(200, estimate(caller, ApiRequests.jsonBody(event))));
        return routes;
    }

    private Map<String, Object> ledgerPage(TenantContext caller, String cursor) {
        Long before = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
            }
        }
        List<CreditLedger.Entry> entries = ledger.entries(caller.companyId(), before, LEDGER_PAGE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries.stream().map(CreditLedger.Entry::view).toList());
        CreditLedger.Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        out.put("nextCursor", last == null || last.sequence() <= 1 || entries.size() < LEDGER_PAGE ? null : String.valueOf(last.sequence()));
        return out;
    }

    private Map<String, Object> estimate(TenantContext caller, JsonNode body) {
        // The same options as POST /jobs takes (a preset or a polycount, pbr, topology, textureQuality), and views per model.
        com.image2model.generation.ModelOptions options = new com.image2model.generation.OptionsReader(catalog.models()).job(body);
        long views = body.has("views") ? ApiRequests.wholeNumber(body.get("views"), "views (images per model)", "views", 1,
                com.image2model.generation.GenerationCatalog.MAX_VIEWS) : 1;
        com.image2model.generation.GenerationPlan plan = catalog.models().plan(options, (int) views);
        OptionalLong perImage = OptionalLong.of(plan.credits());
        long files = ApiRequests.wholeNumber(body.get("files"), "files", "files", 1, MAX_FILES);
        long cost = Math.multiplyExact(perImage.getAsLong(), files);
        long available = ledger.balance(caller.companyId()).available();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cost", cost);
        out.put("perImage", perImage.getAsLong());
        out.put("options", options.toMap());
        out.put("views", views);
        out.put("typicalSeconds", plan.typicalSeconds());
        out.put("available", available);
        out.put("fits", available >= cost);
        return out;
    }
}
