package com.image2model.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Csv;
import com.image2model.tenancy.OperatorRoutes;

import tools.jackson.databind.JsonNode;

/**
 * The operators' routes on companies and people: the directory (and its CSV), one company, credit
 * adjustments, suspensions, and disabling a person. Every change is audited by {@link Operations}.
 */
public final class CompanyOperationsApi {

    private final Operations operations;
    private final Function<String, Map<String, Object>> billing;

    /** {@code billing} answers a company's billing state (plan, seats, status) for its page. */
    public CompanyOperationsApi(Operations operations, Function<String, Map<String, Object>> billing) {
        this.operations = operations;
        this.billing = billing;
    }

    public Map<String, OperatorRoutes.Route> routes() {
        Map<String, OperatorRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /admin/companies", (operator, event) -> {
            AdminStore.Page page = operations.companies(ApiRequests.query(event).get("query"), AdminRequests.cursor(ApiRequests.query(event).get("cursor")));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("companies", page.companies());
            out.put("nextCursor", page.nextCursor());
            return ApiResponses.json(200, out);
        });
        routes.put("GET /admin/companies/{id}", (operator, event) -> ApiResponses.json(200,
                operations.company(AdminRequests.pathId(event, "id"), billing)));
        routes.put("POST /admin/companies/{id}/credits", (operator, event) -> {
            JsonNode body = ApiRequests.jsonBody(event);
            long amount = ApiRequests.wholeNumber(body.get("amount"), "amount", "amount", -Operations.MOST_ADJUSTMENT, Operations.MOST_ADJUSTMENT);
            return ApiResponses.json(200, operations.adjust(operator, AdminRequests.pathId(event, "id"), amount,
                    ApiRequests.optionalText(body, "reason", "reason"), idempotencyKey(event)));
        });
        routes.put("POST /admin/companies/{id}/suspend", (operator, event) -> ApiResponses.json(200,
                operations.suspend(operator, AdminRequests.pathId(event, "id"), AdminRequests.reason(event, true))));
        routes.put("POST /admin/companies/{id}/unsuspend", (operator, event) -> ApiResponses.json(200,
                operations.unsuspend(operator, AdminRequests.pathId(event, "id"), AdminRequests.reason(event, false))));
        routes.put("POST /admin/users/{sub}/disable", (operator, event) -> ApiResponses.json(200,
                operations.disableUser(operator, AdminRequests.pathId(event, "sub"), true, AdminRequests.reason(event, true))));
        routes.put("POST /admin/users/{sub}/enable", (operator, event) -> ApiResponses.json(200,
                operations.disableUser(operator, AdminRequests.pathId(event, "sub"), false, AdminRequests.reason(event, false))));
        routes.put("GET /admin/export/companies.csv", (operator, event) -> companiesCsv());
        return routes;
    }

    /** A retried request (same Idempotency-Key) adjusts once; without one, the request is its own key. */
    private static String idempotencyKey(APIGatewayV2HTTPEvent event) {
        String key = ApiRequests.header(event.getHeaders(), "idempotency-key");
        if (key == null || key.isBlank()) {
            return event.getRequestContext().getRequestId();
        }
        if (!key.matches("[A-Za-z0-9_-]{8,100}")) {
            throw ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 8 to 100 letters, digits, - or _.");
        }
        return key;
    }

    private APIGatewayV2HTTPResponse companiesCsv() {
        List<List<Object>> rows = new ArrayList<>();
        String cursor = null;
        do {
            AdminStore.Page page = operations.companies(null, cursor);
            page.companies().forEach(c -> rows.add(Arrays.asList(c.companyId(), c.name(), c.domain(), c.plan(), c.status(),
                    c.suspended(), c.members(), c.available(), c.held(), c.imagesThisMonth(), c.revenueToDateCents(), c.createdAt())));
            cursor = page.nextCursor();
        } while (cursor != null);
        return Csv.download("companies.csv", Csv.table(List.of("id", "name", "domain", "plan", "status", "suspended", "members", "available",
                "held", "imagesThisMonth", "revenueToDateCents", "createdAt"), rows));
    }
}
