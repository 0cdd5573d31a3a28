package com.image2model.devstack.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;

/**
 * The managed login's choice-based sign-in (the template's SignInPolicy allows EMAIL_OTP): a code
 * emailed to the address signs in without a password (8 digits, 3 tries, then a new code is
 * needed; an unknown address gets the same page and no email), and the managed login keeps the
 * browser's session (a cookie), so a return to it signs in without a form until /logout ends it.
 */
class PasswordlessSignInTest {

    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** The browser's cookie jar, for the one cookie the managed login sets. */
    private String session;

    private static String url() {
        return TestStack.get().cognito().url();
    }

    private static Map<String, String> oauth() {
        var config = TestStack.get().cognito().config();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", config.clientId());
        params.put("redirect_uri", config.callbackUrls().get(0));
        params.put("response_type", "code");
        params.put("scope", "openid email profile");
        params.put("state", "s1");
        params.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        params.put("code_challenge_method", "S256");
        return params;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
        return keep(browser.send(withCookie(HttpRequest.newBuilder(URI.create(url() + path)))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private HttpResponse<String> authorize() throws Exception {
        return keep(browser.send(withCookie(HttpRequest.newBuilder(URI.create(url() + "/oauth2/authorize?" + form(oauth())))).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest.Builder withCookie(HttpRequest.Builder request) {
        return session == null ? request : request.header("Cookie", "cognito=" + session);
    }

    /** Keeps what Set-Cookie says of the session cookie, as a browser does (Max-Age=0 deletes it). */
    private HttpResponse<String> keep(HttpResponse<String> response) {
        for (String cookie : response.headers().allValues("set-cookie")) {
            if (cookie.startsWith("cognito=")) {
                String value = cookie.substring("cognito=".length(), cookie.indexOf(';'));
                session = value.isEmpty() || cookie.contains("Max-Age=0") ? null : value;
            }
        }
        return response;
    }

    private static String lastCode(String email) {
        String body = TestStack.get().cognito().outbox().stream().filter(m -> m.to().equals(email) && m.subject().contains("sign-in code"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no sign-in code for " + email)).body();
        Matcher code = Pattern.compile("\\b(\\d{8})\\b").matcher(body);
        assertThat(code.find()).isTrue();
        return code.group(1);
    }

    private Map<String, String> withEmail(String email, String code) {
        Map<String, String> fields = new LinkedHashMap<>(oauth());
        fields.put("email", email);
        if (code != null) {
            fields.put("code", code);
        }
        return fields;
    }

    @Test
    void aCodeEmailedToTheAddressSignsInAndTheBrowsersSessionLastsUntilSignOut() throws Exception {
        String email = "codes@" + Api.domain("passwordless");
        Api.signUp(email, "Passwordless Studio");

        assertThat(authorize().body()).contains("id=\"email-code\"").contains("Email me a sign-in code");
        long before = TestStack.get().cognito().outbox().size();
        HttpResponse<String> unknown = post("/login/code", withEmail("nobody@" + Api.domain("passwordless"), null));
        assertThat(unknown.body()).contains("id=\"sign-in-code\"");
        assertThat(TestStack.get().cognito().outbox().size()).as("no email to an address without an account").isEqualTo(before);

        HttpResponse<String> asked = post("/login/code", withEmail(email, null));
        assertThat(asked.body()).contains("id=\"sign-in-code\"").contains("3 minutes");
        String code = lastCode(email);
        String wrong = code.equals("00000000") ? "11111111" : "00000000";
        assertThat(post("/login/code/verify", withEmail(email, wrong)).body()).contains("Incorrect code: 2 tries left");
        assertThat(post("/login/code/verify", withEmail(email, wrong)).body()).contains("Incorrect code: 1 try left");
        assertThat(post("/login/code/verify", withEmail(email, wrong)).body()).contains("Too many wrong codes");
        assertThat(post("/login/code/verify", withEmail(email, code)).body()).as("the right code, after three wrong ones")
                .contains("expired or was used up");

        post("/login/code", withEmail(email, null));
        HttpResponse<String> signedIn = post("/login/code/verify", withEmail(email, lastCode(email)));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("location").orElseThrow()).contains("?code=").contains("state=s1");
        assertThat(signedIn.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("cognito=") && c.contains("HttpOnly"));
        // A code is used once.
        assertThat(post("/login/code/verify", withEmail(email, lastCode(email))).statusCode()).isEqualTo(200);

        // Back at the managed login within the hour: signed in without a form.
        HttpResponse<String> again = authorize();
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("location").orElseThrow()).startsWith(oauth().get("redirect_uri") + "?code=");

        // Its sign-out ends that session: the next visit asks again.
        var config = TestStack.get().cognito().config();
        String kept = session;
        HttpResponse<String> out = keep(browser.send(withCookie(HttpRequest.newBuilder(URI.create(url() + "/logout?client_id=" + config.clientId()
                + "&logout_uri=" + URLEncoder.encode(config.logoutUrls().get(0), StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(session).as("the cookie is deleted").isNull();
        // Even a browser that kept the old cookie is asked again: the session itself ended.
        session = kept;
        HttpResponse<String> asksAgain = authorize();
        assertThat(asksAgain.statusCode()).isEqualTo(200);
        assertThat(asksAgain.body()).contains("id=\"password\"");
    }
}
