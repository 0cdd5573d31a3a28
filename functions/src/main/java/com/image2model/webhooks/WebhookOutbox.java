package com.image2model.webhooks;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * Where events start: one delivery per endpoint that wants the event (made once per event, see
 * {@link WebhookStore#newDelivery}), each put on the deliveries queue for the delivery function.
 */
public final class WebhookOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** SQS delays a message at most 15 minutes: a longer wait is made of several. */
    public static final int MAX_DELAY_SECONDS = 900;

    /** The deliveries queue: a message body, delayed by up to {@link #MAX_DELAY_SECONDS}. */
    @FunctionalInterface
    public interface Queue {
        void send(String body, int delaySeconds);
    }

    private final WebhookStore store;
    private final Queue queue;
    private final Clock clock;

    public WebhookOutbox(WebhookStore store, Queue queue, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** The company's endpoints (one read), for a caller that tells several events at once. */
    public java.util.List<WebhookEndpoint> endpoints(String companyId) {
        return store.endpoints(companyId);
    }

    /**
     * Tells the company's endpoints that want it. The event has happened and is stored already: a
     * failure here is logged and counted, never thrown into the work that made the event.
     */
    public void publish(String companyId, WebhookEvents.Event event) {
        try {
            publish(store.endpoints(companyId), event);
        } catch (RuntimeException e) {
            failed(companyId, event, e);
        }
    }

    /** The same, to endpoints read already. */
    public void publish(java.util.List<WebhookEndpoint> endpoints, WebhookEvents.Event event) {
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.wants(event.type())) {
                try {
                    send(endpoint, event);
                } catch (RuntimeException e) {
                    failed(endpoint.companyId(), event, e);
                }
            }
        }
    }

    private static void failed(String companyId, WebhookEvents.Event event, RuntimeException e) {
        LOG.error("The {} event {} was not queued for company {}'s webhooks: {}", event.type(), event.id(), companyId, e.toString());
        com.image2model.platform.Metrics.count("WebhookPublishFailed", 1);
    }

    /** Makes (or finds) the event's delivery to this endpoint and queues it unless it is under way or done. */
    public WebhookDelivery send(WebhookEndpoint endpoint, WebhookEvents.Event event) {
        WebhookStore.Made made = store.newDelivery(endpoint, event, JSON.writeValueAsString(event.data()));
        WebhookDelivery delivery = made.delivery();
        // Told again (a redelivered message): queued again only if the first telling may not have reached the queue.
        if (made.fresh() || delivery.state() == WebhookDelivery.State.PENDING && delivery.attempts() == 0) {
            enqueue(delivery, 0);
        }
        return delivery;
    }

    /** Puts the delivery on the queue, to be taken up after {@code delaySeconds} (capped at SQS's 15 minutes). */
    public void enqueue(WebhookDelivery delivery, long delaySeconds) {
        Map<String, String> message = new LinkedHashMap<>();
        message.put("company", delivery.companyId());
        message.put("endpoint", delivery.endpointId());
        message.put("delivery", delivery.deliveryId());
        queue.send(JSON.writeValueAsString(message), (int) Math.max(0, Math.min(MAX_DELAY_SECONDS, delaySeconds)));
    }
}
