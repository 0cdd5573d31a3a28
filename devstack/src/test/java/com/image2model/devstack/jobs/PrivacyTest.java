package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * GDPR through the real API: a person's export holds their profile, jobs, images and models; after
 * they delete their account, or an admin deletes the company, nothing in the table or the buckets
 * names them (the ledger stays, anonymised) and a second company is untouched.
 */
class PrivacyTest {

    private static final byte[] IMAGE = SampleImages.photoJpeg(44, 400, 300);

    private record Person(Jobs.Company access, String userId) {
    }

    private static Person join(Jobs.Company company, String localPart) throws Exception {
        String email = localPart + "@" + company.email().substring(company.email().indexOf('@') + 1);
        String token = Api.joinAs(company.token(), email).accessToken();
        assertThat(Api.claims(token).path("company_id").asText()).isEqualTo(company.companyId());
        return new Person(new Jobs.Company(token, company.companyId(), email), Api.claims(token).path("sub").asText());
    }

    private static String doneJob(Jobs.Company who) throws Exception {
        JsonNode job = Jobs.create(who, "low", List.of(IMAGE), "image/jpeg").body();
        Jobs.uploadAll(job, List.of(IMAGE));
        String id = job.path("jobId").asText();
        Jobs.await(who, id, Jobs.state("DONE"));
        return id;
    }

    /** Every item of the table as text (the devstack's whole table: a scan). */
    private static List<String> allItems() {
        List<String> items = new ArrayList<>();
        TestStack.get().aws().dynamoDb().scanPaginator(s -> s.tableName(Jobs.table())).items().forEach(item -> items.add(item.toString()));
        return items;
    }

    private static List<Map<String, AttributeValue>> partition(String companyId) {
        return TestStack.get().aws().dynamoDb().query(q -> q.tableName(Jobs.table()).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + companyId)))).items()
                .stream().filter(item -> !item.get("SK").s().startsWith("RATE#")).toList();
    }

    private static List<String> objects(String bucketRef, String prefix) {
        return TestStack.get().aws().s3().listObjectsV2(l -> l.bucket(TestStack.get().provisioner().ref(bucketRef)).prefix(prefix)).contents()
                .stream().map(o -> o.key()).toList();
    }

    private static List<String> mentioning(String... needles) {
        return allItems().stream().filter(item -> java.util.Arrays.stream(needles).anyMatch(item::contains)).toList();
    }

    private static long ledgerEntries(String companyId) {
        return partition(companyId).stream().filter(item -> item.get("SK").s().startsWith("LEDGER#")).count();
    }

    private static int download(String url) throws Exception {
        return Jobs.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean emailed(String to, String subject) {
        return TestStack.get().cognito().outbox().stream().anyMatch(m -> m.to().equals(to) && m.subject().equals(subject));
    }

    @Test
    void aPersonExportsTheirDataThenDeletesTheirAccountAndNothingNamesThemAfterwards() throws Exception {
        Jobs.Company admin = Jobs.company("Forgetful Studio", 200);
        Person member = join(admin, "mia");
        String jobId = doneJob(member.access());
        Jobs.Company bystander = Jobs.company("Bystander Works", 0);
        List<Map<String, AttributeValue>> bystanderBefore = partition(bystander.companyId());

        Api.Answer export = Api.call("GET", "/account/export", member.access().token(), null);
        assertThat(export.status()).as("%s", export.body()).isEqualTo(200);
        assertThat(export.body().at("/profile/email").asText()).isEqualTo(member.access().email());
        assertThat(export.body().path("jobs")).hasSize(1);
        JsonNode file = export.body().at("/jobs/0/files/0");
        assertThat(export.body().at("/jobs/0/jobId").asText()).isEqualTo(jobId);
        assertThat(download(file.path("imageUrl").asText())).isEqualTo(200);
        assertThat(download(file.path("modelUrl").asText())).isEqualTo(200);
        assertThat(export.body().path("ledger").size()).as("the capture they caused").isGreaterThanOrEqualTo(1);
        // The admin's own export has none of the member's jobs; only admins export the company.
        assertThat(Api.call("GET", "/account/export", admin.token(), null).body().path("jobs")).isEmpty();
        assertThat(Api.call("GET", "/company/export", member.access().token(), null).errorCode()).isEqualTo("admin_required");
        JsonNode companyExport = Api.call("GET", "/company/export", admin.token(), null).body();
        assertThat(companyExport.path("members")).hasSize(2);
        assertThat(companyExport.path("jobs")).hasSize(1);

        long entries = ledgerEntries(admin.companyId());
        assertThat(Api.call("DELETE", "/account", member.access().token(), "{\"confirm\": \"someone@else.test\"}").errorCode())
                .isEqualTo("confirmation_mismatch");
        assertThat(Api.call("DELETE", "/account", member.access().token(), "[]").status()).isEqualTo(400);
        Api.Answer deleted = Api.call("DELETE", "/account", member.access().token(), "{\"confirm\": \"" + member.access().email() + "\"}");
        assertThat(deleted.status()).as("%s", deleted.body()).isEqualTo(200);

        assertThat(Api.call("GET", "/jobs", member.access().token(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(Api.login().signIn(member.access().email(), Api.PASSWORD).error()).isNotNull();
        assertThat(mentioning(member.userId(), member.access().email())).as("items naming the person").isEmpty();
        assertThat(ledgerEntries(admin.companyId())).as("the ledger keeps every entry").isEqualTo(entries);
        assertThat(partition(admin.companyId()).stream().filter(i -> i.get("SK").s().startsWith("LEDGER#"))
                .anyMatch(i -> i.get("actor").s().equals(deleted.body().path("anonymousId").asText()))).isTrue();
        // The company keeps the work made for it: the model and its picture.
        assertThat(objects("ResultsBucket", "results/" + admin.companyId() + "/" + jobId + "/")).hasSize(2)
                .allMatch(key -> key.endsWith(".glb") || key.endsWith(".png"));
        assertThat(emailed(member.access().email(), "Your Image2Model account was deleted")).isTrue();
        assertThat(partition(bystander.companyId())).isEqualTo(bystanderBefore);

        // The admin is now the only member: their way out is deleting the company.
        assertThat(Api.call("DELETE", "/account", admin.token(), "{\"confirm\": \"" + admin.email() + "\"}").errorCode())
                .isEqualTo("delete_company_instead");
    }

    @Test
    void anAdminDeletesTheCompanyAndEveryTraceGoesButTheAnonymisedLedger() throws Exception {
        Jobs.Company admin = Jobs.company("Closing Down", 200);
        Person member = join(admin, "max");
        String jobId = doneJob(member.access());
        String name = Api.call("GET", "/company", admin.token(), null).body().path("name").asText();
        // A Stripe customer exists once a checkout was started.
        assertThat(Api.call("POST", "/billing/checkout", admin.token(), "{\"item\": \"pack_5000\"}").status()).isEqualTo(201);
        String customer = partition(admin.companyId()).stream().filter(i -> i.get("SK").s().equals("COMPANY")).findFirst().orElseThrow()
                .get("stripeCustomerId").s();
        assertThat(TestStack.get().stripe().exists(customer)).isTrue();
        Jobs.Company bystander = Jobs.company("Still Trading", 0);
        List<Map<String, AttributeValue>> bystanderBefore = partition(bystander.companyId());

        // Work in progress holds credits: refused until it is cancelled.
        String open = Jobs.create(admin, "low", List.of(IMAGE), "image/jpeg").body().path("jobId").asText();
        assertThat(Api.call("DELETE", "/company", admin.token(), "{\"confirm\": \"" + name + "\"}").errorCode()).isEqualTo("credits_held");
        assertThat(Api.call("DELETE", "/jobs/" + open, admin.token(), null).status()).isEqualTo(200);
        assertThat(Api.call("DELETE", "/company", admin.token(), "{\"confirm\": \"not the name\"}").errorCode()).isEqualTo("confirmation_mismatch");
        assertThat(Api.call("DELETE", "/company", member.access().token(), "{\"confirm\": \"" + name + "\"}").errorCode()).isEqualTo("admin_required");
        long entries = ledgerEntries(admin.companyId());

        Api.Answer started = Api.call("DELETE", "/company", admin.token(), "{\"confirm\": \"" + name + "\"}");
        assertThat(started.status()).as("%s", started.body()).isEqualTo(202);

        long until = System.currentTimeMillis() + 30_000;
        while (partition(admin.companyId()).stream().anyMatch(i -> i.get("SK").s().equals("COMPANY")) && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        List<Map<String, AttributeValue>> left = partition(admin.companyId());
        assertThat(left).as("only ledger entries are left").allMatch(i -> i.get("SK").s().startsWith("LEDGER#"));
        assertThat(left).hasSize((int) entries);
        assertThat(mentioning(admin.email(), member.access().email(), member.userId(), Api.claims(admin.token()).path("sub").asText()))
                .as("items naming the people").isEmpty();
        assertThat(objects("UploadsBucket", "uploads/" + admin.companyId() + "/")).isEmpty();
        assertThat(objects("ResultsBucket", "results/" + admin.companyId() + "/")).isEmpty();
        assertThat(Api.login().signIn(admin.email(), Api.PASSWORD).error()).isNotNull();
        assertThat(Api.login().signIn(member.access().email(), Api.PASSWORD).error()).isNotNull();
        assertThat(Api.call("GET", "/jobs/" + jobId, admin.token(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(TestStack.get().stripe().exists(customer)).as("the Stripe customer is deleted").isFalse();
        assertThat(emailed(admin.email(), "Your company was deleted from Image2Model")).isTrue();
        assertThat(partition(bystander.companyId())).isEqualTo(bystanderBefore);
        // The domain is free again: a new sign-up there founds a new company.
        String again = Api.signUp("new@" + admin.email().substring(admin.email().indexOf('@') + 1), "Fresh Start").accessToken();
        assertThat(Api.claims(again).path("company_id").asText()).isNotEqualTo(admin.companyId());
    }

    /**
     * Erasing x@ leaves max@ and ax@ (addresses that contain it) and a job named after it as they
     * were: the admin can still remove Max, and ax can still erase their own account.
     */
    @Test
    void erasingOnePersonChangesNobodyElseNotEvenAddressesThatContainTheirs() throws Exception {
        Jobs.Company admin = Jobs.company("Nested Names", 200);
        Person x = join(admin, "x");
        Person max = join(admin, "max");
        Person ax = join(admin, "ax");
        String named = "Chairs for " + x.access().email() + " and " + max.access().email();
        Api.Answer created = Api.call("POST", "/jobs", max.access().token(), "{\"quality\": \"low\", \"name\": \"" + named
                + "\", \"files\": [{\"name\": \"" + x.access().email() + ".jpg\", \"contentType\": \"image/jpeg\", \"size\": "
                + IMAGE.length + "}]}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        Jobs.uploadAll(created.body(), List.of(IMAGE));
        String jobId = created.body().path("jobId").asText();
        Jobs.await(max.access(), jobId, Jobs.state("DONE"));
        String storedName = Jobs.job(admin, jobId).path("name").asText();
        List<Map<String, AttributeValue>> before = partition(admin.companyId()).stream()
                .filter(i -> !i.get("SK").s().contains(x.userId())).toList();

        Api.Answer erased = Api.call("DELETE", "/account", x.access().token(), "{\"confirm\": \"" + x.access().email() + "\"}");
        assertThat(erased.status()).as("%s", erased.body()).isEqualTo(200);

        // Every item that named someone else is exactly as it was, the job's free-text name included.
        List<Map<String, AttributeValue>> after = partition(admin.companyId());
        for (Map<String, AttributeValue> item : before) {
            if (!item.toString().contains(x.userId()) && !List.of("COMPANY", "BALANCE").contains(item.get("SK").s())
                    && !item.get("SK").s().startsWith("LEDGER#")) {
                assertThat(after).as("unchanged: %s", item.get("SK").s()).contains(item);
            }
        }
        assertThat(Jobs.job(admin, jobId).path("name").asText()).isEqualTo(storedName);
        JsonNode members = Api.call("GET", "/company/members", admin.token(), null).body().path("members");
        assertThat(members.findValuesAsText("email")).containsExactlyInAnyOrder(admin.email(), max.access().email(), ax.access().email());
        assertThat(Api.call("GET", "/jobs", max.access().token(), null).status()).isEqualTo(200);
        assertThat(Api.call("DELETE", "/company/members/" + max.userId(), admin.token(), null).status()).isEqualTo(200);
        Api.Answer axErased = Api.call("DELETE", "/account", ax.access().token(), "{\"confirm\": \"" + ax.access().email() + "\"}");
        assertThat(axErased.status()).as("%s", axErased.body()).isEqualTo(200);
        assertThat(mentioning(x.userId(), ax.userId())).as("items naming the erased people").isEmpty();
    }
}
