package com.image2model.devstack.front;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.lambda.LocalFunctions;

/**
 * What an HTTP API does with a Lambda REQUEST authorizer (payload format 2.0, simple responses):
 * a request without one of the identity sources is refused with 401 before the authorizer runs;
 * otherwise the authorizer function gets the request, and {@code isAuthorized} true hands its
 * {@code context} to the route's function as {@code requestContext.authorizer.lambda}, false answers
 * 403. The answer is cached by the identity sources' values for {@code ReauthorizeEvery} seconds
 * (0: not cached). A failing authorizer is a 500, and nothing is cached.
 */
public final class LambdaRequestAuthorizer implements HttpFront.Authorizer {

    private static final Logger LOG = Logger.getLogger(LambdaRequestAuthorizer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private record Cached(HttpFront.Decision decision, Instant until) {
    }

    private final LocalFunctions functions;
    private final String functionId;
    private final List<String> identityHeaders;
    private volatile Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicLong invocations = new AtomicLong();

    /** {@code identityHeaders}: the {@code $request.header.X} identity sources, by name. */
    public LambdaRequestAuthorizer(LocalFunctions functions, String functionId, List<String> identityHeaders, Duration ttl, Clock clock) {
        this.functions = functions;
        this.functionId = functionId;
        this.identityHeaders = identityHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.ttl = ttl;
        this.clock = clock;
    }

    /** How many times the authorizer function ran (to see the cache work). */
    public long invocations() {
        return invocations.get();
    }

    /** Another TTL (tests); what is cached is dropped. */
    public void setTtl(Duration ttl) {
        this.ttl = ttl;
        cache.clear();
    }

    public String functionId() {
        return functionId;
    }

    @Override
    public HttpFront.Decision decide(Map<String, String> headers, String routeKey, String path) {
        List<String> identity = new ArrayList<>();
        for (String header : identityHeaders) {
            String value = headers.get(header);
            if (value == null || value.isEmpty()) {
                return HttpFront.Decision.refuse(401, "{\"message\":\"Unauthorized\"}");
            }
            identity.add(value);
        }
        String cacheKey = String.join("\n", identity);
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.decision();
        }
        HttpFront.Decision decision;
        try {
            invocations.incrementAndGet();
            byte[] answer = functions.invoke(functionId, JSON.writeValueAsBytes(event(headers, routeKey, path, identity, now)));
            JsonNode response = JSON.readTree(answer);
            if (!response.path("isAuthorized").isBoolean()) {
                throw new IllegalStateException("the authorizer's answer has no isAuthorized boolean");
            }
            if (response.path("isAuthorized").asBoolean()) {
                Map<String, Object> context = response.path("context").isObject()
                        ? JSON.convertValue(response.path("context"), Map.class) : Map.of();
                decision = HttpFront.Decision.allow(Map.of("lambda", context));
            } else {
                decision = HttpFront.Decision.refuse(403, "{\"message\":\"Forbidden\"}");
            }
        } catch (Exception e) {
            LOG.log(Level.SEVERE, functionId + " (the authorizer) failed on " + routeKey, e);
            return HttpFront.Decision.refuse(500, "{\"message\":\"Internal Server Error\"}");
        }
        if (!ttl.isZero()) {
            if (cache.size() > 10_000) {
                // Many distinct headers (a client guessing): drop what has expired rather than grow without end.
                cache.entrySet().removeIf(entry -> !now.isBefore(entry.getValue().until()));
            }
            cache.put(cacheKey, new Cached(decision, now.plus(ttl)));
        }
        return decision;
    }

    /** The authorizer's event, as API Gateway sends it for payload format 2.0. */
    private static Map<String, Object> event(Map<String, String> headers, String routeKey, String path, List<String> identity, Instant now) {
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", routeKey.substring(0, routeKey.indexOf(' ')));
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "127.0.0.1");
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        Map<String, Object> requestContext = new LinkedHashMap<>();
        requestContext.put("accountId", "000000000000");
        requestContext.put("apiId", "devstack");
        requestContext.put("domainName", headers.getOrDefault("host", "localhost"));
        requestContext.put("http", http);
        requestContext.put("requestId", UUID.randomUUID().toString());
        requestContext.put("routeKey", routeKey);
        requestContext.put("stage", "$default");
        requestContext.put("time", REQUEST_TIME.format(now));
        requestContext.put("timeEpoch", now.toEpochMilli());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("type", "REQUEST");
        event.put("routeArn", "arn:aws:execute-api:us-east-1:000000000000:devstack/$default/" + routeKey.replace(' ', '/'));
        event.put("identitySource", identity);
        event.put("routeKey", routeKey);
        event.put("rawPath", path);
        event.put("headers", headers);
        event.put("requestContext", requestContext);
        return event;
    }
}
