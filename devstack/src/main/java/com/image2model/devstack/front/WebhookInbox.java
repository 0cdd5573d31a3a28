package com.image2model.devstack.front;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A request bin for webhooks, as hosted ones (webhook.site and the like) are: an endpoint anyone can
 * point a company's webhook at ({@code POST /_devstack/inbox/<name>}), and a way to read what
 * arrived with nothing but curl ({@code GET /_devstack/inbox/<name>?type=job.completed&contains=<job id>&wait=600}),
 * which waits until a matching delivery is there and answers it as it came: its raw body and its
 * {@code Image2Model-*} headers, so the reader can check the signature itself. It lets a script
 * "wait for the webhook" without running a server; a real pipeline has its own receiver.
 */
public final class WebhookInbox {

    /** What one delivery brought. */
    public record Delivery(byte[] body, Map<String, String> headers) {
    }

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Kept per inbox, newest last; older ones are dropped. */
    static final int KEPT = 100;
    static final long MAX_WAIT_SECONDS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Deque<Delivery>> inboxes = new LinkedHashMap<>();

    /** Keeps a delivery to {@code name}. */
    public synchronized void receive(String name, byte[] body, Map<String, String> headers) {
        Deque<Delivery> inbox = inboxes.computeIfAbsent(name, n -> new ArrayDeque<>());
        inbox.addLast(new Delivery(body, Map.copyOf(headers)));
        while (inbox.size() > KEPT) {
            inbox.removeFirst();
        }
        notifyAll();
    }

    /**
     * The oldest delivery to {@code name} whose JSON {@code type} is {@code type} (any when null) and
     * whose body contains {@code contains} (any when null), waiting up to {@code waitMillis} for one.
     */
    public synchronized Optional<Delivery> find(String name, String type, String contains, long waitMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + waitMillis;
        while (true) {
            for (Delivery delivery : inboxes.getOrDefault(name, new ArrayDeque<>())) {
                if (matches(delivery, type, contains)) {
                    return Optional.of(delivery);
                }
            }
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(left);
        }
    }

    /** Every delivery to {@code name}, oldest first. */
    public synchronized List<Delivery> all(String name) {
        return List.copyOf(inboxes.getOrDefault(name, new ArrayDeque<>()));
    }

    private static boolean matches(Delivery delivery, String type, String contains) {
        String body = new String(delivery.body(), StandardCharsets.UTF_8);
        if (contains != null && !body.contains(contains)) {
            return false;
        }
        if (type == null) {
            return true;
        }
        try {
            JsonNode event = JSON.readTree(body);
            return event != null && type.equals(event.path("type").asText());
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
