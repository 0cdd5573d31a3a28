package com.image2model.devstack.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for Cognito in the devstack:
 * <ul>
 *   <li>the user-pool JSON API the functions call through the SDK (AdminCreateUser, AdminGetUser,
 *   AdminSetUserPassword, AdminDisableUser, AdminEnableUser, AdminUserGlobalSignOut, AdminDeleteUser, DescribeUserPool);</li>
 *   <li>managed login: an OIDC authorization-code flow with mandatory PKCE (S256), a sign-in and
 *   sign-up page, a token endpoint (code and refresh_token grants), JWKS, RS256 tokens shaped like
 *   Cognito's;</li>
 *   <li>the pool's triggers (PreSignUp, PostConfirmation, PreTokenGeneration V2), run through the
 *   same Lambda entry point as in AWS, with Cognito-shaped events.</li>
 * </ul>
 * In the devstack nobody owns an inbox: sign-up confirms the email at once, and the emails Cognito
 * would send (invitations with a temporary password) go to GET /outbox; the console names only recipient and subject.
 */
public final class LocalCognito implements AutoCloseable {

    /** Runs a trigger function; throws with the function's own message when it fails. */
    @FunctionalInterface
    public interface Triggers {
        Map<String, Object> invoke(String functionId, Map<String, Object> event) throws TriggerFailed;
    }

    public static final class TriggerFailed extends Exception {
        public TriggerFailed(String message) {
            super(message);
        }
    }

    /** An email the pool would have sent. */
    public record Email(String to, String subject, String body, String at) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CognitoConfig config;
    private final Triggers triggers;
    private final Clock clock;
    private final HttpServer server;
    private final Jwt.SigningKey key = Jwt.SigningKey.generate();
    private final Map<String, User> usersById = new ConcurrentHashMap<>();
    private final Map<String, String> idByEmail = new ConcurrentHashMap<>();
    private final Map<String, AuthorizationCode> codes = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final List<Email> outbox = new CopyOnWriteArrayList<>();

    private static final class User {
        final String id;
        final String email;
        volatile String passwordHash;
        volatile String status;
        volatile boolean enabled = true;
        final Map<String, String> attributes = new ConcurrentHashMap<>();
        final Set<String> groups = ConcurrentHashMap.newKeySet();
        final Instant created;
        volatile Instant modified;

        User(String id, String email, Instant created) {
            this.id = id;
            this.email = email;
            this.created = created;
            this.modified = created;
        }
    }

    private record AuthorizationCode(String userId, String clientId, String redirectUri, String challenge, String scope,
                                     String nonce, Map<String, Object> tokens, Instant expires) {
    }

    private record RefreshGrant(String userId, String clientId, String scope) {
    }

    public LocalCognito(int port, CognitoConfig config, Triggers triggers, Clock clock) throws IOException {
        this.config = config;
        this.triggers = triggers;
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress("localhost", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(8, com.image2model.devstack.Daemons.named("local-cognito")));
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    public URI jwksUri() {
        return URI.create(url() + "/" + config.userPoolId() + "/.well-known/jwks.json");
    }

    public CognitoConfig config() {
        return config;
    }

    public List<Email> outbox() {
        return List.copyOf(outbox);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Tokens for a user as the token endpoint would issue them, with a chosen lifetime (tests: expired tokens). */
    public Map<String, Object> issueTokens(String email, long lifetimeSeconds) throws TriggerFailed {
        User user = userByLogin(email).orElseThrow(() -> new IllegalArgumentException("No user " + email));
        return tokens(user, config.clientId(), String.join(" ", config.scopes()), null, "TokenGeneration_HostedAuth", lifetimeSeconds);
    }

    /** Signs any claims with the pool's own key (tests: a right signature on a wrong issuer or audience). */
    String sign(Map<String, Object> claims) {
        return Jwt.sign(key, claims);
    }

    // ------------------------------------------------------------------ routing

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && exchange.getRequestHeaders().containsKey("X-Amz-Target")) {
                api(exchange);
            } else if (path.endsWith("/.well-known/jwks.json")) {
                sendJson(exchange, 200, Map.of("keys", List.of(key.jwk())));
            } else if (path.endsWith("/.well-known/openid-configuration")) {
                sendJson(exchange, 200, discovery());
            } else if (path.equals("/oauth2/authorize") && method.equals("GET")) {
                authorize(exchange);
            } else if (path.equals("/login") && method.equals("POST")) {
                login(exchange);
            } else if (path.equals("/login/code") && method.equals("POST") && config.emailCodes()) {
                emailCode(exchange);
            } else if (path.equals("/login/code/verify") && method.equals("POST") && config.emailCodes()) {
                verifyEmailCode(exchange);
            } else if (path.equals("/forgotPassword") && method.equals("POST")) {
                forgotPassword(exchange);
            } else if (path.equals("/confirmForgotPassword") && method.equals("POST")) {
                confirmForgotPassword(exchange);
            } else if (path.equals("/signup") && method.equals("POST")) {
                signUp(exchange);
            } else if ((path.equals("/oauth2/token") || path.equals("/oauth2/revoke")) && method.equals("OPTIONS")) {
                // The web app calls both endpoints from the browser, as Cognito allows (CORS).
                allowSiteOrigin(exchange);
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "content-type, authorization");
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/oauth2/token") && method.equals("POST")) {
                // The web app exchanges its code from the browser, as Cognito's token endpoint allows (CORS).
                allowSiteOrigin(exchange);
                token(exchange);
            } else if (path.equals("/oauth2/revoke") && method.equals("POST")) {
                // Cognito's revocation endpoint: the refresh token (and the sessions it made) ends.
                allowSiteOrigin(exchange);
                revoke(exchange);
            } else if (path.equals("/logout") && method.equals("GET")) {
                logout(exchange);
            } else if (path.equals("/v2/email/outbound-emails") && method.equals("POST")) {
                sesSendEmail(exchange);
            } else if (path.equals("/outbox") && method.equals("GET")) {
                sendJson(exchange, 200, Map.of("emails", outbox));
            } else {
                sendJson(exchange, 404, Map.of("message", "Not Found"));
            }
        } catch (RuntimeException e) {
            sendJson(exchange, 500, Map.of("__type", "InternalErrorException", "message", String.valueOf(e.getMessage())));
        }
    }

    private void allowSiteOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null && config.callbackUrls().stream().anyMatch(url -> url.startsWith(origin + "/"))) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            exchange.getResponseHeaders().set("Vary", "Origin");
        }
    }

    private Map<String, Object> discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", config.issuer());
        doc.put("authorization_endpoint", url() + "/oauth2/authorize");
        doc.put("token_endpoint", url() + "/oauth2/token");
        doc.put("end_session_endpoint", url() + "/logout");
        doc.put("jwks_uri", jwksUri().toString());
        doc.put("response_types_supported", List.of("code"));
        doc.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("scopes_supported", config.scopes());
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("subject_types_supported", List.of("public"));
        return doc;
    }

    private volatile com.image2model.devstack.iam.Iam iam;

    /** The devstack's IAM, checked on every user-pool and SES call a function makes. */
    public void setIam(com.image2model.devstack.iam.Iam iam) {
        this.iam = iam;
    }

    /** Answers AccessDenied (as {@code status} with {@code body}) and false when IAM refuses; true when allowed. */
    private boolean allowed(HttpExchange exchange, String action, String resource, boolean ses) throws IOException {
        com.image2model.devstack.iam.Iam policies = iam;
        if (policies == null) {
            return true;
        }
        try {
            policies.authorize(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), action, resource);
            return true;
        } catch (com.image2model.devstack.iam.Iam.Denied denied) {
            if (ses) {
                exchange.getResponseHeaders().set("x-amzn-ErrorType", "AccessDeniedException");
                sendJson(exchange, 403, Map.of("message", denied.getMessage()));
            } else {
                sendJson(exchange, 400, Map.of("__type", "AccessDeniedException", "message", denied.getMessage()));
            }
            return false;
        }
    }

    /** SES v2 SendEmail (the functions' notifications): the email goes to the outbox. */
    /** Sends SES refuses next, as it does past the account's sending rate (tests: an alert that must be sent again). */
    private final java.util.concurrent.atomic.AtomicInteger refusedSends = new java.util.concurrent.atomic.AtomicInteger();

    public void refuseNextEmails(int count) {
        refusedSends.set(count);
    }

    private void sesSendEmail(HttpExchange exchange) throws IOException {
        Map<String, Object> request;
        try (InputStream in = exchange.getRequestBody()) {
            request = JSON.readValue(in, new TypeReference<>() { });
        }
        if (refusedSends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            // SES v2's throttling answer.
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "TooManyRequestsException");
            sendJson(exchange, 429, Map.of("message", "Maximum sending rate exceeded."));
            return;
        }
        if (!allowed(exchange, "ses:SendEmail", "arn:aws:ses:" + com.image2model.devstack.aws.LocalAws.REGION + ":"
                + com.image2model.devstack.aws.LocalAws.ACCOUNT_ID + ":identity/" + request.get("FromEmailAddress"), true)) {
            return;
        }
        Map<String, Object> simple = CognitoConfig.map(CognitoConfig.map(request.get("Content")).get("Simple"));
        String subject = String.valueOf(CognitoConfig.map(simple.get("Subject")).get("Data"));
        String body = String.valueOf(CognitoConfig.map(CognitoConfig.map(simple.get("Body")).get("Text")).get("Data"));
        for (String to : CognitoConfig.strings(CognitoConfig.map(request.get("Destination")).get("ToAddresses"))) {
            send(to, subject, body);
        }
        sendJson(exchange, 200, Map.of("MessageId", UUID.randomUUID().toString()));
    }

    // ------------------------------------------------------------------ the user-pool JSON API

    private void api(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target.substring(target.indexOf('.') + 1);
        Map<String, Object> request;
        try (InputStream in = exchange.getRequestBody()) {
            request = JSON.readValue(in, new TypeReference<>() { });
        }
        if (request.containsKey("UserPoolId") && !config.userPoolId().equals(request.get("UserPoolId"))) {
            apiError(exchange, "ResourceNotFoundException", "User pool " + request.get("UserPoolId") + " does not exist.");
            return;
        }
        if (!allowed(exchange, "cognito-idp:" + operation, "arn:aws:cognito-idp:" + com.image2model.devstack.aws.LocalAws.REGION + ":"
                + com.image2model.devstack.aws.LocalAws.ACCOUNT_ID + ":userpool/" + config.userPoolId(), false)) {
            return;
        }
        switch (operation) {
            case "DescribeUserPool" -> apiOk(exchange, Map.of("UserPool", Map.of("Id", config.userPoolId(),
                    "Name", config.userPoolId(), "Status", "Enabled")));
            case "AdminCreateUser" -> adminCreateUser(exchange, request);
            case "AdminGetUser" -> withUser(exchange, request, user -> apiOk(exchange, userJson(user, "UserAttributes")));
            case "AdminSetUserPassword" -> withUser(exchange, request, user -> {
                String password = String.valueOf(request.getOrDefault("Password", ""));
                Optional<String> weak = passwordProblem(password);
                if (weak.isPresent()) {
                    apiError(exchange, "InvalidPasswordException", weak.get());
                    return;
                }
                user.passwordHash = hash(password);
                user.status = Boolean.TRUE.equals(request.get("Permanent")) ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
                user.modified = clock.instant();
                apiOk(exchange, Map.of());
            });
            case "AdminDisableUser" -> withUser(exchange, request, user -> {
                user.enabled = false;
                revokeRefreshTokens(user.id);
                apiOk(exchange, Map.of());
            });
            case "AdminEnableUser" -> withUser(exchange, request, user -> {
                user.enabled = true;
                apiOk(exchange, Map.of());
            });
            case "AdminUserGlobalSignOut" -> withUser(exchange, request, user -> {
                revokeRefreshTokens(user.id);
                apiOk(exchange, Map.of());
            });
            case "AdminListGroupsForUser" -> withUser(exchange, request, user -> apiOk(exchange, Map.of("Groups",
                    user.groups.stream().sorted().map(g -> Map.of("GroupName", g, "UserPoolId", config.userPoolId())).toList())));
            case "AdminAddUserToGroup" -> withUser(exchange, request, user -> {
                user.groups.add(String.valueOf(request.get("GroupName")));
                apiOk(exchange, Map.of());
            });
            case "AdminRemoveUserFromGroup" -> withUser(exchange, request, user -> {
                user.groups.remove(String.valueOf(request.get("GroupName")));
                apiOk(exchange, Map.of());
            });
            case "AdminDeleteUser" -> withUser(exchange, request, user -> {
                usersById.remove(user.id);
                idByEmail.remove(user.email);
                revokeRefreshTokens(user.id);
                apiOk(exchange, Map.of());
            });
            default -> apiError(exchange, "InvalidParameterException", operation + " is not supported by the devstack's Cognito");
        }
    }

    private interface UserAction {
        void run(User user) throws IOException;
    }

    private void withUser(HttpExchange exchange, Map<String, Object> request, UserAction action) throws IOException {
        Optional<User> user = userByLogin(String.valueOf(request.get("Username")));
        if (user.isEmpty()) {
            apiError(exchange, "UserNotFoundException", "User does not exist.");
            return;
        }
        action.run(user.get());
    }

    private void adminCreateUser(HttpExchange exchange, Map<String, Object> request) throws IOException {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object a : (List<?>) request.getOrDefault("UserAttributes", List.of())) {
            Map<?, ?> attribute = (Map<?, ?>) a;
            attributes.put(String.valueOf(attribute.get("Name")), String.valueOf(attribute.get("Value")));
        }
        String email = attributes.getOrDefault("email", String.valueOf(request.get("Username"))).trim().toLowerCase(Locale.ROOT);
        if (idByEmail.containsKey(email)) {
            apiError(exchange, "UsernameExistsException", "An account with the given email already exists.");
            return;
        }
        attributes.put("email", email);
        try {
            trigger("PreSignUp", "PreSignUp_AdminCreateUser", UUID.randomUUID().toString(), attributes, Map.of());
        } catch (TriggerFailed e) {
            apiError(exchange, "UserLambdaValidationException", "PreSignUp failed with error " + e.getMessage() + ".");
            return;
        }
        String temporary = request.get("TemporaryPassword") != null ? String.valueOf(request.get("TemporaryPassword")) : temporaryPassword();
        User user = addUser(email, temporary, "FORCE_CHANGE_PASSWORD", attributes);
        if (!"SUPPRESS".equals(request.get("MessageAction"))) {
            send(email, "Your temporary password",
                    "You have been invited to Image2Model. Your username is " + email + " and your temporary password is " + temporary);
        }
        apiOk(exchange, Map.of("User", userJson(user, "Attributes")));
    }

    private Map<String, Object> userJson(User user, String attributesField) {
        List<Map<String, String>> attributes = new ArrayList<>();
        attributes.add(Map.of("Name", "sub", "Value", user.id));
        user.attributes.forEach((name, value) -> attributes.add(Map.of("Name", name, "Value", value)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("Username", user.id);
        json.put(attributesField, attributes);
        json.put("UserCreateDate", user.created.getEpochSecond());
        json.put("UserLastModifiedDate", user.modified.getEpochSecond());
        json.put("Enabled", user.enabled);
        json.put("UserStatus", user.status);
        return json;
    }

    private void apiOk(HttpExchange exchange, Map<String, Object> body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        send(exchange, 200, JSON.writeValueAsBytes(body));
    }

    private void apiError(HttpExchange exchange, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, 400, JSON.writeValueAsBytes(Map.of("__type", type, "message", message)));
    }

    // ------------------------------------------------------------------ managed login

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> params = query(exchange);
        Optional<String> problem = oauthProblem(params);
        if (problem.isPresent()) {
            html(exchange, 400, LoginPage.error(problem.get()));
            return;
        }
        // Managed login's session: a browser that signed in within the hour is signed in again without a form (prompt=login asks anyway).
        Optional<User> remembered = sessionUser(exchange);
        if (remembered.isPresent() && !"login".equals(params.get("prompt")) && params.get("screen") == null) {
            completeSignIn(exchange, remembered.get(), params);
            return;
        }
        html(exchange, 200, LoginPage.signIn(params, null, params.getOrDefault("screen", "signin"), config.emailCodes()));
    }

    // ------------------------------------------------------------------ managed login's session and email codes

    /** A browser's managed-login session: the cookie's value, its user, its end. */
    private record LoginSession(String userId, java.time.Instant expiresAt) {
    }

    /** A one-time sign-in code: 8 digits, 3 minutes, 3 tries. */
    private record EmailCode(String code, java.time.Instant expiresAt, int triesLeft) {
    }

    static final String SESSION_COOKIE = "cognito";
    private static final java.time.Duration SESSION = java.time.Duration.ofHours(1);
    private final Map<String, LoginSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, EmailCode> emailCodes = new ConcurrentHashMap<>();

    private Optional<User> sessionUser(HttpExchange exchange) {
        String cookie = cookie(exchange, SESSION_COOKIE);
        LoginSession session = cookie == null ? null : sessions.get(cookie);
        if (session == null || session.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        User user = usersById.get(session.userId());
        return user == null || !user.enabled ? Optional.empty() : Optional.of(user);
    }

    private static String cookie(HttpExchange exchange, String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String[] pair = part.trim().split("=", 2);
                if (pair.length == 2 && pair[0].equals(name)) {
                    return pair[1];
                }
            }
        }
        return null;
    }

    /** A code of {@code count} random digits, as Cognito mails them (6 for a password reset, 8 to sign in). */
    private static String digits(int count) {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < count; i++) {
            code.append(RANDOM.nextInt(10));
        }
        return code.toString();
    }

    /** Ends every managed-login session of the user (signed out everywhere, disabled, deleted). */
    private void endSessions(String userId) {
        sessions.values().removeIf(s -> s.userId().equals(userId));
    }

    /** "Email me a sign-in code": a code to a known, enabled, confirmed address; the same page whatever the address (no enumeration). */
    private void emailCode(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        if (!email.matches("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")) {
            html(exchange, 200, LoginPage.signIn(form, "Enter your email to get a sign-in code.", "signin", true));
            return;
        }
        form.put("email", email);
        Optional<User> user = userByLogin(email);
        if (user.isPresent() && user.get().enabled && !"FORCE_CHANGE_PASSWORD".equals(user.get().status)) {
            String code = digits(8);
            emailCodes.put(user.get().id, new EmailCode(code, clock.instant().plusSeconds(180), 3));
            send(email, "Your sign-in code", "Your Image2Model sign-in code is " + code + ". It works for 3 minutes.");
        }
        html(exchange, 200, LoginPage.emailCode(form, null));
    }

    private void verifyEmailCode(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        Optional<User> user = userByLogin(email);
        EmailCode expected = user.map(u -> emailCodes.get(u.id)).orElse(null);
        if (expected == null || expected.expiresAt().isBefore(clock.instant())) {
            user.ifPresent(u -> emailCodes.remove(u.id));
            html(exchange, 200, LoginPage.emailCode(form, "This code has expired or was used up: send a new code."));
            return;
        }
        boolean matches = java.security.MessageDigest.isEqual(expected.code().getBytes(StandardCharsets.UTF_8),
                form.getOrDefault("code", "").trim().getBytes(StandardCharsets.UTF_8));
        if (!matches) {
            int left = expected.triesLeft() - 1;
            if (left <= 0) {
                emailCodes.remove(user.get().id);
                html(exchange, 200, LoginPage.emailCode(form, "Too many wrong codes: send a new code."));
            } else {
                emailCodes.put(user.get().id, new EmailCode(expected.code(), expected.expiresAt(), left));
                html(exchange, 200, LoginPage.emailCode(form, "Incorrect code: " + left + (left == 1 ? " try" : " tries") + " left."));
            }
            return;
        }
        emailCodes.remove(user.get().id);
        if (!user.get().enabled) {
            html(exchange, 200, LoginPage.signIn(form, "User is disabled.", "signin", true));
            return;
        }
        // The code reached the address: it is verified.
        user.get().attributes.put("email_verified", "true");
        completeSignIn(exchange, user.get(), form);
    }

    /** What is wrong with an authorization request, if anything (never redirect to an unregistered URI). */
    private Optional<String> oauthProblem(Map<String, String> params) {
        if (!config.clientId().equals(params.get("client_id"))) {
            return Optional.of("Unknown client_id.");
        }
        if (!config.callbackUrls().contains(params.get("redirect_uri"))) {
            return Optional.of("redirect_uri is not one of the app client's callback URLs.");
        }
        if (!"code".equals(params.get("response_type"))) {
            return Optional.of("response_type must be code.");
        }
        if (params.get("code_challenge") == null || !"S256".equals(params.get("code_challenge_method"))) {
            return Optional.of("This public client must use PKCE: code_challenge with code_challenge_method=S256.");
        }
        return Optional.empty();
    }

    /** A reset code for the address, emailed (to the outbox); the page never says whether the address has an account. */
    private void forgotPassword(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        Optional<User> user = userByLogin(email);
        if (user.isPresent() && user.get().enabled) {
            String code = digits(6);
            resetCodes.put(user.get().id, new ResetCode(code, clock.instant().plusSeconds(3600)));
            send(email, "Your password reset code", "Your Image2Model password reset code is " + code + ". It works for one hour.");
        }
        html(exchange, 200, LoginPage.confirmForgotPassword(form, null));
    }

    /** The code and a new password: the password is set, and the person is signed in (Cognito's managed login does both). */
    private void confirmForgotPassword(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        Optional<User> user = userByLogin(form.getOrDefault("email", ""));
        ResetCode code = user.map(u -> resetCodes.get(u.id)).orElse(null);
        if (code == null || code.expiresAt().isBefore(clock.instant())
                || !MessageDigest.isEqual(code.code().getBytes(StandardCharsets.UTF_8), form.getOrDefault("code", "").trim().getBytes(StandardCharsets.UTF_8))) {
            html(exchange, 200, LoginPage.confirmForgotPassword(form, "Invalid verification code provided, please try again."));
            return;
        }
        Optional<String> weak = passwordProblem(form.getOrDefault("new_password", ""));
        if (weak.isPresent()) {
            html(exchange, 200, LoginPage.confirmForgotPassword(form, weak.get()));
            return;
        }
        resetCodes.remove(user.get().id);
        user.get().passwordHash = hash(form.get("new_password"));
        user.get().status = "CONFIRMED";
        user.get().modified = clock.instant();
        // Every other session of the person ends: a reset is often because the password leaked.
        revokeRefreshTokens(user.get().id);
        completeSignIn(exchange, user.get(), form);
    }

    private record ResetCode(String code, java.time.Instant expiresAt) {
    }

    private final Map<String, ResetCode> resetCodes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The login pages' form, or null when its OAuth parameters are wrong (then the error page is the answer). */
    private Map<String, String> loginForm(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        Optional<String> problem = oauthProblem(form);
        if (problem.isPresent()) {
            html(exchange, 400, LoginPage.error(problem.get()));
            return null;
        }
        return form;
    }

    private void login(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        Optional<User> user = userByLogin(email);
        if (user.isEmpty() || !matches(form.getOrDefault("password", ""), user.get().passwordHash)) {
            html(exchange, 200, LoginPage.signIn(form, "Incorrect username or password.", "signin"));
            return;
        }
        if (!user.get().enabled) {
            html(exchange, 200, LoginPage.signIn(form, "User is disabled.", "signin"));
            return;
        }
        if ("FORCE_CHANGE_PASSWORD".equals(user.get().status)) {
            String newPassword = form.get("new_password");
            if (newPassword == null || newPassword.isEmpty()) {
                html(exchange, 200, LoginPage.newPassword(form, null));
                return;
            }
            Optional<String> weak = passwordProblem(newPassword);
            if (weak.isPresent()) {
                html(exchange, 200, LoginPage.newPassword(form, weak.get()));
                return;
            }
            user.get().passwordHash = hash(newPassword);
            user.get().status = "CONFIRMED";
            user.get().modified = clock.instant();
        }
        completeSignIn(exchange, user.get(), form);
    }

    private void signUp(HttpExchange exchange) throws IOException {
        Map<String, String> form = loginForm(exchange);
        if (form == null) {
            return;
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        String password = form.getOrDefault("password", "");
        if (!email.matches("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")) {
            html(exchange, 200, LoginPage.signIn(form, "Please enter a valid email address.", "signup"));
            return;
        }
        Optional<String> weak = passwordProblem(password);
        if (weak.isPresent()) {
            html(exchange, 200, LoginPage.signIn(form, weak.get(), "signup"));
            return;
        }
        if (idByEmail.containsKey(email)) {
            html(exchange, 200, LoginPage.signIn(form, "An account with the given email already exists.", "signup"));
            return;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", email);
        String companyName = form.getOrDefault("company_name", "").trim();
        if (!companyName.isEmpty()) {
            attributes.put("custom:company_name", companyName.length() > 80 ? companyName.substring(0, 80) : companyName);
        }
        String userId = UUID.randomUUID().toString();
        try {
            trigger("PreSignUp", "PreSignUp_SignUp", userId, attributes, Map.of("validationData", Map.of()));
        } catch (TriggerFailed e) {
            html(exchange, 200, LoginPage.signIn(form, "PreSignUp failed with error " + e.getMessage(), "signup"));
            return;
        }
        User user = addUser(userId, email, password, "CONFIRMED", attributes);
        user.attributes.put("email_verified", "true");
        try {
            Map<String, String> confirmed = new LinkedHashMap<>(user.attributes);
            confirmed.put("sub", user.id);
            confirmed.put("cognito:user_status", "CONFIRMED");
            trigger("PostConfirmation", "PostConfirmation_ConfirmSignUp", user.id, confirmed, Map.of());
        } catch (TriggerFailed e) {
            html(exchange, 200, LoginPage.signIn(form, "PostConfirmation failed with error " + e.getMessage(), "signin"));
            return;
        }
        completeSignIn(exchange, user, form);
    }

    /** Runs PreTokenGeneration now (the hosted UI shows its error on the page) and redirects with a code. */
    private void completeSignIn(HttpExchange exchange, User user, Map<String, String> form) throws IOException {
        String scope = form.getOrDefault("scope", String.join(" ", config.scopes()));
        Map<String, Object> tokens;
        try {
            tokens = tokens(user, config.clientId(), scope, form.get("nonce"), "TokenGeneration_HostedAuth",
                    config.accessTokenMinutes() * 60L);
        } catch (TriggerFailed e) {
            html(exchange, 200, LoginPage.signIn(form, "PreTokenGeneration failed with error " + e.getMessage(), "signin"));
            return;
        }
        String code = randomToken();
        codes.put(code, new AuthorizationCode(user.id, form.get("client_id"), form.get("redirect_uri"), form.get("code_challenge"),
                scope, form.get("nonce"), tokens, clock.instant().plusSeconds(300)));
        String location = form.get("redirect_uri") + "?code=" + enc(code)
                + (form.get("state") == null ? "" : "&state=" + enc(form.get("state")));
        String session = randomToken();
        sessions.put(session, new LoginSession(user.id, clock.instant().plus(SESSION)));
        exchange.getResponseHeaders().add("Set-Cookie", SESSION_COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
                + SESSION.toSeconds());
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        Map<String, String> form = form(exchange);
        if (!config.clientId().equals(form.get("client_id"))) {
            sendJson(exchange, 400, Map.of("error", "invalid_client"));
            return;
        }
        switch (form.getOrDefault("grant_type", "")) {
            case "authorization_code" -> {
                AuthorizationCode code = codes.remove(form.getOrDefault("code", ""));
                if (code == null || code.expires().isBefore(clock.instant()) || !code.clientId().equals(form.get("client_id"))
                        || !code.redirectUri().equals(form.get("redirect_uri"))) {
                    sendJson(exchange, 400, Map.of("error", "invalid_grant"));
                    return;
                }
                String verifier = form.getOrDefault("code_verifier", "");
                if (!s256(verifier).equals(code.challenge())) {
                    sendJson(exchange, 400, Map.of("error", "invalid_grant", "error_description", "PKCE code_verifier does not match"));
                    return;
                }
                User user = usersById.get(code.userId());
                if (user == null || !user.enabled) {
                    sendJson(exchange, 400, Map.of("error", "invalid_grant", "error_description", "User is disabled."));
                    return;
                }
                Map<String, Object> answer = new LinkedHashMap<>(code.tokens());
                String refresh = randomToken();
                refreshTokens.put(refresh, new RefreshGrant(user.id, code.clientId(), code.scope()));
                answer.put("refresh_token", refresh);
                sendJson(exchange, 200, answer);
            }
            case "refresh_token" -> {
                RefreshGrant grant = refreshTokens.get(form.getOrDefault("refresh_token", ""));
                User user = grant == null ? null : usersById.get(grant.userId());
                if (user == null || !user.enabled) {
                    sendJson(exchange, 400, Map.of("error", "invalid_grant", "error_description", "Refresh Token has been revoked"));
                    return;
                }
                try {
                    sendJson(exchange, 200, tokens(user, grant.clientId(), grant.scope(), null, "TokenGeneration_RefreshTokens",
                            config.accessTokenMinutes() * 60L));
                } catch (TriggerFailed e) {
                    sendJson(exchange, 400, Map.of("error", "invalid_grant", "error_description",
                            "PreTokenGeneration failed with error " + e.getMessage()));
                }
            }
            default -> sendJson(exchange, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    private void revoke(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        RefreshGrant grant = refreshTokens.get(form.getOrDefault("token", ""));
        if (grant != null && !grant.clientId().equals(form.get("client_id"))) {
            sendJson(exchange, 400, Map.of("error", "unauthorized_client"));
            return;
        }
        refreshTokens.remove(form.getOrDefault("token", ""));
        exchange.sendResponseHeaders(200, -1);
    }

    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> params = query(exchange);
        String target = params.get("logout_uri");
        if (!config.clientId().equals(params.get("client_id")) || target == null || !config.logoutUrls().contains(target)) {
            html(exchange, 400, LoginPage.error("logout_uri is not one of the app client's sign-out URLs."));
            return;
        }
        // Managed login's sign-out: the browser's session ends, so the next sign-in asks again.
        String cookie = cookie(exchange, SESSION_COOKIE);
        if (cookie != null) {
            sessions.remove(cookie);
        }
        exchange.getResponseHeaders().add("Set-Cookie", SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        exchange.getResponseHeaders().set("Location", target);
        exchange.sendResponseHeaders(302, -1);
    }

    // ------------------------------------------------------------------ tokens and triggers

    private Map<String, Object> tokens(User user, String clientId, String scope, String nonce, String triggerSource,
                                       long lifetimeSeconds) throws TriggerFailed {
        Map<String, String> attributes = new LinkedHashMap<>(user.attributes);
        attributes.put("sub", user.id);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("groupConfiguration", Map.of("groupsToOverride", List.copyOf(user.groups), "iamRolesToOverride", List.of()));
        request.put("scopes", List.of(scope.split(" ")));
        Map<String, Object> response = trigger("PreTokenGeneration", triggerSource, user.id, attributes, request);
        Map<String, Object> details = CognitoConfig.map(CognitoConfig.map(response.get("response")).get("claimsAndScopeOverrideDetails"));

        long now = clock.instant().getEpochSecond();
        String originJti = UUID.randomUUID().toString();
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("sub", user.id);
        if (!user.groups.isEmpty()) {
            id.put("cognito:groups", List.copyOf(user.groups));
        }
        id.put("email_verified", Boolean.parseBoolean(user.attributes.getOrDefault("email_verified", "false")));
        id.put("iss", config.issuer());
        id.put("cognito:username", user.id);
        id.put("origin_jti", originJti);
        id.put("aud", clientId);
        id.put("event_id", UUID.randomUUID().toString());
        id.put("token_use", "id");
        id.put("auth_time", now);
        id.put("exp", now + Math.min(lifetimeSeconds, config.idTokenMinutes() * 60L));
        id.put("iat", now);
        id.put("jti", UUID.randomUUID().toString());
        id.put("email", user.email);
        if (nonce != null) {
            id.put("nonce", nonce);
        }
        id.putAll(CognitoConfig.map(CognitoConfig.map(details.get("idTokenGeneration")).get("claimsToAddOrOverride")));

        Map<String, Object> access = new LinkedHashMap<>();
        access.put("sub", user.id);
        if (!user.groups.isEmpty()) {
            access.put("cognito:groups", List.copyOf(user.groups));
        }
        access.put("iss", config.issuer());
        access.put("client_id", clientId);
        access.put("origin_jti", originJti);
        access.put("event_id", UUID.randomUUID().toString());
        access.put("token_use", "access");
        access.put("scope", scope);
        access.put("auth_time", now);
        access.put("exp", now + lifetimeSeconds);
        access.put("iat", now);
        access.put("jti", UUID.randomUUID().toString());
        access.put("username", user.id);
        access.putAll(CognitoConfig.map(CognitoConfig.map(details.get("accessTokenGeneration")).get("claimsToAddOrOverride")));

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id_token", Jwt.sign(key, id));
        answer.put("access_token", Jwt.sign(key, access));
        answer.put("expires_in", lifetimeSeconds);
        answer.put("token_type", "Bearer");
        return answer;
    }

    private Map<String, Object> trigger(String trigger, String source, String userName, Map<String, String> attributes,
                                        Map<String, Object> extraRequest) throws TriggerFailed {
        String functionId = config.triggers().get(trigger);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("userAttributes", attributes);
        request.putAll(extraRequest);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", trigger.equals("PreTokenGeneration") ? "2" : "1");
        event.put("triggerSource", source);
        event.put("region", "us-east-1");
        event.put("userPoolId", config.userPoolId());
        event.put("userName", userName);
        event.put("callerContext", Map.of("awsSdkVersion", "aws-sdk-unknown-unknown", "clientId", config.clientId()));
        event.put("request", request);
        event.put("response", trigger.equals("PreSignUp")
                ? Map.of("autoConfirmUser", false, "autoVerifyEmail", false, "autoVerifyPhone", false) : Map.of());
        if (functionId == null) {
            return event;
        }
        return triggers.invoke(functionId, event);
    }

    // ------------------------------------------------------------------ users

    private User addUser(String email, String password, String status, Map<String, String> attributes) {
        return addUser(UUID.randomUUID().toString(), email, password, status, attributes);
    }

    private synchronized User addUser(String id, String email, String password, String status, Map<String, String> attributes) {
        if (idByEmail.containsKey(email)) {
            throw new IllegalStateException("An account with the given email already exists.");
        }
        User user = new User(id, email, clock.instant());
        user.passwordHash = hash(password);
        user.status = status;
        user.attributes.putAll(attributes);
        usersById.put(id, user);
        idByEmail.put(email, id);
        return user;
    }

    /** A user by sub or by email (the pool's username attribute is email, so both are accepted). */
    private Optional<User> userByLogin(String login) {
        if (login == null) {
            return Optional.empty();
        }
        User byId = usersById.get(login);
        if (byId != null) {
            return Optional.of(byId);
        }
        String id = idByEmail.get(login.trim().toLowerCase(Locale.ROOT));
        return Optional.ofNullable(id == null ? null : usersById.get(id));
    }

    /** The users (and the outbox) as JSON, for the devstack's data folder. */
    public synchronized com.fasterxml.jackson.databind.JsonNode state() {
        com.fasterxml.jackson.databind.node.ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode users = out.putArray("users");
        for (User user : usersById.values()) {
            com.fasterxml.jackson.databind.node.ObjectNode u = users.addObject();
            u.put("id", user.id).put("email", user.email).put("passwordHash", user.passwordHash).put("status", user.status)
                    .put("enabled", user.enabled).put("created", user.created.toString()).put("modified", user.modified.toString());
            com.fasterxml.jackson.databind.node.ObjectNode attributes = u.putObject("attributes");
            user.attributes.forEach(attributes::put);
            com.fasterxml.jackson.databind.node.ArrayNode groups = u.putArray("groups");
            user.groups.forEach(groups::add);
        }
        com.fasterxml.jackson.databind.node.ArrayNode emails = out.putArray("outbox");
        for (Email email : outbox) {
            emails.addObject().put("to", email.to()).put("subject", email.subject()).put("body", email.body()).put("at", email.at());
        }
        return out;
    }

    /** Takes back the users and outbox a previous run kept. */
    public synchronized void restore(com.fasterxml.jackson.databind.JsonNode state) {
        if (state == null) {
            return;
        }
        for (com.fasterxml.jackson.databind.JsonNode u : state.path("users")) {
            User user = new User(u.get("id").asText(), u.get("email").asText(), Instant.parse(u.get("created").asText()));
            user.passwordHash = u.get("passwordHash").asText();
            user.status = u.get("status").asText();
            user.enabled = u.get("enabled").asBoolean(true);
            user.modified = Instant.parse(u.get("modified").asText());
            u.path("attributes").fields().forEachRemaining(e -> user.attributes.put(e.getKey(), e.getValue().asText()));
            u.path("groups").forEach(g -> user.groups.add(g.asText()));
            usersById.put(user.id, user);
            idByEmail.put(user.email, user.id);
        }
        for (com.fasterxml.jackson.databind.JsonNode e : state.path("outbox")) {
            outbox.add(new Email(e.get("to").asText(), e.get("subject").asText(), e.get("body").asText(), e.get("at").asText()));
        }
    }

    /** Adds a user to a group (operators): a devstack convenience, as the console would do in AWS. */
    /** Whether the pool has an account for the address (tests: an invitation creates none until accepted). */
    public boolean hasUser(String email) {
        return idByEmail.containsKey(email.trim().toLowerCase(Locale.ROOT));
    }

    public void addToGroup(String email, String group) {
        userByLogin(email).orElseThrow(() -> new IllegalArgumentException("No user " + email)).groups.add(group);
    }

    /**
     * A user with this very sub, if there is none yet: the person the sample events in events/ are
     * signed in as (nobody signs in as them: their password is random), in {@code groups}.
     */
    public synchronized void seedUser(String id, String email, java.util.Collection<String> groups) {
        if (usersById.containsKey(id) || idByEmail.containsKey(email)) {
            return;
        }
        User user = addUser(id, email, UUID.randomUUID() + "-Aa1!", "CONFIRMED", Map.of("sub", id, "email", email, "email_verified", "true"));
        user.groups.addAll(groups);
    }

    /** Takes a user out of a group (as AdminRemoveUserFromGroup does); their tokens keep the old claim until they expire. */
    public void removeFromGroup(String email, String group) {
        userByLogin(email).orElseThrow(() -> new IllegalArgumentException("No user " + email)).groups.remove(group);
    }

    private void revokeRefreshTokens(String userId) {
        // Signed out everywhere, disabled or deleted: the managed-login sessions of the browsers end too.
        endSessions(userId);
        refreshTokens.values().removeIf(grant -> grant.userId().equals(userId));
    }

    private Optional<String> passwordProblem(String password) {
        List<String> missing = new ArrayList<>();
        if (password.length() < config.minimumPasswordLength()) {
            missing.add("at least " + config.minimumPasswordLength() + " characters");
        }
        if (config.requireUppercase() && password.chars().noneMatch(Character::isUpperCase)) {
            missing.add("an upper-case letter");
        }
        if (config.requireLowercase() && password.chars().noneMatch(Character::isLowerCase)) {
            missing.add("a lower-case letter");
        }
        if (config.requireNumbers() && password.chars().noneMatch(Character::isDigit)) {
            missing.add("a number");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("Password does not conform to policy: it needs " + String.join(", ", missing) + ".");
    }

    private void send(String to, String subject, String body) {
        outbox.add(new Email(to, subject, body, clock.instant().toString()));
        // The body may hold a temporary password: it is shown at /outbox, never in the log.
        System.out.println("[devstack email] to " + to + ": " + subject + " (read it at " + url() + "/outbox)");
    }

    private static String temporaryPassword() {
        return "Tmp-" + randomToken().substring(0, 10) + "7a";
    }

    // ------------------------------------------------------------------ helpers

    private static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return Base64.getEncoder().encodeToString(salt) + ":" + Base64.getEncoder().encodeToString(pbkdf2(password, salt));
    }

    private static boolean matches(String password, String stored) {
        if (stored == null) {
            return false;
        }
        String[] parts = stored.split(":");
        byte[] expected = Base64.getDecoder().decode(parts[1]);
        return MessageDigest.isEqual(expected, pbkdf2(password, Base64.getDecoder().decode(parts[0])));
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        try {
            KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 10_000, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        return parse(exchange.getRequestURI().getRawQuery());
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Map<String, String> parse(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void html(HttpExchange exchange, int status, String page) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(exchange, status, page.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

}
