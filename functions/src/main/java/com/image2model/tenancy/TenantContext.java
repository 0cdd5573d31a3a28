package com.image2model.tenancy;

import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;

/**
 * Who is calling and for which company, taken from the claims the API's JWT authorizer verified,
 * and from nothing else: never from the path, the query or the body. Every handler gets the
 * company from here.
 */
public record TenantContext(String companyId, String userId, String email, Role role, String keyId) {

    /** A person calling with their access token. */
    public TenantContext(String companyId, String userId, String email, Role role) {
        this(companyId, userId, email, role, null);
    }

    /** Whether the caller is an API key (acting for {@link #userId}, the admin who made it). */
    public boolean isApiKey() {
        return keyId != null;
    }

    /** Refuses an API key: what a key may not do (make or change keys) needs a person. */
    public TenantContext requirePerson() {
        if (isApiKey()) {
            throw ApiException.forbidden("person_required", "An API key cannot do this: sign in to the web app.");
        }
        return this;
    }

    public enum Role {
        ADMIN, MEMBER;

        public static Role parse(String value) {
            if (value == null) {
                throw new IllegalArgumentException("no role");
            }
            return switch (value.trim().toLowerCase()) {
                case "admin" -> ADMIN;
                case "member" -> MEMBER;
                default -> throw new IllegalArgumentException("unknown role '" + value + "'");
            };
        }

        public String wire() {
            return name().toLowerCase();
        }
    }

    public static final String COMPANY_CLAIM = "company_id";
    public static final String ROLE_CLAIM = "role";

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Refuses a caller who is not an admin of their company. */
    public TenantContext requireAdmin() {
        if (!isAdmin()) {
            throw ApiException.forbidden("admin_required", "Only a company admin can do this.");
        }
        return this;
    }

    public static TenantContext from(APIGatewayV2HTTPEvent event) {
        return fromClaims(claims(event));
    }

    /** The claim that marks an API key's context (its id), set by the API's authorizer only. */
    public static final String KEY_CLAIM = "api_key_id";
    /** The authorizer's context entry for a bearer value it refused: the code of the 401 the function answers. */
    public static final String DENIED = "denied";
    public static final String DENIED_MESSAGE = "deniedMessage";

    /**
     * What the API's authorizer verified, as strings: a JWT authorizer's claims, or a Lambda
     * authorizer's context (the same claims for a token, the key's for an API key). A context that
     * carries {@link #DENIED} is a refused bearer value: 401 with its code. None at all: 401.
     */
    public static Map<String, String> claims(APIGatewayV2HTTPEvent event) {
        var authorizer = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        if (authorizer != null && authorizer.getLambda() != null && !authorizer.getLambda().isEmpty()) {
            Map<String, String> context = new java.util.LinkedHashMap<>();
            authorizer.getLambda().forEach((name, value) -> context.put(name, value == null ? null : String.valueOf(value)));
            if (context.get(DENIED) != null) {
                throw new ApiException(401, context.get(DENIED), context.getOrDefault(DENIED_MESSAGE,
                        "The API key or access token was not accepted."));
            }
            return context;
        }
        if (authorizer == null || authorizer.getJwt() == null || authorizer.getJwt().getClaims() == null) {
            throw ApiException.unauthorized("This API needs a signed-in user's access token or an API key.");
        }
        return authorizer.getJwt().getClaims();
    }

    /** The verified claims of an access token (as API Gateway passes them: every value a string). */
    public static TenantContext fromClaims(Map<String, String> claims) {
        if (claims == null || claims.isEmpty()) {
            throw ApiException.unauthorized("This API needs a signed-in user's access token.");
        }
        // The HTTP API authorizer accepts ID tokens too (their aud is the client): only access tokens may call the API.
        if (!"access".equals(claims.get("token_use"))) {
            throw ApiException.unauthorized("Use the access token, not the ID token, to call the API.");
        }
        String userId = claims.get("sub");
        String companyId = claims.get(COMPANY_CLAIM);
        if (blank(companyId) && "pending".equals(claims.get(JOIN_STATUS_CLAIM))) {
            throw ApiException.forbidden("join_pending", "Your request to join your company is waiting for one of its admins. "
                    + "You can start a workspace of your own instead.");
        }
        if (blank(companyId) && "declined".equals(claims.get(JOIN_STATUS_CLAIM))) {
            throw ApiException.forbidden("join_declined", "Your request to join was declined. You can start a workspace of your own.");
        }
        if (blank(userId) || blank(companyId)) {
            throw ApiException.forbidden("no_company", "This account does not belong to a company.");
        }
        Role role;
        try {
            role = Role.parse(claims.get(ROLE_CLAIM));
        } catch (IllegalArgumentException e) {
            throw ApiException.forbidden("no_role", "This account has no role in its company.");
        }
        String email = claims.getOrDefault("email", claims.getOrDefault("username", ""));
        String keyId = claims.get(KEY_CLAIM);
        return new TenantContext(companyId, userId, email, role, blank(keyId) ? null : keyId);
    }

    /** The claim a person without a company carries while their join request waits, or after it was declined. */
    public static final String JOIN_STATUS_CLAIM = "join_status";

    /** A signed-in person, whatever their company (for the routes of one's own account: a join request). */
    public record SignedIn(String userId, String email) {
    }

    /** The caller's verified access token's person; 401 without one. */
    public static SignedIn signedIn(APIGatewayV2HTTPEvent event) {
        Map<String, String> claims = claims(event);
        if (!"access".equals(claims.get("token_use")) || blank(claims.get("sub")) || blank(claims.get("email"))
                || !blank(claims.get(KEY_CLAIM))) {
            throw ApiException.unauthorized("This API needs a signed-in user's access token.");
        }
        return new SignedIn(claims.get("sub"), claims.get("email"));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
