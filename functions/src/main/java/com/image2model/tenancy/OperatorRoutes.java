package com.image2model.tenancy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Refusal;

/**
 * An API function whose every route is the operators': anyone but the Cognito group
 * {@code operators} is refused (401 without an access token, 403 {@code operators_only}) before the
 * route is looked up; a refusal becomes its JSON error.
 */
public final class OperatorRoutes implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** One route: the verified operator and the event in, the answer out. */
    @FunctionalInterface
    public interface Route {
        APIGatewayV2HTTPResponse answer(Operators.Operator operator, APIGatewayV2HTTPEvent event);
    }

    private final Map<String, Route> routes;
    private final Operators.Group group;

    /** {@code group}: the user pool's answer to "still an operator?", asked on every request. */
    public OperatorRoutes(Map<String, Route> routes, Operators.Group group) {
        this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        this.group = group;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            Operators.Operator operator = Operators.verify(event, group);
            Route route = routes.get(String.valueOf(event.getRouteKey()));
            if (route == null) {
                throw ApiException.notFound("Route " + event.getRouteKey());
            }
            return route.answer(operator, event);
        } catch (Refusal e) {
            // An API refusal or a core's (billing's, erasure's): both are the caller's 4xx.
            return ApiResponses.error(e);
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            return ApiResponses.awsUnavailable(e);
        } catch (com.image2model.platform.Secrets.Unusable e) {
            return com.image2model.platform.NotConfigured.refuse(String.valueOf(event.getRouteKey()), e);
        }
    }
}
