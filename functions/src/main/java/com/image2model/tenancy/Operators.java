package com.image2model.tenancy;

import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;

/** The platform's operators: members of the Cognito group, as the verified access token's claims say. */
public final class Operators {

    public static final String GROUP = "operators";

    /** A verified operator: their Cognito sub and email, for the audit log. */
    public record Operator(String userId, String email) {
    }

    /** Whether a person is in the operators' group now, as the user pool says (not as their token said). */
    @FunctionalInterface
    public interface Group {
        boolean stillMember(String userId);
    }

    /**
     * The operator calling: their access token says they are in the group, and the user pool says
     * they still are (a removal takes effect at once, not when the token expires).
     */
    public static Operator verify(APIGatewayV2HTTPEvent event, Group group) {
        Operator operator = verify(event);
        if (!group.stillMember(operator.userId())) {
            throw ApiException.forbidden("operators_only", "Only platform operators can see this.");
        }
        return operator;
    }

    /** The operator calling as their token says, once {@link #require} let them in. */
    private static Operator verify(APIGatewayV2HTTPEvent event) {
        require(event);
        Map<String, String> claims = TenantContext.claims(event);
        return new Operator(claims.get("sub"), claims.getOrDefault("email", claims.getOrDefault("username", "")));
    }

    private Operators() {
    }

    /** Refuses anyone but an operator: 401 without an access token, 403 {@code operators_only} for everyone else. */
    public static void require(APIGatewayV2HTTPEvent event) {
        Map<String, String> claims = TenantContext.claims(event);
        if (!"access".equals(claims.get("token_use")) || claims.get(TenantContext.KEY_CLAIM) != null) {
            throw ApiException.unauthorized("This API needs a signed-in user's access token.");
        }
        // API Gateway renders the list as "[a b]"; the devstack and tests may send "a,b".
        String groups = claims.getOrDefault("cognito:groups", "");
        for (String group : groups.replace("[", " ").replace("]", " ").replace(",", " ").trim().split("\\s+")) {
            if (group.equals(GROUP)) {
                return;
            }
        }
        throw ApiException.forbidden("operators_only", "Only platform operators can see this.");
    }
}
