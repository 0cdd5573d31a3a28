package com.image2model.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Settings;
import com.image2model.tenancy.Operators;

/** GET /health: 200 when every configured resource answers, 503 naming the ones that do not. */
public final class HealthFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(HealthFunction.class);

    private final HealthCheck check;
    private final Operators.Group operators;

    public HealthFunction(HealthCheck check, Operators.Group operators) {
        this.operators = operators;
        this.check = check;
    }

    /** {@code operators}: who may see the details, asked of the user pool on each such request. */
    public static HealthFunction fromEnvironment(Operators.Group operators) {
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "health-probe");
            thread.setDaemon(true);
            return thread;
        });
        Duration deadline = Duration.ofMillis(Settings.getInt(Settings.HEALTH_TIMEOUT_MILLIS));
        return new HealthFunction(new HealthCheck(AwsProbes.configured(), executor, deadline), operators);
    }

    /**
     * GET /health (anyone): "ok" or "degraded", overall and per component name, nothing more.
     * GET /health/details (operators): each component's resource and error as well.
     */
    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent request) {
        boolean details = "GET /health/details".equals(request.getRouteKey());
        if (details) {
            try {
                Operators.verify(request, operators);
            } catch (ApiException e) {
                return ApiResponses.error(e);
            }
        }
        HealthCheck.Report report = check.run();
        if (report.healthy()) {
            LOG.info("health: all {} components ok", report.components().size());
        } else {
            LOG.warn("health: down {}", report.down());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.healthy() ? "ok" : "degraded");
        Map<String, Object> components = new LinkedHashMap<>();
        report.components().forEach((name, status) -> {
            String state = "ok".equals(status.status()) ? "ok" : "degraded";
            if (!details) {
                components.put(name, state);
                return;
            }
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("status", state);
            component.put("resource", status.resource());
            if (status.error() != null) {
                component.put("error", status.error());
            }
            components.put(name, component);
        });
        body.put("components", components);
        return ApiResponses.json(report.healthy() ? 200 : 503, body);
    }
}
