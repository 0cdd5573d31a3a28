package com.image2model.billing;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/**
 * The billing API: GET /billing/plans, GET /billing, POST /billing/checkout, POST /billing/portal
 * (company admins), and GET /admin/billing/reconcile (operators).
 */
public final class BillingFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {


    private final Billing billing;
    private final String siteOrigin;
    private final Clock clock;

    private final com.image2model.tenancy.Callers callers;

    public BillingFunction(com.image2model.tenancy.Callers callers, Billing billing, String siteOrigin, Clock clock) {
        this.callers = callers;
        this.billing = billing;
        this.siteOrigin = siteOrigin.endsWith("/") ? siteOrigin.substring(0, siteOrigin.length() - 1) : siteOrigin;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            String route = String.valueOf(event.getRouteKey());
            if (route.equals("GET /billing/plans")) {
                // Public: the site shows prices before anyone signs in.
                return ApiResponses.json(200, Map.of("items", billing.plans()));
            }
            if (route.equals("GET /admin/billing/reconcile")) {
                com.image2model.tenancy.Operators.require(event);
                return ApiResponses.json(200, billing.reconcile(month(event)));
            }
            TenantContext caller = callers.verify(event);
            return switch (route) {
                case "GET /billing" -> ApiResponses.json(200, state(caller));
                case "POST /billing/checkout" -> ApiResponses.json(201, checkout(caller.requireAdmin(), ApiRequests.jsonBody(event), event));
                case "POST /billing/portal" -> ApiResponses.json(201, Map.of("url",
                        billing.portal(caller.requireAdmin().companyId(), siteOrigin + "/#/billing")));
                default -> throw ApiException.notFound("Route " + route);
            };
        } catch (StripeApi.Failed e) {
            return ApiResponses.error(502, "payment_provider_unavailable",
                    "The payment provider did not answer as expected; nothing was charged. Try again in a minute.");
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
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
