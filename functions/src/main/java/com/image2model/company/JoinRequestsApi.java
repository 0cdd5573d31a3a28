package com.image2model.company;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext.Role;

/**
 * Who joins a company: its admins' side (waiting join requests, approve and decline; the domain's
 * DNS proof that allows automatic joining) and the requester's own (where the request stands, or a
 * workspace of their own instead).
 */
public final class JoinRequestsApi {

    private final Memberships memberships;
    private final Consumer<String> seatsChanged;

    public JoinRequestsApi(Memberships memberships, Consumer<String> seatsChanged) {
        this.memberships = memberships;
        this.seatsChanged = seatsChanged;
    }

    /** The admins' routes. */
    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /company/join-requests", (caller, event) -> ApiResponses.json(200,
                Map.of("requests", memberships.joinRequests(caller).stream().map(CompanyViews::joinRequest).toList())));
        routes.put("POST /company/join-requests/{id}/approve", (caller, event) -> {
            Role role = event.getBody() == null || event.getBody().isBlank() ? Role.MEMBER
                    : CompanyViews.role(ApiRequests.optionalText(ApiRequests.jsonBody(event), "role", "role"), Role.MEMBER);
            var member = CompanyViews.member(memberships.approve(caller, MemberRoutes.pathId(event), role));
            seatsChanged.accept(caller.companyId());
            return ApiResponses.json(200, member);
        });
        routes.put("POST /company/join-requests/{id}/decline", (caller, event) -> {
            memberships.decline(caller, MemberRoutes.pathId(event));
            return ApiResponses.json(200, Map.of("declined", MemberRoutes.pathId(event)));
        });
        routes.put("GET /company/domain", (caller, event) -> ApiResponses.json(200, CompanyViews.domainProof(memberships.domainProof(caller))));
        routes.put("POST /company/domain/verify", (caller, event) ->
                ApiResponses.json(200, CompanyViews.domainProof(memberships.verifyDomain(caller))));
        return routes;
    }

    /** The requester's own routes: no company needed. */
    public Map<String, MemberRoutes.AccountRoute> accountRoutes() {
        Map<String, MemberRoutes.AccountRoute> routes = new LinkedHashMap<>();
        routes.put("GET /account/join-request", (person, event) ->
                ApiResponses.json(200, memberships.ownJoinRequest(person.userId(), EmailAddress.parse(person.email()))));
        routes.put("POST /account/workspace", (person, event) -> {
            Member founder = memberships.startOwnWorkspace(person.userId(), EmailAddress.parse(person.email()));
            return ApiResponses.json(201, Map.of("companyId", founder.companyId(),
                    "message", "Your workspace is ready: sign in again (the app does it for you) to use it."));
        });
        return routes;
    }
}
