package com.image2model.devstack.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.front.HttpFront;

/**
 * What the HTTP API's JWT authorizer does with a bearer token: signature against the issuer's
 * JWKS (fetched over HTTP, cached, fetched again for an unknown key id), issuer, audience (the
 * aud claim, or client_id when there is no aud, as for Cognito access tokens), expiry and
 * not-before. Like the real one it does not look at token_use: the functions refuse ID tokens.
 */
public final class JwtAuthorizer implements HttpFront.Authorizer {

    private static final Logger LOG = Logger.getLogger(JwtAuthorizer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String issuer;
    private final List<String> audiences;
    private final URI jwksUri;
    private final Clock clock;
    private volatile List<Map<String, Object>> keys = List.of();
    private volatile long lastFetch;

    public JwtAuthorizer(String issuer, List<String> audiences, URI jwksUri, Clock clock) {
        this.issuer = issuer;
        this.audiences = audiences;
        this.jwksUri = jwksUri;
        this.clock = clock;
    }

    @Override
    public HttpFront.Decision decide(Map<String, String> headers, String routeKey, String path) {
        return claims(headers.get("authorization")).map(claims -> {
            Map<String, Object> jwt = new LinkedHashMap<>();
            jwt.put("claims", claims);
            jwt.put("scopes", null);
            return HttpFront.Decision.allow(Map.of("jwt", jwt));
        }).orElse(HttpFront.Decision.refuse(401, "{\"message\":\"Unauthorized\"}"));
    }

    public Optional<Map<String, Object>> claims(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String token = authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorizationHeader.substring(7).trim() : authorizationHeader.trim();
        try {
            refreshKeysFor(token);
            Map<String, Object> claims = Jwt.verifiedClaims(token, keys);
            long now = clock.instant().getEpochSecond();
            if (!issuer.equals(claims.get("iss"))) {
                throw new Jwt.Invalid("issuer " + claims.get("iss"));
            }
            Object aud = claims.containsKey("aud") ? claims.get("aud") : claims.get("client_id");
            Collection<?> tokenAudiences = aud instanceof Collection<?> c ? c : List.of(String.valueOf(aud));
            if (tokenAudiences.stream().noneMatch(a -> audiences.contains(String.valueOf(a)))) {
                throw new Jwt.Invalid("audience " + aud);
            }
            if (!(claims.get("exp") instanceof Number exp) || exp.longValue() <= now) {
                throw new Jwt.Invalid("expired");
            }
            if (claims.get("nbf") instanceof Number nbf && nbf.longValue() > now) {
                throw new Jwt.Invalid("not valid yet");
            }
            return Optional.of(asApiGatewayClaims(claims));
        } catch (Jwt.Invalid e) {
            LOG.fine(() -> "Token refused: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Fetches the JWKS when the token names a key not seen yet (rotation), at most once per 30 s. */
    private void refreshKeysFor(String token) {
        String kid = Jwt.keyId(token);
        if (kid == null || keys.stream().anyMatch(k -> kid.equals(k.get("kid")))) {
            return;
        }
        long now = clock.millis();
        if (now - lastFetch < 30_000 && !keys.isEmpty()) {
            return;
        }
        lastFetch = now;
        try {
            keys = fetchKeys();
        } catch (Jwt.Invalid unreachable) {
            LOG.warning(unreachable.getMessage());
        }
    }

    /** API Gateway hands claims to the function as strings; a list becomes "[a b]". */
    static Map<String, Object> asApiGatewayClaims(Map<String, Object> claims) {
        Map<String, Object> out = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (value instanceof Collection<?> list) {
                out.put(name, "[" + String.join(" ", list.stream().map(String::valueOf).toList()) + "]");
            } else {
                out.put(name, String.valueOf(value));
            }
        });
        return out;
    }

    private List<Map<String, Object>> fetchKeys() throws Jwt.Invalid {
        try {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(jwksUri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<Map<String, Object>>> jwks = JSON.readValue(response.body(), new TypeReference<>() { });
            return jwks.getOrDefault("keys", List.of());
        } catch (Exception e) {
            throw new Jwt.Invalid("JWKS not reachable at " + jwksUri + ": " + e.getMessage());
        }
    }
}
