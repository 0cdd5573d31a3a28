package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.platform.Settings;

/** The devstack's API Gateway over real HTTP, in front of the real functions and emulators. */
class HttpFrontTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestStack.get().front().url() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersOkWithEveryComponentAndNamesNoResource() throws Exception {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.get("components").fieldNames()).toIterable()
                .containsExactly("table", "uploadsBucket", "resultsBucket", "jobsQueue", "jobsDeadLetterQueue");
        body.get("components").forEach(c -> assertThat(c.asText()).isEqualTo("ok"));
        // Anonymous: no table name, bucket or queue URL.
        assertThat(response.body()).doesNotContain(com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME)).doesNotContain(com.image2model.devstack.TestStack.setting(Settings.RESULTS_BUCKET))
                .doesNotContain("http").doesNotContain("resource");
    }

    @Test
    void healthDetailsAreForOperatorsOnly() throws Exception {
        String email = "ops@" + com.image2model.devstack.identity.Api.domain("health-ops");
        String member = com.image2model.devstack.identity.Api.signUp(email, null).accessToken();
        assertThat(get("/health/details").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = get("/health/details", "Authorization", "Bearer " + member);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("operators_only");

        TestStack.get().cognito().addToGroup(email, "operators");
        String operator = com.image2model.devstack.identity.Api.login().signIn(email, com.image2model.devstack.identity.Api.PASSWORD).accessToken();
        HttpResponse<String> details = get("/health/details", "Authorization", "Bearer " + operator);
        assertThat(details.statusCode()).as(details.body()).isEqualTo(200);
        assertThat(JSON.readTree(details.body()).at("/components/table/resource").asText()).isEqualTo(com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME));
    }

    @Test
    void healthAnswers503NamingWhatIsDegraded() throws Exception {
        String bucket = com.image2model.devstack.TestStack.setting(Settings.RESULTS_BUCKET);
        // Only an empty bucket can be deleted: the models other tests made (and already checked) go first.
        var s3 = TestStack.get().aws().s3();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> s3.deleteObject(r -> r.bucket(bucket).key(o.key())));
        s3.deleteBucket(r -> r.bucket(bucket));
        try {
            HttpResponse<String> response = get("/health");

            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("status").asText()).isEqualTo("degraded");
            assertThat(body.at("/components/resultsBucket").asText()).isEqualTo("degraded");
            assertThat(body.at("/components/table").asText()).isEqualTo("ok");
            assertThat(response.body()).doesNotContain("error");
        } finally {
            TestStack.get().aws().s3().createBucket(r -> r.bucket(bucket));
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void noHeaderOrQueryCanMakeTheFrontRunAnotherFunction() throws Exception {
        HttpResponse<String> response = get("/health?spring.cloud.function.definition=nothing",
                "spring.cloud.function.definition", "functionRouter",
                "spring.cloud.function.routing-expression", "'somethingElse'");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void anUnknownRouteIsA404AsApiGatewaySaysIt() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.get().front().url() + "/no-such-route/123"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void theSiteCarriesTheSecurityHeadersOfTheTemplatesResponseHeadersPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.headers().firstValue("referrer-policy")).hasValue("strict-origin-when-cross-origin");
        assertThat(page.headers().firstValue("permissions-policy").orElse("")).contains("camera=()");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("script-src 'self' 'wasm-unsafe-eval';").contains("frame-ancestors 'none'")
                .contains(TestStack.get().front().url()).contains(TestStack.get().cognito().url()).doesNotContain("unsafe-inline';  script")
                .doesNotContain("${");
        // Only the site itself, the API, the sign-in domain and the buckets: no other host.
        java.util.Set<String> hosts = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("https?://[^ ;]+").matcher(csp);
        while (m.find()) {
            hosts.add(m.group());
        }
        String s3 = TestStack.get().aws().s3Endpoint().getScheme() + "://" + TestStack.get().aws().s3Endpoint().getAuthority();
        assertThat(hosts).containsOnly(TestStack.get().front().url(), TestStack.get().cognito().url(), s3);
        assertThat(csp.replace("style-src 'self' 'unsafe-inline'", "")).doesNotContain("unsafe-inline").doesNotContain("'unsafe-eval'");

        HttpResponse<String> api = get("/health");
        assertThat(api.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(api.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
        assertThat(api.headers().firstValue("cache-control")).hasValue("no-store");

        HttpResponse<String> missing = get("/no-such-page.html");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("This page does not exist");
        assertThat(missing.headers().firstValue("content-security-policy")).isPresent();
    }

    @Test
    void theWebAppIsServedAtTheRoot() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(response.body()).contains("<title>Image2Model</title>");
        assertThat(get("/../template.yaml").statusCode()).isEqualTo(404);
    }

    @Test
    void theHttpApisLimitsAnswerAsApiGatewayDoes() throws Exception {
        var front = TestStack.get().front();
        // Over 10 MB: 413 before any function runs.
        HttpResponse<String> large = HTTP.send(HttpRequest.newBuilder(URI.create(front.url() + "/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024 + 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).isEqualTo("{\"message\":\"Request Entity Too Large\"}");
        try {
            // An integration slower than the limit: 503, as the HTTP API answers after its 30 s.
            front.setLimits(new com.image2model.devstack.front.HttpFront.Limits(10L * 1024 * 1024, java.time.Duration.ofMillis(1), 6L << 20));
            HttpResponse<String> slow = get("/health");
            assertThat(slow.statusCode()).isEqualTo(503);
            assertThat(slow.body()).isEqualTo("{\"message\":\"Service Unavailable\"}");
            // An answer over Lambda's payload limit: 500.
            front.setLimits(new com.image2model.devstack.front.HttpFront.Limits(10L * 1024 * 1024, java.time.Duration.ofSeconds(30), 100));
            HttpResponse<String> big = get("/billing/plans");
            assertThat(big.statusCode()).isEqualTo(500);
            assertThat(big.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
        } finally {
            front.setLimits(com.image2model.devstack.front.HttpFront.Limits.API_GATEWAY);
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }
}
