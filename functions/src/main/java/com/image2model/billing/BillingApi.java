package com.image2model.billing;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.OperatorRoutes;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/** The billing routes: GET /billing, GET /billing/invoices, POST /billing/checkout and /billing/portal (admins); the operators' reconciliation. */
public final class BillingApi {

    private final Billing billing;
    private final String siteOrigin;
    private final Clock clock;

    public BillingApi(Billing billing, String siteOrigin, Clock clock) {
        this.billing = billing;
        this.siteOrigin = siteOrigin.endsWith("/") ? siteOrigin.substring(0, siteOrigin.length() - 1) : siteOrigin;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> memberRoutes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /billing", (caller, event) -> ApiResponses.json(200, state(caller)));
        routes.put("POST /billing/checkout", (caller, event) -> ApiResponses.json(201, checkout(caller.requireAdmin(), ApiRequests.jsonBody(event),
                event)));
        routes.put("GET /billing/invoices", (caller, event) -> ApiResponses.json(200,
                Map.of("invoices", billing.invoices(caller.requireAdmin().companyId()))));
        routes.put("POST /billing/portal", (caller, event) -> ApiResponses.json(201, Map.of("url",
                billing.portal(caller.requireAdmin().companyId(), siteOrigin + "/#/billing"))));
        return routes;
    }

    public Map<String, OperatorRoutes.Route> operatorRoutes() {
        return Map.of("GET /admin/billing/reconcile", (operator, event) -> ApiResponses.json(200, billing.reconcile(month(event))));
    }

    /** The operators' routes of a stage whose billing is {@code enabled} or not: replaying held events needs it on. */
    public Map<String, OperatorRoutes.Route> operatorRoutes(boolean enabled) {
        Map<String, OperatorRoutes.Route> routes = new LinkedHashMap<>(operatorRoutes());
        routes.put("POST /admin/billing/replay", (operator, event) -> {
            if (!enabled) {
                throw new ApiException(409, "billing_disabled", "Billing is off on this stage: held events are acted on once it is on.");
            }
            return ApiResponses.json(200, Map.of("replayed", billing.replayHeld(500)));
        });
        return routes;
    }

    private Map<String, Object> checkout(TenantContext caller, JsonNode body, APIGatewayV2HTTPEvent event) {
        String item = ApiRequests.optionalText(body, "item", "item");
        Integer seats = null;
        if (body.has("seats") && !body.get("seats").isNull()) {
            seats = (int) ApiRequests.wholeNumber(body.get("seats"), "seats", "seats", 1, Billing.MAX_SEATS);
        }
        String requestId = event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                ? event.getRequestContext().getRequestId() : Long.toString(clock.millis());
        String url = billing.checkout(caller.companyId(), item, seats, requestId,
                siteOrigin + "/#/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}", siteOrigin + "/#/billing?checkout=cancelled");
        return Map.of("url", url);
    }

    private Map<String, Object> state(TenantContext caller) {
        Billing.State state = billing.state(caller.companyId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plan", state.plan());
        out.put("seats", state.seats());
        out.put("status", state.status());
        out.put("currentPeriodEnd", state.currentPeriodEnd() == 0 ? null : java.time.Instant.ofEpochSecond(state.currentPeriodEnd()).toString());
        out.put("cancelAtPeriodEnd", state.cancelAtPeriodEnd());
        out.put("pastDue", state.pastDue());
        out.put("hasBillingAccount", state.customerId() != null);
        return out;
    }

    private YearMonth month(APIGatewayV2HTTPEvent event) {
        String month = ApiRequests.query(event).get("month");
        if (month == null || month.isBlank()) {
            return YearMonth.now(clock.withZone(ZoneOffset.UTC));
        }
        try {
            return YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_month", "month is like 2026-11.");
        }
    }
}
