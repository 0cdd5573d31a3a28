package com.image2model.tenancy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the HTTP API's JWT authorizer checked before the API had API keys, now done by its Lambda
 * authorizer: an RS256 signature against the user pool's JWKS (fetched on first use and again, at
 * most every 30 s, for a key id not seen yet: Cognito rotates its keys), the issuer, the app client
 * ({@code client_id}, or {@code aud}), expiry and not-before. The claims come out as API Gateway hands
 * a JWT authorizer's claims to a function: every value a string, a list as "[a b]".
 */
public final class AccessTokens {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long REFETCH_MILLIS = 30_000;

    /** A token that does not verify; the message says why (for the log, never for the caller). */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /** Reads the JWKS document; the Lambda fetches it over HTTPS, tests hand it in. */
    @FunctionalInterface
    public interface KeySource {
        byte[] read() throws IOException;
    }

    private final String issuer;
    private final String clientId;
    private final KeySource source;
    private final Clock clock;
    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile long fetchedAt = Long.MIN_VALUE / 2;

    public AccessTokens(String issuer, String clientId, KeySource source, Clock clock) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.source = source;
        this.clock = clock;
    }

    /** The JWKS at {@code url}, read with a 3 s limit (no redirects: the keys come from where they are configured). */
    public static KeySource https(String url) {
        URI uri = URI.create(url);
        return () -> {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(3000);
            connection.setReadTimeout(3000);
            try (InputStream in = connection.getInputStream()) {
                if (connection.getResponseCode() != 200) {
                    throw new IOException("The JWKS answered " + connection.getResponseCode());
                }
                return in.readNBytes(256 * 1024);
            } finally {
                connection.disconnect();
            }
        };
    }

    /** The verified claims of {@code token}. */
    public Map<String, String> verify(String token) throws Invalid {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Invalid("not a JWT");
        }
        JsonNode header = json(parts[0]);
        if (!"RS256".equals(header.path("alg").asString(""))) {
            throw new Invalid("algorithm " + header.path("alg").asString(""));
        }
        String kid = header.path("kid").asString("");
        PublicKey key = key(kid);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new Invalid("signature");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Invalid("signature: " + e.getMessage());
        }
        JsonNode claims = json(parts[1]);
        long now = clock.instant().getEpochSecond();
        if (!issuer.equals(claims.path("iss").asString(""))) {
            throw new Invalid("issuer");
        }
        JsonNode audience = claims.has("aud") ? claims.get("aud") : claims.path("client_id");
        boolean ours = audience.isArray() ? audience.valueStream().anyMatch(a -> clientId.equals(a.asString(""))) : clientId.equals(audience.asString(""));
        if (!ours) {
            throw new Invalid("audience");
        }
        if (!claims.path("exp").isNumber() || claims.path("exp").asLong() <= now) {
            throw new Invalid("expired");
        }
        if (claims.path("nbf").isNumber() && claims.path("nbf").asLong() > now) {
            throw new Invalid("not valid yet");
        }
        Map<String, String> out = new LinkedHashMap<>();
        claims.properties().forEach(entry -> {
            JsonNode value = entry.getValue();
            out.put(entry.getKey(), value.isArray() ? "[" + String.join(" ", value.valueStream().map(v -> v.asString("")).toList()) + "]"
                    : value.isString() ? value.asString() : value.toString());
        });
        return out;
    }

    private PublicKey key(String kid) throws Invalid {
        PublicKey key = keys.get(kid);
        if (key != null) {
            return key;
        }
        synchronized (this) {
            long now = clock.millis();
            if (!keys.containsKey(kid) && (keys.isEmpty() || now - fetchedAt >= REFETCH_MILLIS)) {
                fetchedAt = now;
                keys = fetch();
            }
        }
        key = keys.get(kid);
        if (key == null) {
            throw new Invalid("unknown key id");
        }
        return key;
    }

    /** The user pool's keys cannot be read: no token can be checked (the authorizer fails, API Gateway answers 500). */
    public static final class KeysUnavailable extends IllegalStateException {
        public KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Map<String, PublicKey> fetch() {
        try {
            Map<String, PublicKey> found = new LinkedHashMap<>();
            for (JsonNode jwk : JSON.readTree(source.read()).path("keys")) {
                if ("RSA".equals(jwk.path("kty").asString("")) && jwk.hasNonNull("kid")) {
                    BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asString("")));
                    BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asString("")));
                    found.put(jwk.path("kid").asString(), KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
                }
            }
            return Map.copyOf(found);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Keys stay as they were: a JWKS that cannot be read now must not throw away the good ones.
            throw new KeysUnavailable("The user pool's JWKS could not be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode json(String part) throws Invalid {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (RuntimeException e) {
            throw new Invalid("not JSON");
        }
    }
}
