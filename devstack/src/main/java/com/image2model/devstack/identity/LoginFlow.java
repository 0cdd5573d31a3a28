package com.image2model.devstack.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The browser's side of managed login, over plain HTTP: authorization code with PKCE, signing up
 * first when asked. Used by {@code devstack token} and by the tests.
 */
public final class LoginFlow {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The outcome: the token endpoint's answer, or the page's error message. */
    public record Result(Map<String, Object> tokens, String error) {
        public String accessToken() {
            return tokens == null ? null : String.valueOf(tokens.get("access_token"));
        }

        public String idToken() {
            return tokens == null ? null : String.valueOf(tokens.get("id_token"));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String loginUrl;
    private final String clientId;
    private final String redirectUri;

    public LoginFlow(String loginUrl, String clientId, String redirectUri) {
        this.loginUrl = loginUrl;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
    }

    public Result signUp(String email, String password, String companyName) throws Exception {
        return run("/signup", Map.of("email", email, "password", password, "company_name", companyName == null ? "" : companyName));
    }

    public Result signIn(String email, String password) throws Exception {
        return run("/login", Map.of("email", email, "password", password));
    }

    /** The first sign-in of an invited user: the temporary password, then their own. */
    public Result signInWithNewPassword(String email, String temporaryPassword, String newPassword) throws Exception {
        return run("/login", Map.of("email", email, "password", temporaryPassword, "new_password", newPassword));
    }

    /** Signs in, creating the account first if there is none (as a person would on the page). */
    public Result signInOrUp(String email, String password) throws Exception {
        Result result = signIn(email, password);
        if (result.error() != null && result.error().contains("Incorrect username or password")) {
            Result created = signUp(email, password, null);
            if (created.error() == null || !created.error().contains("already exists")) {
                return created;
            }
        }
        return result;
    }

    public Map<String, Object> refresh(String refreshToken) throws Exception {
        HttpResponse<String> response = post(loginUrl + "/oauth2/token", Map.of("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", refreshToken));
        return JSON.readValue(response.body(), new TypeReference<>() { });
    }

    private Result run(String action, Map<String, String> fields) throws Exception {
        String verifier = random();
        String state = random();
        Map<String, String> form = new LinkedHashMap<>(Map.of("client_id", clientId, "redirect_uri", redirectUri,
                "response_type", "code", "state", state, "scope", "openid email profile",
                "code_challenge", LocalCognito.s256(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(loginUrl + "/oauth2/authorize?" + encode(form)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            return new Result(null, "authorize answered " + page.statusCode());
        }
        form.putAll(fields);
        HttpResponse<String> answer = post(loginUrl + action, form);
        if (answer.statusCode() != 302) {
            return new Result(null, pageError(answer.body()));
        }
        URI location = URI.create(answer.headers().firstValue("Location").orElseThrow());
        Map<String, String> back = LocalCognito.parse(location.getRawQuery());
        if (!state.equals(back.get("state"))) {
            return new Result(null, "state does not match");
        }
        HttpResponse<String> tokens = post(loginUrl + "/oauth2/token", Map.of("grant_type", "authorization_code",
                "client_id", clientId, "code", back.get("code"), "redirect_uri", redirectUri, "code_verifier", verifier));
        Map<String, Object> body = JSON.readValue(tokens.body(), new TypeReference<>() { });
        return tokens.statusCode() == 200 ? new Result(body, null) : new Result(null, String.valueOf(body));
    }

    private HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String pageError(String html) {
        int start = html.indexOf("role=\"alert\">");
        if (start < 0) {
            return "the page showed no error but did not sign in";
        }
        String message = html.substring(start + 13, html.indexOf("</p>", start));
        return message.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String encode(Map<String, String> form) {
        StringJoiner joiner = new StringJoiner("&");
        form.forEach((k, v) -> joiner.add(LocalCognito.enc(k) + "=" + LocalCognito.enc(v)));
        return joiner.toString();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new String(Base64.getUrlEncoder().withoutPadding().encode(bytes), StandardCharsets.US_ASCII);
    }
}
