package com.image2model.fal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FAL's webhook signature: Ed25519 over the request id, user id (which must be our account's), timestamp and the hex SHA-256 of
 * the raw body, joined by newlines, checked against the keys of FAL's JWKS (fetched once and kept;
 * fetched again, at most every minute, when no kept key verifies). Timestamps more than 300 s
 * from now are refused, so a captured webhook cannot be replayed later.
 */
public final class FalWebhookVerifier {

    public static final long TOLERANCE_SECONDS = 300;
    private static final Duration KEYS_KEPT = Duration.ofHours(24);
    private static final Duration REFETCH_AFTER = Duration.ofMinutes(1);
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** FAL's keys could not be had (the JWKS is unreachable or holds no Ed25519 key): nothing can be verified. */
    public static final class KeysUnavailable extends RuntimeException {
        public KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Why a webhook is refused. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final String jwksUrl;
    private final String userId;
    private final Clock clock;
    private volatile List<PublicKey> keys = List.of();
    private volatile long fetchedAt = Long.MIN_VALUE / 2;

    /** {@code userId}: our FAL account's user id; FAL signs every account's webhooks with the same keys. */
    public FalWebhookVerifier(HttpClient http, String jwksUrl, String userId, Clock clock) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("Our FAL user id is needed to tell our webhooks from other accounts'");
        }
        this.http = http;
        this.jwksUrl = jwksUrl;
        this.userId = userId;
        this.clock = clock;
    }

    /** Verifies; {@code headers} with lower-case names (as API Gateway passes them). Answers the signed request id. */
    public String verify(Map<String, String> headers, byte[] body) throws Refused {
        String requestId = header(headers, "x-fal-webhook-request-id");
        String sentFor = header(headers, "x-fal-webhook-user-id");
        String timestamp = header(headers, "x-fal-webhook-timestamp");
        String signatureHex = header(headers, "x-fal-webhook-signature");
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new Refused("The webhook timestamp is not a number.");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - sentAt) > TOLERANCE_SECONDS) {
            throw new Refused("The webhook timestamp is " + (now - sentAt) + " s away from now (at most " + TOLERANCE_SECONDS + " s).");
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            throw new Refused("The webhook signature is not hex.");
        }
        // FAL's keys sign every account's webhooks: one signed for another account is genuine, but not ours.
        if (!userId.equals(sentFor)) {
            throw new Refused("The webhook was sent for another FAL account.");
        }
        byte[] message = String.join("\n", requestId, sentFor, timestamp, sha256Hex(body)).getBytes(StandardCharsets.UTF_8);
        if (verifies(keys(false), message, signature)) {
            return requestId;
        }
        // Perhaps FAL rotated its keys since they were fetched.
        if (clock.millis() - fetchedAt > REFETCH_AFTER.toMillis() && verifies(keys(true), message, signature)) {
            return requestId;
        }
        throw new Refused("The webhook signature does not verify.");
    }

    private static boolean verifies(List<PublicKey> keys, byte[] message, byte[] signature) {
        for (PublicKey key : keys) {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(message);
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // A malformed signature for this key: try the next.
            }
        }
        return false;
    }

    private List<PublicKey> keys(boolean refresh) throws Refused {
        long now = clock.millis();
        if (!refresh && !keys.isEmpty() && now - fetchedAt < KEYS_KEPT.toMillis()) {
            return keys;
        }
        synchronized (this) {
            if (!refresh && !keys.isEmpty() && now - fetchedAt < KEYS_KEPT.toMillis()) {
                return keys;
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(jwksUrl)).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("JWKS answered " + response.statusCode());
                }
                List<PublicKey> fresh = new ArrayList<>();
                for (JsonNode key : JSON.readTree(response.body()).path("keys")) {
                    if ("OKP".equals(key.path("kty").asString("")) && "Ed25519".equals(key.path("crv").asString(""))) {
                        byte[] x = Base64.getUrlDecoder().decode(key.path("x").asString(""));
                        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
                        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
                        fresh.add(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
                    }
                }
                if (fresh.isEmpty()) {
                    throw new IllegalStateException("the JWKS holds no Ed25519 key");
                }
                keys = List.copyOf(fresh);
                fetchedAt = now;
                return keys;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while fetching FAL's JWKS", e);
            } catch (Exception e) {
                if (!keys.isEmpty()) {
                    return keys;
                }
                throw new KeysUnavailable("FAL's JWKS could not be fetched from " + jwksUrl + ": " + e.getMessage(), e);
            }
        }
    }

    private static String header(Map<String, String> headers, String name) throws Refused {
        String value = com.image2model.platform.ApiRequests.header(headers, name);
        if (value == null || value.isBlank()) {
            throw new Refused("The webhook has no " + name + " header.");
        }
        return value.trim();
    }

    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
