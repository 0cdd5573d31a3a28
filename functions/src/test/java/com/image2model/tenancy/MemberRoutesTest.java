package com.image2model.tenancy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Refusal;
import com.image2model.tenancy.Callers.Standing;
import com.image2model.tenancy.TenantContext.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The member API's shape: the caller first, then the route, refusals as JSON errors. */
class MemberRoutesTest {

    private static APIGatewayV2HTTPEvent event(String route, Map<String, String> claims) {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(claims);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(route);
        event.setRequestContext(context);
        event.setPathParameters(Map.of("id", "j1"));
        return event;
    }

    private static Map<String, String> member() {
        return Map.of("token_use", "access", "sub", "u1", TenantContext.COMPANY_CLAIM, "c1", TenantContext.ROLE_CLAIM, "member");
    }

    private final AtomicInteger answered = new AtomicInteger();

    private MemberRoutes routes(Callers callers) {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /things/{id}", (caller, event) -> {
            answered.incrementAndGet();
            return ApiResponses.json(200, Map.of("company", caller.companyId(), "id", MemberRoutes.pathId(event)));
        });
        routes.put("POST /things", (caller, event) -> {
            throw ApiException.conflict("taken", "Already there.");
        });
        routes.put("DELETE /things/{id}", (caller, event) -> {
            // A core's refusal, thrown as it is: no handler converts it.
            throw new Refusal(409, "plan_active", "Cancel the plan first.");
        });
        routes.put("PUT /things/{id}", (caller, event) -> {
            // What DynamoDB answers a role without the permission.
            throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400)
                    .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().serviceName("DynamoDb")
                            .errorCode("AccessDeniedException").errorMessage("not authorized to perform: dynamodb:UpdateItem").build())
                    .build();
        });
        return new MemberRoutes(callers, routes);
    }

    @Test
    void anUnexpectedAwsErrorIsA503WithACodeNeverA500() {
        APIGatewayV2HTTPResponse answer = routes(MEMBERS).apply(event("PUT /things/{id}", member()));
        assertThat(answer.getStatusCode()).isEqualTo(503);
        assertThat(answer.getBody()).contains("\"code\":\"aws_unavailable\"").doesNotContain("dynamodb:UpdateItem");
    }

    private static final Callers MEMBERS = new Callers((c, u) -> Optional.of(new Standing(Role.MEMBER, true)));

    @Test
    void aVerifiedCallerReachesTheRouteWithTheirOwnCompany() {
        APIGatewayV2HTTPResponse answer = routes(MEMBERS).apply(event("GET /things/{id}", member()));
        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(answer.getBody()).contains("\"company\":\"c1\"").contains("\"id\":\"j1\"");
    }

    @Test
    void aRemovedCallerNeverReachesTheRoute() {
        APIGatewayV2HTTPResponse answer = routes(new Callers((c, u) -> Optional.empty())).apply(event("GET /things/{id}", member()));
        assertThat(answer.getStatusCode()).isEqualTo(403);
        assertThat(answer.getBody()).contains("membership_revoked");
        assertThat(answered).hasValue(0);
    }

    @Test
    void anUnknownRouteIs404ButOnlyForAVerifiedCaller() {
        assertThat(routes(MEMBERS).apply(event("GET /nothing", member())).getStatusCode()).isEqualTo(404);
        assertThat(routes(MEMBERS).apply(event("GET /nothing", Map.of())).getStatusCode()).isEqualTo(401);
    }

    @Test
    void aRefusalBecomesItsJsonError() {
        APIGatewayV2HTTPResponse answer = routes(MEMBERS).apply(event("POST /things", member()));
        assertThat(answer.getStatusCode()).isEqualTo(409);
        assertThat(answer.getBody()).contains("\"code\":\"taken\"").contains("Already there.");
    }

    @Test
    void aCoresRefusalIsAnsweredAsItsJsonErrorNotA500() {
        APIGatewayV2HTTPResponse answer = routes(MEMBERS).apply(event("DELETE /things/{id}", member()));
        assertThat(answer.getStatusCode()).isEqualTo(409);
        assertThat(answer.getBody()).contains("\"code\":\"plan_active\"").contains("Cancel the plan first.");
    }

    @Test
    void aRouteServedTwiceIsAWiringMistake() {
        Map<String, MemberRoutes.Route> one = Map.of("GET /a", (c, e) -> null);
        assertThatThrownBy(() -> MemberRoutes.merge(one, Map.of("GET /a", (c, e) -> null))).isInstanceOf(IllegalStateException.class);
        assertThat(MemberRoutes.merge(one, Map.of("GET /b", (c, e) -> null))).containsOnlyKeys("GET /a", "GET /b");
    }
}
