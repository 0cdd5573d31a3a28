package com.image2model.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events an endpoint may ask for, and an event as it is delivered. An event's id is made from
 * what it is about (the job, the file, the checkout session), so telling the same thing twice (a
 * redelivered queue message, two files finishing one job at once) makes one delivery, not two.
 */
public final class WebhookEvents {

    public static final String JOB_COMPLETED = "job.completed";
    public static final String FILE_COMPLETED = "file.completed";
    public static final String FILE_FAILED = "file.failed";
    public static final String CREDITS_LOW = "credits.low";
    public static final String CREDITS_PURCHASED = "credits.purchased";
    /** Sent by "send a test": to one endpoint, whatever it asked for. */
    public static final String PING = "ping";

    /** What an endpoint may subscribe to, in the order the web app lists them. */
    public static final List<String> SUBSCRIBABLE = List.of(JOB_COMPLETED, FILE_COMPLETED, FILE_FAILED, CREDITS_LOW, CREDITS_PURCHASED);

    /** One event: {@code data} holds ids, states and counts (model URLs are signed at each attempt, never stored). */
    public record Event(String id, String type, String created, Map<String, Object> data) {
    }

    private WebhookEvents() {
    }

    /** The id of the event of {@code type} about {@code subject} in {@code companyId}: the same inputs, the same id. */
    public static String idOf(String companyId, String type, String subject) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((companyId + "|" + type + "|" + subject).getBytes(StandardCharsets.UTF_8));
            return "evt_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subscribed types of a request, checked: at least one, each known, no repeats kept. */
    public static Set<String> parse(List<String> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("Choose at least one event: " + String.join(", ", SUBSCRIBABLE) + ".");
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String type : types) {
            if (!SUBSCRIBABLE.contains(type)) {
                throw new IllegalArgumentException("\"" + type + "\" is not an event we send; choose from " + String.join(", ", SUBSCRIBABLE) + ".");
            }
            chosen.add(type);
        }
        return chosen;
    }
}
