package com.image2model.company;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.Callers;
import com.image2model.tenancy.TenantContext;
import com.image2model.tenancy.TenantContext.Role;

import tools.jackson.databind.JsonNode;

/** The company API: GET and PATCH /company, GET and POST /company/members, PATCH and DELETE /company/members/{id}. */
public final class CompanyFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Callers callers;
    private final Memberships memberships;
    private final java.util.function.Consumer<String> seatsChanged;
    private final com.image2model.privacy.PrivacyApi privacy;

    /** {@code seatsChanged} is told the company whose active members changed (billing's seat count follows). */
    public CompanyFunction(Callers callers, Memberships memberships, java.util.function.Consumer<String> seatsChanged,
                           com.image2model.privacy.PrivacyApi privacy) {
        this.callers = callers;
        this.memberships = memberships;
        this.seatsChanged = seatsChanged;
        this.privacy = privacy;
    }

    private void seatsChanged(String companyId) {
        try {
            seatsChanged.accept(companyId);
        } catch (RuntimeException e) {
            // The membership change stands; the seat count is set again at the next change or renewal.
            org.slf4j.LoggerFactory.getLogger(CompanyFunction.class).warn("Seats of {} not updated: {}", companyId, e.getMessage());
        }
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            TenantContext caller = callers.verify(event);
            String memberId = event.getPathParameters() == null ? null : event.getPathParameters().get("id");
            return switch (String.valueOf(event.getRouteKey())) {
                case "GET /company" -> ApiResponses.json(200, company(memberships.company(caller), caller));
                case "GET /account/export" -> ApiResponses.json(200, privacy.exportAccount(caller));
                case "GET /company/export" -> ApiResponses.json(200, privacy.exportCompany(caller));
                case "DELETE /account" -> ApiResponses.json(200,
                        privacy.deleteAccount(caller, ApiRequests.optionalText(ApiRequests.jsonBody(event), "confirm", "confirm"), this::seatsChanged));
                case "DELETE /company" -> ApiResponses.json(202,
                        privacy.deleteCompany(caller, ApiRequests.optionalText(ApiRequests.jsonBody(event), "confirm", "confirm")));
                case "PATCH /company" -> {
                    JsonNode body = ApiRequests.jsonBody(event);
                    if (!body.path("autoJoin").isBoolean()) {
                        throw ApiException.badRequest("invalid_auto_join", "Send {\"autoJoin\": true|false}.");
                    }
                    yield ApiResponses.json(200, company(memberships.setAutoJoin(caller, body.get("autoJoin").asBoolean()), caller));
                }
                case "GET /company/members" -> ApiResponses.json(200,
                        Map.of("members", memberships.members(caller).stream().map(CompanyFunction::member).toList()));
                case "POST /company/members" -> {
                    JsonNode body = ApiRequests.jsonBody(event);
                    Role role = role(ApiRequests.optionalText(body, "role", "role"), Role.MEMBER);
                    var invited = member(memberships.invite(caller, ApiRequests.optionalText(body, "email", "email"), role));
                    seatsChanged(caller.companyId());
                    yield ApiResponses.json(201, invited);
                }
                case "PATCH /company/members/{id}" -> {
                    JsonNode body = ApiRequests.jsonBody(event);
                    Role role = body.has("role") ? role(ApiRequests.optionalText(body, "role", "role"), null) : null;
                    Boolean active = null;
                    if (body.has("active")) {
                        if (!body.get("active").isBoolean()) {
                            throw ApiException.badRequest("invalid_active", "\"active\" must be true or false.");
                        }
                        active = body.get("active").asBoolean();
                    }
                    var changed = member(memberships.change(caller, memberId, role, active));
                    if (active != null) {
                        seatsChanged(caller.companyId());
                    }
                    yield ApiResponses.json(200, changed);
                }
                case "DELETE /company/members/{id}" -> {
                    memberships.remove(caller, memberId);
                    seatsChanged(caller.companyId());
                    yield ApiResponses.json(200, Map.of("removed", memberId));
                }
                default -> throw ApiException.notFound("Route " + event.getRouteKey());
            };
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    private static Role role(String value, Role fallback) {
        if (value == null) {
            if (fallback == null) {
                throw ApiException.badRequest("invalid_role", "\"role\" must be \"admin\" or \"member\".");
            }
            return fallback;
        }
        try {
            return Role.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_role", "\"role\" must be \"admin\" or \"member\".");
        }
    }


    private static Map<String, Object> company(Company company, TenantContext caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", company.id());
        out.put("name", company.name());
        out.put("domain", company.domain());
        out.put("personal", company.personal());
        out.put("autoJoin", company.autoJoin());
        out.put("members", company.memberCount());
        out.put("admins", company.adminCount());
        out.put("createdAt", company.createdAt());
        out.put("yourRole", caller.role().wire());
        return out;
    }

    static Map<String, Object> member(Member member) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", member.id());
        out.put("email", member.email());
        out.put("role", member.role().wire());
        out.put("active", member.active());
        out.put("joinedAt", member.joinedAt());
        return out;
    }

}
