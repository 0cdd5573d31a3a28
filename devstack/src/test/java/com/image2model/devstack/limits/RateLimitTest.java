package com.image2model.devstack.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.limits.DynamoRateCounters;
import com.image2model.limits.LimitExceeded;
import com.image2model.limits.RateLimit;
import com.image2model.limits.RateLimiter;
import com.image2model.limits.RateLimits;
import com.image2model.platform.AwsClients;

/**
 * The per-person limits through the real API and the devstack's DynamoDB engine: at the limit the
 * API answers 429 rate_limited with Retry-After and nothing is held; after the window the counter
 * starts again; a refused take counts nothing.
 */
class RateLimitTest {

    private static final RateLimits LIMITS = RateLimits.of(10, 100, 10);

    private static String table() {
        return TestStack.get().provisioner().ref("Table");
    }

    private static RateLimiter limiter(Clock clock) {
        return new RateLimiter(new DynamoRateCounters(AwsClients.dynamoDb(), table()), clock);
    }

    private static String jobBody(int files) throws Exception {
        var body = Api.JSON.createObjectNode().put("quality", "low").put("name", "limited");
        var list = body.putArray("files");
        for (int i = 0; i < files; i++) {
            list.addObject().put("name", "p" + i + ".jpg").put("contentType", "image/jpeg").put("size", 50_000);
        }
        return Api.JSON.writeValueAsString(body);
    }

    /** Waits out the end of a window when fewer than {@code seconds} are left in it, so a test's burst stays in one window. */
    private static void awayFromWindowEnd(Duration window, long seconds) throws InterruptedException {
        long size = window.toMillis();
        long left = size - Math.floorMod(System.currentTimeMillis(), size);
        if (left < seconds * 1000) {
            Thread.sleep(left + 200);
        }
    }

    private static Owner owner(String name, long extraCredits) throws Exception {
        String email = "owner@" + Api.domain(name);
        String token = Api.signUp(email, name).accessToken();
        String companyId = Api.claims(token).path("company_id").asText();
        String userId = Api.claims(token).path("sub").asText();
        if (extraCredits > 0) {
            new com.image2model.credits.CreditLedger(AwsClients.dynamoDb(), table(), Clock.systemUTC(), null)
                    .grant(companyId, extraCredits, "test credits", "test-" + companyId);
        }
        return new Owner(token, companyId, userId);
    }

    private record Owner(String token, String companyId, String userId) {
    }

    private static double rateLimited(String limit) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(TestStack.get().front().url() + "/_devstack/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return Api.JSON.readTree(response.body()).path("metrics").path("RateLimited|Limit=" + limit).path("sum").asDouble(0);
    }

    private static JsonNode limit(Owner owner, String name) throws Exception {
        for (JsonNode limit : Api.callOnce("GET", "/credits", owner.token(), null).body().path("limits")) {
            if (limit.path("name").asText().equals(name)) {
                return limit;
            }
        }
        throw new AssertionError("GET /credits shows no " + name + " limit");
    }

    @Test
    void theEleventhJobInAMinuteIsRefusedWithRetryAfterAndHoldsNothing() throws Exception {
        Owner owner = owner("Busy Bees", 1_000);
        awayFromWindowEnd(Duration.ofMinutes(1), 20);
        for (int i = 1; i <= 10; i++) {
            Api.Answer created = Api.callOnce("POST", "/jobs", owner.token(), jobBody(1));
            assertThat(created.status()).as("job %d: %s", i, created.body()).isEqualTo(201);
        }
        long heldBefore = Api.callOnce("GET", "/credits", owner.token(), null).body().path("held").asLong();
        double rateLimitedBefore = rateLimited("jobs");

        Api.Answer refused = Api.callOnce("POST", "/jobs", owner.token(), jobBody(1));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("rate_limited");
        assertThat(refused.body().at("/error/message").asText()).contains("at most 10 jobs in a minute").contains("Try again in");
        long retryAfter = Long.parseLong(refused.header("retry-after"));
        assertThat(retryAfter).isBetween(1L, 60L);
        JsonNode credits = Api.callOnce("GET", "/credits", owner.token(), null).body();
        assertThat(credits.path("held").asLong()).as("the refused job held nothing").isEqualTo(heldBefore);
        JsonNode jobs = limit(owner, "jobs");
        assertThat(jobs.path("used").asLong()).isEqualTo(10);
        assertThat(jobs.path("remaining").asLong()).isZero();
        assertThat(Instant.parse(jobs.path("resetsAt").asText())).isAfter(Instant.now());
        assertThat(rateLimited("jobs")).isEqualTo(rateLimitedBefore + 1);
        // Listing and reading jobs is not job creation: still allowed.
        assertThat(Api.callOnce("GET", "/jobs", owner.token(), null).status()).isEqualTo(200);
    }

    @Test
    void imagesAreCountedPerHourAndAJobThatWouldPassTheLimitIsRefusedWhole() throws Exception {
        Owner owner = owner("Image Hoarders", 5_000);
        awayFromWindowEnd(Duration.ofHours(1), 60);
        // The job count read below is a per-minute window too: not across a minute's end either.
        awayFromWindowEnd(Duration.ofMinutes(1), 10);
        assertThat(Api.callOnce("POST", "/jobs", owner.token(), jobBody(95)).status()).isEqualTo(201);

        Api.Answer refused = Api.callOnce("POST", "/jobs", owner.token(), jobBody(6));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/error/message").asText()).contains("100 images in an hour").contains("only 5 images are left");
        assertThat(Long.parseLong(refused.header("retry-after"))).isBetween(1L, 3600L);
        // A refused job counted neither its images nor itself as a job.
        assertThat(limit(owner, "images").path("used").asLong()).isEqualTo(95);
        assertThat(limit(owner, "jobs").path("used").asLong()).isEqualTo(1);
        assertThat(Api.callOnce("POST", "/jobs", owner.token(), jobBody(5)).status()).isEqualTo(201);
        assertThat(limit(owner, "images").path("remaining").asLong()).isZero();
    }

    @Test
    void aHundredRequestsInTenSecondsThenEveryRouteAnswers429() throws Exception {
        Owner owner = owner("Chatty Client", 0);
        awayFromWindowEnd(Duration.ofSeconds(10), 7);
        JsonNode before = limit(owner, "requests");
        // Most of the window's requests are used through the same counter the API counts in.
        long used = before.path("used").asLong();
        limiter(Clock.systemUTC()).take(owner.companyId(), owner.userId(), Map.of(LIMITS.requests(), 99 - used));

        assertThat(Api.callOnce("GET", "/jobs", owner.token(), null).status()).as("the 100th request").isEqualTo(200);
        for (String[] route : new String[][] {{"GET", "/jobs"}, {"GET", "/credits"}, {"GET", "/company/members"}, {"GET", "/billing"}}) {
            Api.Answer refused = Api.callOnce(route[0], route[1], owner.token(), null);
            assertThat(refused.status()).as("%s %s", route[0], route[1]).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("rate_limited");
            assertThat(refused.header("retry-after")).isNotNull();
        }
        // Another person of another company is not affected.
        Owner other = owner("Quiet Client", 0);
        assertThat(Api.callOnce("GET", "/jobs", other.token(), null).status()).isEqualTo(200);
    }

    @Test
    void afterTheWindowTheCounterStartsAgainAndARefusedTakeCountsNothing() {
        String company = "rate-test-" + java.util.UUID.randomUUID();
        String user = "user-" + java.util.UUID.randomUUID();
        // An hour that has not come yet: the counters' expiry (which the table's TTL honours) is in the future.
        Instant hour = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(java.time.Duration.ofHours(2));
        RateLimiter limiter = limiter(Clock.fixed(hour.plusSeconds(5), ZoneOffset.UTC));
        for (int i = 0; i < 10; i++) {
            limiter.take(company, user, LIMITS.jobs());
        }
        assertThatThrownBy(() -> limiter.take(company, user, LIMITS.jobs())).isInstanceOfSatisfying(LimitExceeded.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(55));

        // Room for the job, none for its images: neither is counted.
        limiter.take(company, user, Map.of(LIMITS.images(), 98L));
        RateLimiter nextMinute = limiter(Clock.fixed(hour.plusSeconds(60), ZoneOffset.UTC));
        Map<RateLimit, Long> job = new LinkedHashMap<>();
        job.put(LIMITS.jobs(), 1L);
        job.put(LIMITS.images(), 3L);
        assertThatThrownBy(() -> nextMinute.take(company, user, job)).isInstanceOfSatisfying(LimitExceeded.class,
                e -> assertThat(e.limit().name()).isEqualTo("images"));
        List<RateLimiter.Usage> usage = nextMinute.usage(company, user, List.of(LIMITS.jobs(), LIMITS.images()));
        assertThat(usage.get(0).used()).as("jobs in the new minute").isZero();
        assertThat(usage.get(1).used()).isEqualTo(98);

        // The next hour: everything is free again.
        RateLimiter nextHour = limiter(Clock.fixed(hour.plusSeconds(3600), ZoneOffset.UTC));
        job.put(LIMITS.images(), 100L);
        nextHour.take(company, user, job);
        assertThat(nextHour.usage(company, user, List.of(LIMITS.images())).get(0).remaining()).isZero();
    }
}
