package com.image2model.billing;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.Callers;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.OperatorRoutes;

/**
 * The billing API: GET /billing/plans (public: the site shows prices before anyone signs in),
 * the members' routes and the operators' reconciliation ({@link BillingApi}). Stripe failing is a
 * 502 that says nothing was charged.
 */
public final class BillingFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Billing billing;
    private final MemberRoutes members;
    private final OperatorRoutes operators;

    private final boolean enabled;

    /** {@code enabled}: false keeps billing dark (its routes answer 503 {@code billing_disabled}; the prices stay public). */
    public BillingFunction(Callers callers, Billing billing, BillingApi api, com.image2model.tenancy.Operators.Group operatorsGroup,
                           boolean enabled) {
        this.enabled = enabled;
        this.billing = billing;
        this.members = new MemberRoutes(callers, api.memberRoutes());
        this.operators = new OperatorRoutes(api.operatorRoutes(enabled), operatorsGroup);
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        String route = String.valueOf(event.getRouteKey());
        try {
            if (route.equals("GET /billing/plans")) {
                return ApiResponses.json(200, Map.of("items", billing.plans(), "trial", billing.trial(), "billingEnabled", enabled,
                        "generation", billing.generation()));
            }
            if (route.contains(" /admin/")) {
                return operators.apply(event);
            }
            if (!enabled) {
                return ApiResponses.error(503, "billing_disabled", "Buying is not open on this site yet: credits work as they are.");
            }
            return members.apply(event);
        } catch (StripeApi.Failed e) {
            return ApiResponses.error(502, "payment_provider_unavailable",
                    "The payment provider did not answer as expected; nothing was charged. Try again in a minute.");
        } catch (com.image2model.platform.Secrets.Unusable e) {
            return com.image2model.platform.NotConfigured.refuse("billing " + route, e);
        }
    }
}
