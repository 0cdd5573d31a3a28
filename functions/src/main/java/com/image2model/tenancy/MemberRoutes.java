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
 * An API function whose every route is a member's: the caller is verified (claims and a membership
 * that still holds) before the route is even looked up, so an unknown route of a stranger answers
 * 401/403 like a known one; then the route answers, and a refusal becomes its JSON error. Several
 * capabilities' routes can share one Lambda (the company function serves company and privacy).
 */
public final class MemberRoutes implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** One route: the verified caller and the event in, the answer out. */
    @FunctionalInterface
    public interface Route {
        APIGatewayV2HTTPResponse answer(TenantContext caller, APIGatewayV2HTTPEvent event);
    }

    /** A route of one's own account that needs no company (a join request): the verified person and the event in. */
    @FunctionalInterface
    public interface AccountRoute {
        APIGatewayV2HTTPResponse answer(TenantContext.SignedIn person, APIGatewayV2HTTPEvent event);
    }

    /**
     * A route anyone may call (the template gives it no authorizer): what it needs to prove comes in
     * the request itself (an invitation's link), never from claims.
     */
    @FunctionalInterface
    public interface PublicRoute {
        APIGatewayV2HTTPResponse answer(APIGatewayV2HTTPEvent event);
    }

    private final Callers callers;
    private final Map<String, Route> routes;
    private final Map<String, AccountRoute> accountRoutes;
    private final Map<String, PublicRoute> publicRoutes;

    public MemberRoutes(Callers callers, Map<String, Route> routes) {
        this(callers, routes, Map.of(), Map.of());
    }

    public MemberRoutes(Callers callers, Map<String, Route> routes, Map<String, AccountRoute> accountRoutes,
                        Map<String, PublicRoute> publicRoutes) {
        this.callers = callers;
        this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        this.accountRoutes = Map.copyOf(accountRoutes);
        this.publicRoutes = Map.copyOf(publicRoutes);
    }

    /** Routes of several capabilities in one map; a key served twice is a wiring mistake. */
    @SafeVarargs
    public static <R> Map<String, R> merge(Map<String, R>... groups) {
        Map<String, R> all = new LinkedHashMap<>();
        for (Map<String, R> group : groups) {
            group.forEach((key, route) -> {
                if (all.putIfAbsent(key, route) != null) {
                    throw new IllegalStateException("Route " + key + " is served twice");
                }
            });
        }
        return all;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            PublicRoute open = publicRoutes.get(String.valueOf(event.getRouteKey()));
            if (open != null) {
                return open.answer(event);
            }
            AccountRoute own = accountRoutes.get(String.valueOf(event.getRouteKey()));
            if (own != null) {
                return own.answer(TenantContext.signedIn(event), event);
            }
            TenantContext caller = callers.verify(event);
            Route route = routes.get(String.valueOf(event.getRouteKey()));
            if (route == null) {
                throw ApiException.notFound("Route " + event.getRouteKey());
            }
            return route.answer(caller, event);
        } catch (Refusal e) {
            // An API refusal or a core's (billing's, erasure's): both are the caller's 4xx.
            return ApiResponses.error(e);
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            return ApiResponses.awsUnavailable(e);
        } catch (com.image2model.platform.Secrets.Unusable e) {
            return com.image2model.platform.NotConfigured.refuse(String.valueOf(event.getRouteKey()), e);
        }
    }

    /** The {@code {id}} of the route's path, or null. */
    public static String pathId(APIGatewayV2HTTPEvent event) {
        return event.getPathParameters() == null ? null : event.getPathParameters().get("id");
    }
}
