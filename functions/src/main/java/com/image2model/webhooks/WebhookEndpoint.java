package com.image2model.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A company's endpoint: where its events go and which ones. The signing secret is kept to sign
 * with (it cannot be a hash, unlike an API key); the previous one signs too until its grace ends.
 */
public record WebhookEndpoint(String companyId, String endpointId, String url, String description, Set<String> events, boolean enabled,
                              String secret, String previousSecret, Instant previousSecretUntil, Instant createdAt, String createdBy,
                              Instant failingSince, String disabledReason) {

    public boolean wants(String type) {
        return enabled && events.contains(type);
    }

    /** The secrets a delivery at {@code now} is signed with, newest first. */
    public List<String> signingSecrets(Instant now) {
        List<String> secrets = new ArrayList<>(List.of(secret));
        if (previousSecret != null && previousSecretUntil != null && previousSecretUntil.isAfter(now)) {
            secrets.add(previousSecret);
        }
        return secrets;
    }

    /** What the API shows: never the secret, only its last characters to tell two apart. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", endpointId);
        view.put("url", url);
        view.put("description", description);
        view.put("events", List.copyOf(events));
        view.put("enabled", enabled);
        view.put("secretEndsWith", secret.substring(secret.length() - 4));
        view.put("previousSecretWorksUntil", previousSecretUntil == null || previousSecret == null ? null : previousSecretUntil.toString());
        view.put("createdAt", createdAt.toString());
        view.put("createdBy", createdBy);
        view.put("failingSince", failingSince == null ? null : failingSince.toString());
        view.put("disabledReason", disabledReason);
        return view;
    }
}
