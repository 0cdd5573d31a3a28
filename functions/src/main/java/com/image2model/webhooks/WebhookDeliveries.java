package com.image2model.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One attempt at one delivery (a message of the deliveries queue): claim it, sign the body, POST
 * it to the allowed address, record the attempt, and either finish or queue the next attempt.
 * An endpoint that has failed for the whole retry window is turned off and its admins told.
 */
public final class WebhookDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long one sender holds a delivery: longer than an attempt can take. */
    static final Duration LEASE = Duration.ofSeconds(60);

    /** Signs a short-lived download URL for an object of the results bucket. */
    public interface Links {
        String url(String key);

        Duration lifetime();
    }

    private final WebhookStore store;
    private final WebhookOutbox outbox;
    private final WebhookTargets targets;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final Links links;
    private final BiConsumer<WebhookEndpoint, String> turnedOff;
    private final Clock clock;

    public WebhookDeliveries(WebhookStore store, WebhookOutbox outbox, WebhookTargets targets, WebhookSender sender, RetrySchedule schedule,
                             Links links, BiConsumer<WebhookEndpoint, String> turnedOff, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.targets = targets;
        this.sender = sender;
        this.schedule = schedule;
        this.links = links;
        this.turnedOff = turnedOff;
        this.clock = clock;
    }

    /** Handles one queue message; a message that names no delivery is dropped with a warning. */
    public void handle(String messageBody) {
        JsonNode message;
        try {
            message = JSON.readTree(messageBody == null ? "" : messageBody);
        } catch (RuntimeException e) {
            LOG.warn("Dropping a deliveries message that is not JSON");
            return;
        }
        String companyId = message.path("company").asString("");
        if (companyId.isBlank()) {
            LOG.warn("Dropping a deliveries message without a company");
            return;
        }
        Optional<WebhookDelivery> found = store.delivery(companyId, message.path("endpoint").asString(null),
                message.path("delivery").asString(null));
        if (found.isEmpty()) {
            LOG.warn("Dropping a deliveries message for a delivery that does not exist");
            return;
        }
        attempt(found.get());
    }

    private void attempt(WebhookDelivery delivery) {
        com.image2model.platform.LogKeys.company(delivery.companyId());
        Instant now = clock.instant();
        if (delivery.state().ended() || delivery.state() == WebhookDelivery.State.SENDING && delivery.leaseUntil() != null
                && delivery.leaseUntil().isAfter(now)) {
            return;
        }
        if (delivery.nextAttemptAt() != null && delivery.nextAttemptAt().isAfter(now.plusSeconds(1))) {
            // A wait longer than SQS's 15 minutes: back on the queue for the rest of it.
            outbox.enqueue(delivery, Duration.between(now, delivery.nextAttemptAt()).toSeconds());
            return;
        }
        Optional<WebhookEndpoint> endpoint = store.endpoint(delivery.companyId(), delivery.endpointId());
        boolean ping = WebhookEvents.PING.equals(delivery.type());
        if (endpoint.isEmpty() || !endpoint.get().enabled() && !ping) {
            store.skipped(delivery, endpoint.isEmpty() ? "The endpoint was deleted." : "The endpoint is turned off.");
            return;
        }
        if (!store.claim(delivery, now, LEASE)) {
            return;
        }
        WebhookSender.Answer answer = post(endpoint.get(), delivery, now);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", now.toString());
        line.put("status", answer.status());
        line.put("millis", answer.millis());
        line.put("response", answer.snippet());
        if (answer.ok()) {
            store.attempted(delivery, line, WebhookDelivery.State.DELIVERED, null);
            store.healthy(endpoint.get());
            com.image2model.platform.Metrics.count("WebhooksDelivered", 1);
            return;
        }
        com.image2model.platform.Metrics.count("WebhookAttemptsFailed", 1);
        Optional<Instant> next = ping ? Optional.empty() : schedule.next(delivery.attempts() + 1, delivery.created(), now);
        store.attempted(delivery, line, next.isPresent() ? WebhookDelivery.State.RETRYING : WebhookDelivery.State.FAILED, next.orElse(null));
        next.ifPresent(at -> outbox.enqueue(delivery, Duration.between(now, at).toSeconds()));
        if (!ping) {
            Instant since = store.failing(endpoint.get(), now);
            // Off when it has failed for the whole window, or when this event used up its window and every answer since its
            // first attempt was a failure.
            Instant firstAttempt = delivery.log().isEmpty() ? now : Instant.parse(String.valueOf(delivery.log().get(0).get("at")));
            if (!since.plus(schedule.window()).isAfter(now) || next.isEmpty() && !since.isAfter(firstAttempt)) {
                String reason = "Every delivery failed for " + schedule.window().toHours() + " hours (last answer: "
                        + (answer.status() == 0 ? answer.snippet() : "HTTP " + answer.status()) + ").";
                if (store.disable(endpoint.get(), reason)) {
                    LOG.warn("Webhook endpoint {} turned off: {}", endpoint.get().endpointId(), reason);
                    turnedOff.accept(endpoint.get(), reason);
                }
            }
        }
    }

    private WebhookSender.Answer post(WebhookEndpoint endpoint, WebhookDelivery delivery, Instant now) {
        URI uri;
        List<InetAddress> addresses;
        try {
            uri = targets.check(endpoint.url());
            addresses = targets.addresses(uri);
        } catch (WebhookTargets.Refused refused) {
            return new WebhookSender.Answer(0, 0, refused.getMessage());
        }
        String body = body(delivery, now);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.HEADER, WebhookSignature.header(endpoint.signingSecrets(now), now.getEpochSecond(), body));
        headers.put("Image2Model-Event-Id", delivery.eventId());
        headers.put("Image2Model-Delivery-Id", delivery.deliveryId());
        return sender.post(uri, addresses, headers, body);
    }

    /** The JSON body: the event with fresh download links in place of the stored keys. */
    String body(WebhookDelivery delivery, Instant now) {
        JsonNode data = JSON.readTree(delivery.dataJson());
        boolean[] linked = {false};
        JsonNode withLinks = link(data, linked);
        if (linked[0] && withLinks instanceof ObjectNode object) {
            object.put("linksExpireAt", now.plus(links.lifetime()).toString());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", delivery.eventId());
        body.put("type", delivery.type());
        body.put("created", delivery.created().toString());
        body.put("data", withLinks);
        return JSON.writeValueAsString(body);
    }

    private JsonNode link(JsonNode node, boolean[] linked) {
        if (node.isArray()) {
            var array = JSON.createArrayNode();
            node.forEach(child -> array.add(link(child, linked)));
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (name.equals("_modelKey") || name.equals("_thumbnailKey")) {
                out.put(name.equals("_modelKey") ? "modelUrl" : "thumbnailUrl", links.url(field.getValue().asString()));
                linked[0] = true;
            } else {
                out.set(name, link(field.getValue(), linked));
            }
        }
        return out;
    }
}
