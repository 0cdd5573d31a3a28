package com.image2model.webhooks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One event on its way to one endpoint, with every attempt made. */
public record WebhookDelivery(String companyId, String endpointId, String deliveryId, String eventId, String type, Instant created,
                              String dataJson, State state, int attempts, Instant nextAttemptAt, Instant leaseUntil,
                              List<Map<String, Object>> log) {

    public enum State {
        PENDING, SENDING, RETRYING, DELIVERED, FAILED, SKIPPED;

        public boolean ended() {
            return this == DELIVERED || this == FAILED || this == SKIPPED;
        }
    }

    /** At most this many attempts are kept in the log (the newest). */
    public static final int LOG_SIZE = 40;

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", deliveryId);
        view.put("eventId", eventId);
        view.put("type", type);
        view.put("created", created.toString());
        view.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        view.put("attempts", attempts);
        view.put("nextAttemptAt", state == State.RETRYING && nextAttemptAt != null ? nextAttemptAt.toString() : null);
        view.put("log", log);
        return view;
    }
}
