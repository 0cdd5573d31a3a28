package com.image2model.company;

import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext.Role;

import tools.jackson.databind.JsonNode;

/** The company routes: GET and PATCH /company, GET /company/members, PATCH and DELETE /company/members/{id}. */
public final class CompanyApi {

    private final Memberships memberships;
    private final java.util.function.Consumer<String> seatsChanged;

    /** {@code seatsChanged} is told the company whose active members changed (billing's seat count follows). */
    public CompanyApi(Memberships memberships, java.util.function.Consumer<String> seatsChanged) {
        this.memberships = memberships;
        this.seatsChanged = seatsChanged;
    }

    /** Tells billing; its failure is logged, never the member's problem. */
    public void seatsChanged(String companyId) {
        try {
            seatsChanged.accept(companyId);
        } catch (RuntimeException e) {
            // The membership change stands; the seat count is set again at the next change or renewal.
            org.slf4j.LoggerFactory.getLogger(CompanyApi.class).warn("Seats of {} not updated: {}", companyId, e.getMessage());
        }
    }

    /** The company routes, answered for a verified caller. */
    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /company", (caller, event) -> ApiResponses.json(200, CompanyViews.company(memberships.company(caller), caller)));
        routes.put("PATCH /company", (caller, event) -> {
            JsonNode body = ApiRequests.jsonBody(event);
            if (!body.path("autoJoin").isBoolean()) {
                throw ApiException.badRequest("invalid_auto_join", "Send {\"autoJoin\": true|false}.");
            }
            return ApiResponses.json(200, CompanyViews.company(memberships.setAutoJoin(caller, body.get("autoJoin").asBoolean()), caller));
        });
        routes.put("GET /company/members", (caller, event) -> ApiResponses.json(200,
                Map.of("members", memberships.members(caller).stream().map(CompanyViews::member).toList())));
        routes.put("PATCH /company/members/{id}", (caller, event) -> {
            JsonNode body = ApiRequests.jsonBody(event);
            Role role = body.has("role") ? CompanyViews.role(ApiRequests.optionalText(body, "role", "role"), null) : null;
            Boolean active = null;
            if (body.has("active")) {
                if (!body.get("active").isBoolean()) {
                    throw ApiException.badRequest("invalid_active", "\"active\" must be true or false.");
                }
                active = body.get("active").asBoolean();
            }
            var changed = CompanyViews.member(memberships.change(caller, MemberRoutes.pathId(event), role, active));
            if (active != null) {
                seatsChanged(caller.companyId());
            }
            return ApiResponses.json(200, changed);
        });
        routes.put("DELETE /company/members/{id}", (caller, event) -> {
            String memberId = MemberRoutes.pathId(event);
            memberships.remove(caller, memberId);
            seatsChanged(caller.companyId());
            return ApiResponses.json(200, Map.of("removed", memberId));
        });
        return routes;
    }
}
