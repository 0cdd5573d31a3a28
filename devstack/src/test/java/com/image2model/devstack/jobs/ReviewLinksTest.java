package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Review links: a member shares a job; a client with the link (no account) sees that job's
 * models and nothing else of the company, approves one and asks for changes on another; the job
 * page shows it and its creator is emailed. A wrong, withdrawn or expired link is refused with its
 * own page's words; another company can neither make, list nor withdraw links of the job; the
 * link's requests are limited per link.
 */
class ReviewLinksTest {

    private static String token(String url) {
        return url.substring(url.indexOf("/#/review/") + "/#/review/".length());
    }

    private static Api.Answer view(String token) throws Exception {
        return Api.callOnce("POST", "/reviews/view", null, Api.JSON.writeValueAsString(Map.of("token", token)));
    }

    private static Api.Answer decide(String token, String fileId, String decision, String comment) throws Exception {
        return Api.callOnce("POST", "/reviews/decide", null,
                Api.JSON.writeValueAsString(Map.of("token", token, "fileId", fileId, "decision", decision, "comment", comment)));
    }

    @Test
    void aClientReviewsThroughALinkThatShowsOnlyThatJobAndEndsWhenWithdrawnOrExpired() throws Exception {
        Jobs.Company owner = Jobs.company("Review Studio", 0);
        Jobs.Company other = Jobs.company("Review Outsider", 0);
        List<byte[]> images = List.of(SampleImages.photoJpeg(61, 320, 240), SampleImages.photoJpeg(62, 320, 240));
        JsonNode created = Jobs.create(owner, "low", images, "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        Jobs.uploadAll(created, images);
        Jobs.await(owner, jobId, Jobs.state("DONE"));
        JsonNode second = Jobs.create(owner, "low", List.of(images.get(0)), "image/jpeg").body();
        String otherJobId = second.path("jobId").asText();

        assertThat(Api.call("POST", "/jobs/" + otherJobId + "/share", owner.token(), "{}").errorCode()).isEqualTo("nothing_to_review");
        for (String bad : List.of("{\"expiresInDays\": 0}", "{\"expiresInDays\": 31}", "{\"expiresInDays\": \"7\"}", "{\"expiresInDays\": 2.5}",
                "{\"expiresInDays\": 18446744073709551617}")) {
            assertThat(Api.call("POST", "/jobs/" + jobId + "/share", owner.token(), bad).errorCode()).as(bad).isEqualTo("invalid_expiry");
        }
        assertThat(Api.call("POST", "/jobs/" + jobId + "/share", owner.token(), "{\"allowDownload\": \"yes\"}").errorCode())
                .isEqualTo("invalid_allow_download");
        assertThat(Api.call("POST", "/jobs/" + jobId + "/share", other.token(), "{}").status()).isEqualTo(404);

        Api.Answer shared = Api.call("POST", "/jobs/" + jobId + "/share", owner.token(), "{\"expiresInDays\": 3}");
        assertThat(shared.status()).isEqualTo(201);
        String token = token(shared.body().path("url").asText());
        assertThat(token).startsWith(owner.companyId() + "." + shared.body().path("shareId").asText() + ".");
        assertThat(Api.call("GET", "/jobs/" + jobId + "/shares", owner.token(), null).body().at("/shares/0/status").asText()).isEqualTo("open");
        assertThat(Api.call("GET", "/jobs/" + jobId + "/shares", other.token(), null).status()).isEqualTo(404);

        // What the client sees: this job's models, with their pictures and 3D files, and nothing else of the company.
        Api.Answer seen = view(token);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.body().path("companyName").asText()).isEqualTo("Review Studio");
        assertThat(seen.body().path("models")).hasSize(2).allSatisfy(m -> {
            assertThat(m.at("/thumbnail/url").asText()).contains("/results/" + owner.companyId() + "/" + jobId + "/");
            assertThat(m.at("/model/url").asText()).contains(".glb");
            assertThat(m.has("download")).as("downloads not allowed").isFalse();
        });
        String text = seen.body().toString();
        assertThat(text).doesNotContain(owner.email()).doesNotContain(otherJobId).doesNotContain("available").doesNotContain("credits")
                .doesNotContain("\"jobId\"");

        // Decisions: a request for changes must say what; the job page shows them; the creator is told.
        assertThat(decide(token, "f002", "request_changes", "").errorCode()).isEqualTo("invalid_decision");
        assertThat(decide(token, "f002", "maybe", "hm").errorCode()).isEqualTo("invalid_decision");
        assertThat(decide(token, "f009", "approve", "").status()).isEqualTo(404);
        assertThat(decide(token, "f001", "approve", "Lovely").status()).isEqualTo(200);
        Api.Answer changes = decide(token, "f002", "request_changes", "Make the handle longer");
        assertThat(changes.body().at("/models/1/review/decision").asText()).isEqualTo("request_changes");
        JsonNode job = Api.call("GET", "/jobs/" + jobId, owner.token(), null).body();
        assertThat(job.at("/files/0/review/decision").asText()).isEqualTo("approve");
        assertThat(job.at("/files/1/review/comment").asText()).isEqualTo("Make the handle longer");
        assertThat(TestStack.get().cognito().outbox()).anyMatch(m -> m.to().equals(owner.email()) && m.subject().contains("changes requested")
                && m.body().contains("Make the handle longer"));

        // Wrong links: another secret, another company's id, a malformed one all answer alike.
        String[] parts = token.split("\\.");
        Api.Answer wrongSecret = view(parts[0] + "." + parts[1] + "." + "A".repeat(43));
        assertThat(wrongSecret.status()).isEqualTo(404);
        assertThat(wrongSecret.errorCode()).isEqualTo("share_not_found");
        assertThat(view(other.companyId() + "." + parts[1] + "." + parts[2]).body()).isEqualTo(wrongSecret.body());
        assertThat(view("not-a-token").body()).isEqualTo(wrongSecret.body());
        assertThat(Api.callOnce("POST", "/reviews/view", null, "[{\"token\": \"" + token + "\"}]").status()).isEqualTo(400);

        // Downloads when the link allows them.
        String withDownloads = token(Api.call("POST", "/jobs/" + jobId + "/share", owner.token(), "{\"allowDownload\": true}").body()
                .path("url").asText());
        assertThat(view(withDownloads).body().at("/models/0/download/url").asText()).contains("response-content-disposition=attachment");

        // Withdrawn: refused at once; another company cannot withdraw it, nor can it be withdrawn twice.
        String shareId = parts[1];
        assertThat(Api.call("DELETE", "/jobs/" + jobId + "/shares/" + shareId, other.token(), null).status()).isEqualTo(404);
        assertThat(Api.call("DELETE", "/jobs/" + jobId + "/shares/" + shareId, owner.token(), null).status()).isEqualTo(200);
        assertThat(Api.call("DELETE", "/jobs/" + jobId + "/shares/" + shareId, owner.token(), null).status()).isEqualTo(404);
        assertThat(view(token).errorCode()).isEqualTo("share_revoked");
        assertThat(decide(token, "f001", "approve", "").errorCode()).isEqualTo("share_revoked");

        // Expired: its end moved into the past in the table.
        String expiring = withDownloads;
        TestStack.get().aws().dynamoDb().updateItem(u -> u.tableName(TestStack.get().provisioner().ref("Table"))
                .key(Map.of("PK", AttributeValue.fromS("C#" + owner.companyId()), "SK", AttributeValue.fromS("SHARE#" + expiring.split("\\.")[1])))
                .updateExpression("SET expiresAt = :past").expressionAttributeValues(Map.of(":past", AttributeValue.fromN("1000"))));
        Api.Answer expired = view(expiring);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.errorCode()).isEqualTo("share_expired");
        assertThat(Api.call("GET", "/jobs/" + jobId + "/shares", owner.token(), null).body().path("shares"))
                .extracting(s -> s.path("status").asText()).containsExactlyInAnyOrder("revoked", "expired");
    }

    @Test
    void aLinkAnswersAtMost60RequestsAMinute() throws Exception {
        Jobs.Company owner = Jobs.company("Busy Review Studio", 0);
        List<byte[]> images = List.of(SampleImages.photoJpeg(63, 320, 240));
        JsonNode created = Jobs.create(owner, "low", images, "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        Jobs.uploadAll(created, images);
        Jobs.await(owner, jobId, Jobs.state("DONE"));
        String token = token(Api.call("POST", "/jobs/" + jobId + "/share", owner.token(), "{}").body().path("url").asText());
        // A fixed one-minute window: the 61st request of a minute is refused (if the minute turns meanwhile, one of the next 60 is).
        int allowed = 0;
        Api.Answer refused = null;
        for (int i = 0; i < 121 && refused == null; i++) {
            Api.Answer answer = view(token);
            if (answer.status() == 429) {
                refused = answer;
            } else {
                assertThat(answer.status()).isEqualTo(200);
                allowed++;
            }
        }
        assertThat(refused).as("refused within two minutes' worth of requests").isNotNull();
        assertThat(refused.errorCode()).isEqualTo("rate_limited");
        assertThat(refused.header("retry-after")).isNotNull();
        assertThat(allowed).isGreaterThanOrEqualTo(60);
    }
}
