package com.image2model.devstack.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.Stack;
import com.image2model.devstack.TestStack;

/** The devstack's API over HTTP, and people signed in through its login pages. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String PASSWORD = "Correct-Horse-9";
    /** The credits a new company starts with, as the catalog says (tests follow the catalog, not a copy of it). */
    public static final long TRIAL = com.image2model.credits.Catalog.load().trialCredits();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public record Answer(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        public Answer(int status, JsonNode body) {
            this(status, body, java.net.http.HttpHeaders.of(java.util.Map.of(), (n, v) -> true));
        }

        public String errorCode() {
            return body.at("/error/code").asText();
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private Api() {
    }

    public static Stack stack() {
        return TestStack.get();
    }

    public static LoginFlow login() {
        var config = stack().cognito().config();
        return new LoginFlow(stack().cognito().url(), config.clientId(), config.callbackUrls().get(0));
    }

    /** A fresh address at a domain unique to the calling test, so tests never share a company by accident. */
    public static String domain(String name) {
        return name.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    public static LoginFlow.Result signUp(String email, String companyName) throws Exception {
        LoginFlow.Result result = login().signUp(email, PASSWORD, companyName);
        if (result.error() != null) {
            throw new AssertionError("Sign-up of " + email + " failed: " + result.error());
        }
        return result;
    }

    /**
     * A person of an existing company's domain, as they join it: they sign up (a join request, a
     * token without a company), an admin of the company ({@code adminToken}) approves, and they
     * sign in again. Answers their sign-in as a member.
     */
    public static LoginFlow.Result joinAs(String adminToken, String email) throws Exception {
        return joinAs(adminToken, email, "member");
    }

    public static LoginFlow.Result joinAs(String adminToken, String email, String role) throws Exception {
        LoginFlow.Result pending = signUp(email, null);
        JsonNode claims = claims(pending.accessToken());
        if (claims.has("company_id") || !"pending".equals(claims.path("join_status").asText())) {
            throw new AssertionError(email + " was not asked to wait for an admin: " + claims);
        }
        Answer approved = call("POST", "/company/join-requests/" + claims.path("sub").asText() + "/approve", adminToken,
                "{\"role\": \"" + role + "\"}");
        if (approved.status() != 200) {
            throw new AssertionError("Approving " + email + " answered " + approved.status() + ": " + approved.body());
        }
        LoginFlow.Result member = login().signIn(email, PASSWORD);
        if (member.error() != null) {
            throw new AssertionError(email + " could not sign in after approval: " + member.error());
        }
        return member;
    }

    /**
     * An admin invites {@code email}; answers the token of the accept link the invitation email
     * carries (read from the devstack's outbox, as the person would read it in their mailbox).
     */
    public static String invite(String adminToken, String email, String role) throws Exception {
        Answer invited = call("POST", "/company/invitations", adminToken, "{\"email\": \"" + email + "\", \"role\": \"" + role + "\"}");
        if (invited.status() != 201) {
            throw new AssertionError("Inviting " + email + " answered " + invited.status() + ": " + invited.body());
        }
        return invitationToken(email);
    }

    /** The token of the newest accept link emailed to {@code email}. */
    public static String invitationToken(String email) {
        String body = stack().cognito().outbox().stream().filter(m -> m.to().equals(email) && m.subject().contains("invited you"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("No invitation was emailed to " + email)).body();
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/#/invitation/(\\S+)").matcher(body);
        if (!link.find()) {
            throw new AssertionError("The invitation email holds no accept link: " + body);
        }
        return link.group(1);
    }

    /** Invited and accepted with {@link #PASSWORD}, then signed in: the new member's tokens. */
    public static LoginFlow.Result invitedMember(String adminToken, String email, String role) throws Exception {
        invite(adminToken, email, role);
        return invitedMemberWithLastInvitation(email);
    }

    /** Accepts the newest invitation emailed to {@code email} with {@link #PASSWORD}, then signs in. */
    public static LoginFlow.Result invitedMemberWithLastInvitation(String email) throws Exception {
        String token = invitationToken(email);
        Answer accepted = call("POST", "/invitations/accept", null,
                JSON.writeValueAsString(java.util.Map.of("token", token, "password", PASSWORD)));
        if (accepted.status() != 201) {
            throw new AssertionError("Accepting the invitation of " + email + " answered " + accepted.status() + ": " + accepted.body());
        }
        LoginFlow.Result member = login().signIn(email, PASSWORD);
        if (member.error() != null) {
            throw new AssertionError(email + " could not sign in after accepting: " + member.error());
        }
        return member;
    }

    /**
     * One request, as a well-behaved client makes it: a 429 for a short burst (Retry-After of at
     * most 10 s, the per-person request rate) is waited out and the request sent again, as the web
     * app does, so that a test sending many requests sees the answers to its requests, not the
     * limit. {@link #callOnce} sends exactly once (the tests of the limits themselves).
     */
    public static Answer call(String method, String path, String token, String body) throws Exception {
        Answer answer = callOnce(method, path, token, body);
        for (int attempt = 0; attempt < 3 && answer.status() == 429; attempt++) {
            String retryAfter = answer.header("retry-after");
            long seconds = retryAfter == null ? -1 : Long.parseLong(retryAfter);
            if (seconds < 1 || seconds > 10) {
                break;
            }
            Thread.sleep(seconds * 1000);
            answer = callOnce(method, path, token, body);
        }
        return answer;
    }

    /** Exactly one request, whatever it answers. */
    public static Answer callOnce(String method, String path, String token, String body) throws Exception {
        return callWithHeaders(method, path, token == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + token), body);
    }

    /** Exactly one request with these headers (credentials included, as the caller sends them). */
    public static Answer callWithHeaders(String method, String path, java.util.Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack().front().url() + path));
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // Every answer is held to openapi.yaml: its route, its status, its schema.
        com.image2model.devstack.api.ApiContract.get().check(method, path, response.statusCode(),
                response.headers().firstValue("content-type").orElse(null), response.body());
        return new Answer(response.statusCode(), response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()),
                response.headers());
    }

    public static JsonNode claims(String token) throws Exception {
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
