package com.image2model.company;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext.Role;

import tools.jackson.databind.JsonNode;

/**
 * Invitations: the admins' routes (invite, list, send again, withdraw) and the two public routes
 * of the accept link (what it offers; accept it). The link's token travels in the body, never in
 * a path or query string, so no access log holds it.
 */
public final class InvitationsApi {

    private final Invitations invitations;
    private final Consumer<String> seatsChanged;

    public InvitationsApi(Invitations invitations, Consumer<String> seatsChanged) {
        this.invitations = invitations;
        this.seatsChanged = seatsChanged;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /company/invitations", (caller, event) -> ApiResponses.json(200, Map.of("invitations",
                invitations.open(caller).stream().map(i -> view(i, invitations.now())).toList())));
        routes.put("POST /company/invitations", (caller, event) -> {
            JsonNode body = ApiRequests.jsonBody(event);
            Role role = CompanyViews.role(ApiRequests.optionalText(body, "role", "role"), Role.MEMBER);
            Invitation invitation = invitations.invite(caller, ApiRequests.optionalText(body, "email", "email"), role);
            return ApiResponses.json(201, view(invitation, invitations.now()));
        });
        routes.put("POST /company/invitations/{id}/resend", (caller, event) ->
                ApiResponses.json(200, view(invitations.resend(caller, MemberRoutes.pathId(event)), invitations.now())));
        routes.put("DELETE /company/invitations/{id}", (caller, event) -> {
            invitations.revoke(caller, MemberRoutes.pathId(event));
            return ApiResponses.json(200, Map.of("revoked", MemberRoutes.pathId(event)));
        });
        return routes;
    }

    public Map<String, MemberRoutes.PublicRoute> publicRoutes() {
        Map<String, MemberRoutes.PublicRoute> routes = new LinkedHashMap<>();
        routes.put("POST /invitations/view", event -> {
            Invitations.Offer offer = invitations.view(token(ApiRequests.jsonBody(event)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("companyName", offer.companyName());
            out.put("email", offer.email());
            out.put("role", offer.role().wire());
            out.put("expiresAt", offer.expiresAt());
            out.put("account", offer.account().name().toLowerCase(java.util.Locale.ROOT));
            return ApiResponses.json(200, out);
        });
        routes.put("POST /invitations/accept", event -> {
            JsonNode body = ApiRequests.jsonBody(event);
            Invitations.Accepted accepted = invitations.accept(token(body), ApiRequests.optionalText(body, "password", "password"));
            seatsChanged.accept(accepted.member().companyId());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("email", accepted.member().email());
            out.put("companyName", accepted.companyName());
            out.put("role", accepted.member().role().wire());
            out.put("newAccount", accepted.newAccount());
            out.put("message", "Welcome to " + accepted.companyName() + ": sign in to start.");
            return ApiResponses.json(201, out);
        });
        return routes;
    }

    private static String token(JsonNode body) {
        String token = ApiRequests.optionalText(body, "token", "token");
        if (token == null || token.isBlank()) {
            throw ApiException.badRequest("missing_token", "Send {\"token\": \"...\"}, the token of the invitation's link.");
        }
        return token;
    }

    private static Map<String, Object> view(Invitation invitation, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", invitation.id());
        out.put("email", invitation.email());
        out.put("role", invitation.role().wire());
        out.put("status", invitation.expired(now) ? "expired" : "invited");
        out.put("invitedAt", invitation.invitedAt());
        out.put("expiresAt", invitation.expiresAt());
        return out;
    }
}
