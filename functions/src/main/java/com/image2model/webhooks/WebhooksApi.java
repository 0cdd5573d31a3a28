package com.image2model.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/**
 * The company's webhook endpoints: {@code GET/POST /company/webhooks}, {@code PATCH/DELETE
 * /company/webhooks/{id}}, a new signing secret, a test ping, the delivery log and redelivery.
 * Admins only; changing where events go needs a person (a leaked key cannot point them elsewhere).
 */
public final class WebhooksApi {

    public static final long DEFAULT_GRACE_HOURS = 24;
    public static final long MAX_GRACE_HOURS = 168;
    static final int PAGE = 25;

    private final WebhookStore store;
    private final WebhookOutbox outbox;
    private final WebhookTargets targets;
    private final Clock clock;

    public WebhooksApi(WebhookStore store, WebhookOutbox outbox, WebhookTargets targets, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.targets = targets;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /company/webhooks", (caller, event) -> {
            caller.requireAdmin();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("events", WebhookEvents.SUBSCRIBABLE);
            answer.put("httpAllowed", targets.policy() == WebhookTargets.Policy.LOOPBACK_ALLOWED);
            answer.put("endpoints", store.endpoints(caller.companyId()).stream().map(WebhookEndpoint::view).toList());
            return ApiResponses.json(200, answer);
        });
        routes.put("POST /company/webhooks", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            JsonNode body = ApiRequests.jsonBody(event);
            String secret = WebhookSignature.newSecret();
            WebhookEndpoint endpoint = new WebhookEndpoint(caller.companyId(), newId(), url(body.get("url")), description(body),
                    events(body.get("events")), enabled(body, true), secret, null, null, clock.instant(), creator(caller), null, null);
            if (!store.create(endpoint)) {
                throw ApiException.conflict("too_many_webhooks", "A company may have " + WebhookStore.MAX_ENDPOINTS
                        + " webhook endpoints. Delete one you no longer use first.");
            }
            Map<String, Object> answer = new LinkedHashMap<>(endpoint.view());
            answer.put("secret", secret);
            return ApiResponses.json(201, answer);
        });
        routes.put("PATCH /company/webhooks/{id}", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            JsonNode body = ApiRequests.jsonBody(event);
            WebhookEndpoint old = find(caller, MemberRoutes.pathId(event));
            boolean enabled = enabled(body, old.enabled());
            boolean reopened = enabled && !old.enabled();
            WebhookEndpoint changed = new WebhookEndpoint(old.companyId(), old.endpointId(),
                    body.has("url") ? url(body.get("url")) : old.url(), body.has("description") ? description(body) : old.description(),
                    body.has("events") ? events(body.get("events")) : old.events(), enabled, old.secret(), old.previousSecret(),
                    old.previousSecretUntil(), old.createdAt(), old.createdBy(), reopened ? null : old.failingSince(),
                    enabled ? null : old.disabledReason());
            if (!store.replace(changed)) {
                throw ApiException.notFound("webhook endpoint " + old.endpointId());
            }
            return ApiResponses.json(200, changed.view());
        });
        routes.put("DELETE /company/webhooks/{id}", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            WebhookEndpoint endpoint = find(caller, MemberRoutes.pathId(event));
            store.delete(caller.companyId(), endpoint.endpointId());
            return ApiResponses.json(200, Map.of("deleted", endpoint.endpointId()));
        });
        routes.put("POST /company/webhooks/{id}/rotate-secret", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            JsonNode body = event.getBody() == null || event.getBody().isBlank() ? null : ApiRequests.jsonBody(event);
            long hours = body == null || !body.has("graceHours") ? DEFAULT_GRACE_HOURS
                    : ApiRequests.wholeNumber(body.get("graceHours"), "graceHours", "grace", 0, MAX_GRACE_HOURS);
            WebhookEndpoint old = find(caller, MemberRoutes.pathId(event));
            String secret = WebhookSignature.newSecret();
            Instant until = clock.instant().plus(Duration.ofHours(hours));
            WebhookEndpoint changed = new WebhookEndpoint(old.companyId(), old.endpointId(), old.url(), old.description(), old.events(),
                    old.enabled(), secret, hours == 0 ? null : old.secret(), hours == 0 ? null : until, old.createdAt(), old.createdBy(),
                    old.failingSince(), old.disabledReason());
            if (!store.replace(changed)) {
                throw ApiException.notFound("webhook endpoint " + old.endpointId());
            }
            Map<String, Object> answer = new LinkedHashMap<>(changed.view());
            answer.put("secret", secret);
            return ApiResponses.json(201, answer);
        });
        routes.put("POST /company/webhooks/{id}/test", (caller, event) -> {
            caller.requireAdmin();
            WebhookEndpoint endpoint = find(caller, MemberRoutes.pathId(event));
            Instant now = clock.instant();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("companyId", caller.companyId());
            data.put("endpointId", endpoint.endpointId());
            data.put("message", "A test from Image2Model: if you can read this, your endpoint works.");
            String subject = "test-" + now.toEpochMilli() + "-" + HexFormat.of().formatHex(random(4));
            WebhookDelivery delivery = outbox.send(endpoint, new WebhookEvents.Event(WebhookEvents.idOf(caller.companyId(), WebhookEvents.PING,
                    subject), WebhookEvents.PING, now.toString(), data));
            return ApiResponses.json(202, delivery.view());
        });
        routes.put("GET /company/webhooks/{id}/deliveries", (caller, event) -> {
            caller.requireAdmin();
            WebhookEndpoint endpoint = find(caller, MemberRoutes.pathId(event));
            String cursor = ApiRequests.query(event).get("cursor");
            if (cursor != null && !cursor.matches(WebhookStore.DELIVERY_ID_PATTERN)) {
                throw ApiException.badRequest("invalid_cursor", "cursor is the next value of a previous page.");
            }
            WebhookStore.Page page = store.deliveries(caller.companyId(), endpoint.endpointId(), cursor, PAGE);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deliveries", page.deliveries().stream().map(WebhookDelivery::view).toList());
            answer.put("next", page.next());
            return ApiResponses.json(200, answer);
        });
        routes.put("POST /company/webhooks/{id}/deliveries/{deliveryId}/redeliver", (caller, event) -> {
            caller.requireAdmin();
            WebhookEndpoint endpoint = find(caller, MemberRoutes.pathId(event));
            String deliveryId = event.getPathParameters() == null ? null : event.getPathParameters().get("deliveryId");
            WebhookDelivery delivery = store.delivery(caller.companyId(), endpoint.endpointId(), deliveryId)
                    .orElseThrow(() -> ApiException.notFound("delivery " + deliveryId));
            if (!endpoint.enabled()) {
                throw ApiException.conflict("webhook_disabled", "Turn the endpoint on before sending deliveries to it again.");
            }
            if (!store.reopen(delivery)) {
                throw ApiException.conflict("delivery_in_progress", "This delivery is still being tried; wait for it to end first.");
            }
            outbox.enqueue(delivery, 0);
            return ApiResponses.json(202, store.delivery(caller.companyId(), endpoint.endpointId(), delivery.deliveryId())
                    .orElseThrow().view());
        });
        return routes;
    }

    private WebhookEndpoint find(TenantContext caller, String endpointId) {
        return store.endpoint(caller.companyId(), endpointId).orElseThrow(() -> ApiException.notFound("webhook endpoint " + endpointId));
    }

    private static String creator(TenantContext caller) {
        return caller.email() == null ? caller.userId() : caller.email();
    }

    private String url(JsonNode value) {
        if (value == null || !value.isString()) {
            throw ApiException.badRequest("invalid_url", "url is the endpoint's full address, as text (https://...).");
        }
        try {
            return targets.check(value.asString().strip()).toString();
        } catch (WebhookTargets.Refused refused) {
            throw ApiException.badRequest("invalid_url", refused.getMessage());
        }
    }

    private static String description(JsonNode body) {
        String text = ApiRequests.optionalText(body, "description", "description");
        if (text != null && (text.strip().length() > 120 || text.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("invalid_description", "description is at most 120 characters on one line.");
        }
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static Set<String> events(JsonNode value) {
        if (value == null || !value.isArray() || value.size() > 20) {
            throw ApiException.badRequest("invalid_events", "events is a list of the events to send: "
                    + String.join(", ", WebhookEvents.SUBSCRIBABLE) + ".");
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : value) {
            if (!type.isString()) {
                throw ApiException.badRequest("invalid_events", "Each event is text, one of " + String.join(", ", WebhookEvents.SUBSCRIBABLE) + ".");
            }
            types.add(type.asString());
        }
        try {
            return WebhookEvents.parse(types);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_events", e.getMessage());
        }
    }

    private static boolean enabled(JsonNode body, boolean otherwise) {
        JsonNode value = body.get("enabled");
        if (value == null) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("invalid_enabled", "enabled is true or false.");
        }
        return value.asBoolean();
    }

    private static String newId() {
        return HexFormat.of().formatHex(random(16));
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
