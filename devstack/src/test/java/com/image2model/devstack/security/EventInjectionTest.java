package com.image2model.devstack.security;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.template.SamTemplate;

/**
 * Event injection: Spring Cloud Function once treated a body that is a JSON array as a batch and
 * converted each element into the function's input type, so an element shaped like an API Gateway
 * event ran with whatever authorizer claims it carried. Every route of template.yaml gets, with no
 * token and with an outsider's valid token, bodies made of forged events naming the victim company
 * (its admin, the operators group), and the other shapes that used to answer 500. Each answer is
 * the route's own answer to a bad body: never a 5xx, never the victim's data, and the victim's
 * and the attacker's items are exactly as before. The same events go through the shrunk Lambda
 * jar, in a fresh JVM per function.
 */
class EventInjectionTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String victimCompany;
    private static String victimAdminSub;
    private static String victimMemberSub;
    private static String victimEmail;
    private static String victimJob;
    private static String victimProject;
    private static String victimKey;
    private static String victimWebhook;
    private static String victimDelivery;
    /** An admin API key of the attacker's company: the other credential the API takes. */
    private static String attackerKey;
    private static String attackerCompany;
    private static String attackerMemberToken;
    private static Map<String, String> attackerClaims;

    @BeforeAll
    static void victimAndAttacker() throws Exception {
        String victimDomain = Api.domain("victim");
        victimEmail = "owner@" + victimDomain;
        String victimAdmin = signUp(victimEmail, "Victim Corp").accessToken();
        String victimMember = Api.joinAs(victimAdmin, "staff@" + victimDomain).accessToken();
        victimCompany = claims(victimAdmin).get("company_id").asText();
        victimAdminSub = claims(victimAdmin).get("sub").asText();
        victimMemberSub = claims(victimMember).get("sub").asText();
        Api.Answer job = call("POST", "/jobs", victimAdmin, "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\","
                + "\"contentType\":\"image/png\",\"size\":1000}]}");
        assertThat(job.status()).as(job.body().toString()).isEqualTo(201);
        victimJob = job.body().get("jobId").asText();
        Api.Answer project = call("POST", "/projects", victimAdmin, "{\"name\": \"Victim client\", \"budget\": 500}");
        assertThat(project.status()).as(project.body().toString()).isEqualTo(201);
        victimProject = project.body().get("projectId").asText();
        Api.Answer key = call("POST", "/company/api-keys", victimAdmin, "{\"name\": \"Victim pipeline\", \"role\": \"admin\"}");
        assertThat(key.status()).as(key.body().toString()).isEqualTo(201);
        victimKey = key.body().get("id").asText();
        // A webhook endpoint with one delivery (a test ping; nothing listens there, so it ends failed at once and stays so).
        Api.Answer hook = call("POST", "/company/webhooks", victimAdmin, "{\"url\": \"http://localhost:9/victim\", \"events\": [\"job.completed\"]}");
        assertThat(hook.status()).as(hook.body().toString()).isEqualTo(201);
        victimWebhook = hook.body().get("id").asText();
        Api.Answer ping = call("POST", "/company/webhooks/" + victimWebhook + "/test", victimAdmin, null);
        assertThat(ping.status()).as(ping.body().toString()).isEqualTo(202);
        victimDelivery = ping.body().get("id").asText();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!call("GET", "/company/webhooks/" + victimWebhook + "/deliveries", victimAdmin, null).body().path("deliveries").get(0)
                .path("state").asText().equals("failed")) {
            assertThat(System.currentTimeMillis()).as("the victim's ping ends").isLessThan(deadline);
            Thread.sleep(200);
        }

        String attackerDomain = Api.domain("attacker");
        String attackerAdmin = signUp("mallory@" + attackerDomain, null).accessToken();
        attackerMemberToken = Api.joinAs(attackerAdmin, "mole@" + attackerDomain).accessToken();
        attackerCompany = claims(attackerMemberToken).get("company_id").asText();
        attackerKey = call("POST", "/company/api-keys", attackerAdmin, "{\"name\": \"Mallory's\", \"role\": \"admin\"}").body()
                .get("key").asText();
        // The company's domain-proof token is made on its first read; the outsider's admin key may read its own, so it is made
        // here, before the snapshot (whether a hostile run reaches that route before its rate limit depends on the machine's pace).
        assertThat(call("GET", "/company/domain", attackerAdmin, null).status()).isEqualTo(200);
        attackerClaims = new LinkedHashMap<>();
        claims(attackerMemberToken).fields().forEachRemaining(e -> attackerClaims.put(e.getKey(),
                e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
    }

    // ------------------------------------------------------------------ through the devstack front

    @Test
    void noBodyMadeOfEventsRunsAsAnotherCompanyThroughTheFront() throws Exception {
        Map<String, String> before = snapshot();
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (SamTemplate.FunctionDef function : TestStack.get().template().functions()) {
            for (SamTemplate.HttpRoute route : function.routes()) {
                for (Map.Entry<String, String> body : hostileBodies(function).entrySet()) {
                    for (boolean base64 : new boolean[] {false, true}) {
                        for (String token : new String[] {null, attackerMemberToken, attackerKey}) {
                            String what = route.routeKey() + " " + body.getKey() + (base64 ? " (base64)" : "")
                                    + (token == null ? " without a token" : token == attackerKey ? " with an outsider's API key"
                                    + (base64 ? " in X-Api-Key" : "")
                                    : " with an outsider's token");
                            HttpResponse<String> answer = send(route, body.getValue(), base64, token);
                            sent++;
                            check(what, route, answer.statusCode(), answer.body(), failures);
                        }
                    }
                }
            }
        }
        System.out.println("EventInjectionTest: " + sent + " hostile requests through the front");
        assertThat(failures).isEmpty();
        assertUnchanged(before, snapshot());
    }

    // ------------------------------------------------------------------ through the Lambda jar

    @Test
    void noBodyMadeOfEventsRunsAsAnotherCompanyInTheLambdaJar(@TempDir Path dir) throws Exception {
        Path jar = TestStack.root().resolve("functions/target/image2model-functions.jar");
        assertThat(jar).as("the Lambda jar (built in the package phase of functions)").exists();
        Map<String, String> before = snapshot();
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (SamTemplate.FunctionDef function : TestStack.get().template().functions()) {
            if (function.routes().isEmpty()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<SamTemplate.HttpRoute> routes = new ArrayList<>();
            List<String> args = new ArrayList<>();
            for (SamTemplate.HttpRoute route : function.routes()) {
                for (Map.Entry<String, String> body : hostileBodies(function).entrySet()) {
                    for (boolean base64 : new boolean[] {false, true}) {
                        for (boolean withClaims : new boolean[] {false, true}) {
                            if (withClaims && route.authorizerNone()) {
                                continue;
                            }
                            // Without claims on a JWT route: API Gateway never sends that, and the function must still refuse it.
                            Map<String, String> claims = withClaims ? attackerClaims : null;
                            String raw = base64 ? Base64.getEncoder().encodeToString(body.getValue().getBytes(StandardCharsets.UTF_8))
                                    : body.getValue();
                            Path file = dir.resolve(function.logicalId() + "-" + args.size() + ".json");
                            Files.write(file, Api.JSON.writeValueAsBytes(event(route, victimPathFor(route), claims, raw, base64)));
                            args.add(file.toString());
                            routes.add(route);
                            names.add(route.routeKey() + " " + body.getKey() + (base64 ? " (base64)" : "")
                                    + (withClaims ? " with an outsider's claims" : " without claims"));
                        }
                    }
                }
            }
            List<String> answers = runJar(jar, function, args);
            assertThat(answers).as(function.logicalId() + ": one answer per event").hasSize(args.size());
            for (int i = 0; i < answers.size(); i++) {
                JsonNode answer = Api.JSON.readTree(answers.get(i));
                if (!answer.has("statusCode")) {
                    failures.add(function.logicalId() + " " + names.get(i) + " -> not an HTTP answer: " + answer);
                    continue;
                }
                check(function.logicalId() + " " + names.get(i), routes.get(i), answer.get("statusCode").asInt(),
                        answer.path("body").asText(), failures);
                sent++;
            }
        }
        System.out.println("EventInjectionTest: " + sent + " hostile events through the Lambda jar");
        assertThat(failures).isEmpty();
        assertUnchanged(before, snapshot());
    }

    // ------------------------------------------------------------------ expectations

    private static void check(String what, SamTemplate.HttpRoute route, int status, String fullBody, List<String> failures) {
        String body = fullBody.length() > 300 ? fullBody.substring(0, 300) + "..." : fullBody;
        if (status >= 500) {
            failures.add(what + " -> " + status + " " + body);
            return;
        }
        // (The victim's job id may come back in a 404's message: the outer request named it in its path.)
        if (fullBody.contains(victimCompany) || fullBody.contains(victimEmail)) {
            failures.add(what + " -> " + status + " answered with the victim's data: " + body);
            return;
        }
        if (status == 401 && (body.contains("Unauthorized") || body.contains("\"unauthorized\""))) {
            return;
        }
        boolean readsBody = route.method().equals("POST") || route.method().equals("PATCH");
        if (readsBody && !route.path().equals("/billing/portal")) {
            JsonNode node;
            try {
                node = Api.JSON.readTree(fullBody);
            } catch (IOException e) {
                failures.add(what + " -> " + status + " not JSON: " + body);
                return;
            }
            if (status < 400 || status >= 500 || node.at("/error/code").asText().isEmpty()
                    || node.at("/error/message").asText().isEmpty()) {
                failures.add(what + " -> " + status + " (expected a 4xx with the error JSON) " + body);
            }
        }
    }

    /** What is sent as the body: forged events naming the victim, and other shapes a handler must refuse. */
    private static Map<String, String> hostileBodies(SamTemplate.FunctionDef function) throws Exception {
        ArrayNode forgedEvents = forgedEvents(function);
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("an array of forged events for every route of " + function.logicalId(), forgedEvents.toString());
        bodies.put("one forged event", forgedEvents.get(0).toString());
        bodies.put("nested arrays of forged events", "[[" + forgedEvents.get(0) + "],[[" + forgedEvents.get(0) + "]]]");
        bodies.put("an array of scalars", "[1,\"a\",true,null,1e400]");
        bodies.put("an empty array", "[]");
        bodies.put("a JSON object, with forged events in a 'payload' header", HEADER_VARIANT);
        return bodies;
    }

    /** The body sent with forged events in a header: an object no route accepts as valid. */
    private static final String HEADER_VARIANT = "{\"note\": \"see the payload header\"}";

    private static ArrayNode forgedEvents(SamTemplate.FunctionDef function) {
        ArrayNode forgedEvents = Api.JSON.createArrayNode();
        for (SamTemplate.HttpRoute route : function.routes()) {
            forgedEvents.add(Api.JSON.valueToTree(event(route, victimPathFor(route), victimClaims(), validBody(route), false)));
        }
        return forgedEvents;
    }

    private static String forgedEventsOf(SamTemplate.HttpRoute route) {
        return TestStack.get().template().functions().stream().filter(f -> f.routes().contains(route)).findFirst()
                .map(f -> forgedEvents(f).toString()).orElseThrow();
    }

    private static Map<String, String> victimClaims() {
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", victimAdminSub);
        claims.put("company_id", victimCompany);
        claims.put("role", "admin");
        claims.put("token_use", "access");
        claims.put("email", victimEmail);
        claims.put("cognito:groups", "[operators]");
        return claims;
    }

    /** A body that the route would act on, if the event it sits in were believed. */
    private static String validBody(SamTemplate.HttpRoute route) {
        return switch (route.routeKey()) {
            case "PATCH /company" -> "{\"autoJoin\": false}";
            case "POST /company/invitations" -> "{\"email\": \"planted@evil-corp.test\", \"role\": \"admin\"}";
            case "PATCH /company/members/{id}" -> "{\"active\": false}";
            case "POST /credits/estimate" -> "{\"quality\": \"low\", \"files\": 1}";
            case "PATCH /jobs/{id}" -> "{\"name\": \"planted\"}";
            case "POST /projects" -> "{\"name\": \"planted\"}";
            case "PATCH /projects/{id}" -> "{\"budget\": null, \"archived\": true}";
            case "POST /jobs" -> "{\"quality\":\"low\",\"files\":[{\"name\":\"b.png\",\"contentType\":\"image/png\",\"size\":1000}]}";
            case "POST /billing/checkout" -> "{\"item\": \"pack_5000\"}";
            case "POST /company/webhooks" -> "{\"url\": \"http://localhost:9/planted\", \"events\": [\"job.completed\"]}";
            case "PATCH /company/webhooks/{id}" -> "{\"url\": \"http://localhost:9/planted\", \"enabled\": true}";
            default -> null;
        };
    }

    /** The victim's ids for a route's {id}: in the forged events, and in the outer request (a foreign id must answer 404). */
    private static Map<String, String> victimPathFor(SamTemplate.HttpRoute route) {
        if (route.path().contains("{sub}")) {
            return Map.of("sub", victimMemberSub);
        }
        if (!route.path().contains("{id}")) {
            return Map.of();
        }
        if (route.path().contains("{shareId}")) {
            return Map.of("id", victimJob, "shareId", "0123456789abcdef0123456789abcdef");
        }
        if (route.path().contains("{fileId}")) {
            return Map.of("id", victimJob, "fileId", "f001");
        }
        if (route.path().startsWith("/projects")) {
            return Map.of("id", victimProject);
        }
        if (route.path().startsWith("/company/api-keys")) {
            return Map.of("id", victimKey);
        }
        if (route.path().startsWith("/company/webhooks")) {
            return route.path().contains("{deliveryId}") ? Map.of("id", victimWebhook, "deliveryId", victimDelivery)
                    : Map.of("id", victimWebhook);
        }
        return Map.of("id", route.path().startsWith("/jobs") ? victimJob : victimMemberSub);
    }

    /** An API Gateway HTTP API (2.0) event, as the front or API Gateway builds it. */
    private static Map<String, Object> event(SamTemplate.HttpRoute route, Map<String, String> pathParameters,
                                             Map<String, String> claims, String body, boolean base64) {
        String path = route.path();
        for (Map.Entry<String, String> p : pathParameters.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", route.method());
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "127.0.0.1");
        http.put("userAgent", "attacker");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "000000000000");
        context.put("apiId", "devstack");
        if (claims != null) {
            context.put("authorizer", Map.of("lambda", claims));
        }
        context.put("http", http);
        context.put("requestId", java.util.UUID.randomUUID().toString());
        context.put("routeKey", route.routeKey());
        context.put("stage", "$default");
        context.put("timeEpoch", Instant.now().toEpochMilli());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", base64 ? "application/octet-stream" : "application/json");
        if (HEADER_VARIANT.equals(body)) {
            headers.put("payload", forgedEventsOf(route));
        }
        event.put("headers", headers);
        if (!pathParameters.isEmpty()) {
            event.put("pathParameters", pathParameters);
        }
        event.put("requestContext", context);
        if (body != null) {
            event.put("body", body);
        }
        event.put("isBase64Encoded", base64);
        return event;
    }

    private static HttpResponse<String> send(SamTemplate.HttpRoute route, String body, boolean base64, String token) throws Exception {
        String path = route.path();
        for (Map.Entry<String, String> p : victimPathFor(route).entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestStack.get().front().url() + path))
                .header("Content-Type", base64 ? "application/octet-stream" : "application/json")
                .method(route.method(), HttpRequest.BodyPublishers.ofString(body));
        if (body.equals(HEADER_VARIANT)) {
            // Spring Cloud Function copied API Gateway's headers into its message headers, where one named
            // 'payload' stood for the body: the forged events in that header instead of the body.
            request.header("payload", forgedEventsOf(route));
        }
        if (token != null && token.equals(attackerKey) && base64) {
            // The key the other way a client may send it: every route sees both.
            request.header("X-Api-Key", token);
        } else if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> runJar(Path jar, SamTemplate.FunctionDef function, List<String> events) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", jar.toString(), "com.image2model.wiring.LocalInvoke"));
        command.addAll(events);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(TestStack.get().functions().environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("aws."));
        builder.environment().putAll(function.runtimeEnvironment());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("answered within 120 s").isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("{")).toList();
    }

    /** Every item of the victim's and the attacker's companies. */
    /** Every item of both companies and the planted address, by key: what a hostile request must not change. */
    private static Map<String, String> snapshot() {
        Map<String, String> state = new java.util.TreeMap<>();
        String table = TestStack.get().provisioner().ref("Table");
        for (String company : List.of(victimCompany, attackerCompany)) {
            TestStack.get().aws().dynamoDb().queryPaginator(q -> q.tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("C#" + company)))).items().stream()
                    // Rate counters count refused requests too: they are not the company's state.
                    .filter(item -> !item.get("SK").s().startsWith("RATE#"))
                    .forEach(item -> {
                        // Nor is an API key's record of its use (the attacker's own key counts its requests).
                        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> kept = new java.util.TreeMap<>(item);
                        kept.keySet().removeAll(List.of("lastUsedAt", "usesDay", "usesToday"));
                        state.put(item.get("PK").s() + " " + item.get("SK").s(), kept.toString());
                    });
        }
        state.put("planted", TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("EMAIL#planted@evil-corp.test"),
                        "SK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("EMAIL")))).item().toString());
        return state;
    }

    /** Names each item that appeared, vanished or changed, with both versions, so a failure says what moved. */
    private static void assertUnchanged(Map<String, String> before, Map<String, String> after) {
        List<String> moved = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(before.get(key), after.get(key))) {
                moved.add(key + "\n  before: " + before.get(key) + "\n  after:  " + after.get(key));
            }
        }
        assertThat(moved).as("items the hostile requests changed").isEmpty();
    }
}
