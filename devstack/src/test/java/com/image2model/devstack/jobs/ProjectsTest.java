package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.Catalog;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * Projects per client: made, named once per company, capped by a budget that job creation
 * enforces on top of the balance (what failed comes back to it; many jobs at once never take it
 * over), archived, counted in usage and its CSV, a filter of the gallery; another company's
 * project ids are 404 everywhere.
 */
class ProjectsTest {

    private static final long LOW = Catalog.load().costPerImage("low").orElseThrow();
    private final FalStandIn fal = Jobs.stack().fal();

    @AfterEach
    void tearDown() {
        fal.resetFaults();
    }

    @Test
    void projectsAreNamedOncePerCompanyCheckedAndAnotherCompanysIdsAre404() throws Exception {
        Jobs.Company company = Jobs.company("Client Work Studio", 0);
        Jobs.Company other = Jobs.company("Other Client Studio", 0);

        JsonNode initial = Api.call("GET", "/projects", company.token(), null).body().path("projects");
        assertThat(initial).hasSize(1);
        assertThat(initial.at("/0/projectId").asText()).isEqualTo("general");
        assertThat(initial.at("/0/name").asText()).isEqualTo("General");

        Api.Answer made = Api.call("POST", "/projects", company.token(), "{\"name\": \"Acme spring catalogue\", \"client\": \"Acme\","
                + " \"budget\": 500}");
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        String projectId = made.body().path("projectId").asText();
        assertThat(projectId).matches("p[0-9a-f]{16}");
        assertThat(made.body().path("remaining").asLong()).isEqualTo(500);
        assertThat(made.body().path("client").asText()).isEqualTo("Acme");

        // One name per company, whatever its case or spacing; General's name is taken.
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"ACME  spring catalogue\"}").errorCode())
                .isEqualTo("project_exists");
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"general\"}").errorCode()).isEqualTo("project_exists");
        // Another company may use the same name.
        assertThat(Api.call("POST", "/projects", other.token(), "{\"name\": \"Acme spring catalogue\"}").status()).isEqualTo(201);

        for (String budget : List.of("0", "-5", "1.5", "\"100\"", "18446744073709551617", "1000000001", "true")) {
            Api.Answer refused = Api.call("POST", "/projects", company.token(), "{\"name\": \"B " + budget.hashCode() + "\", \"budget\": "
                    + budget + "}");
            assertThat(refused.status()).as(budget).isEqualTo(400);
            assertThat(refused.errorCode()).as(budget).isEqualTo("invalid_budget");
        }
        assertThat(Api.call("POST", "/projects", company.token(), "{\"client\": \"x\"}").errorCode()).isEqualTo("invalid_name");
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"<>\"}").status()).isEqualTo(201);
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"   \"}").errorCode()).isEqualTo("invalid_name");
        assertThat(Api.call("POST", "/projects", company.token(), "[{\"name\": \"x\"}]").errorCode()).isEqualTo("invalid_json");
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"x\", \"archived\": \"yes\"}").errorCode())
                .isEqualTo("invalid_archived");
        assertThat(Api.call("PATCH", "/projects/" + projectId, company.token(), "{}").errorCode()).isEqualTo("nothing_to_change");

        // General keeps its name and cannot be archived; it may have a budget.
        assertThat(Api.call("PATCH", "/projects/general", company.token(), "{\"name\": \"Misc\"}").errorCode()).isEqualTo("general_project");
        assertThat(Api.call("PATCH", "/projects/general", company.token(), "{\"archived\": true}").errorCode()).isEqualTo("general_project");
        assertThat(Api.call("PATCH", "/projects/general", company.token(), "{\"budget\": 1000}").body().path("budget").asLong())
                .isEqualTo(1000);

        // A member may start and rename projects; budgets and archiving are an admin's.
        String memberToken = Api.joinAs(company.token(), "designer@" + company.email().split("@")[1]).accessToken();
        assertThat(Api.call("POST", "/projects", memberToken, "{\"name\": \"Designer's own\"}").status()).isEqualTo(201);
        assertThat(Api.call("PATCH", "/projects/" + projectId, memberToken, "{\"budget\": 100000}").errorCode()).isEqualTo("admin_required");
        assertThat(Api.call("PATCH", "/projects/" + projectId, memberToken, "{\"archived\": true}").errorCode()).isEqualTo("admin_required");
        Api.Answer renamed = Api.call("PATCH", "/projects/" + projectId, memberToken, "{\"name\": \"Acme summer catalogue\"}");
        assertThat(renamed.body().path("name").asText()).isEqualTo("Acme summer catalogue");
        // The old name is free again; the new one is taken.
        assertThat(Api.call("POST", "/projects", company.token(), "{\"name\": \"Acme spring catalogue\"}").status()).isEqualTo(201);
        assertThat(Api.call("PATCH", "/projects/" + projectId, company.token(), "{\"name\": \"acme spring catalogue\"}").errorCode())
                .isEqualTo("project_exists");
        assertThat(Api.call("GET", "/projects/" + projectId, company.token(), null).body().path("name").asText())
                .isEqualTo("Acme summer catalogue");

        // The other company: this project is exactly a project that does not exist.
        Api.Answer missing = Api.call("GET", "/projects/p0123456789abcdef", other.token(), null);
        assertThat(missing.status()).isEqualTo(404);
        for (Api.Answer foreign : List.of(Api.call("GET", "/projects/" + projectId, other.token(), null),
                Api.call("PATCH", "/projects/" + projectId, other.token(), "{\"name\": \"Stolen\"}"),
                Api.call("PATCH", "/projects/" + projectId, other.token(), "{\"archived\": true}"),
                Api.call("GET", "/models?project=" + projectId, other.token(), null),
                jobIn(other, projectId, "low", 1))) {
            assertThat(foreign.status()).as(foreign.body().toString()).isEqualTo(404);
            assertThat(foreign.errorCode()).isEqualTo(missing.errorCode());
        }
        assertThat(Api.call("GET", "/projects", other.token(), null).body().path("projects").toString()).doesNotContain(projectId);
        // A project id that is not text, or not an id at all, in a job's body.
        Api.Answer notText = Api.call("POST", "/jobs", company.token(), "{\"quality\":\"low\",\"projectId\":[\"" + projectId
                + "\"],\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}");
        assertThat(notText.errorCode()).isEqualTo("invalid_project");
        assertThat(jobIn(company, "../" + projectId, "low", 1).status()).isEqualTo(404);
        JsonNode still = Api.call("GET", "/projects/" + projectId, company.token(), null).body();
        assertThat(still.path("name").asText()).isEqualTo("Acme summer catalogue");
        assertThat(still.path("archived").asBoolean()).isFalse();
        assertThat(Jobs.ledger().balance(other.companyId()).held()).isZero();
    }

    @Test
    void theBudgetIsEnforcedAtJobCreationGivenBackForFailuresAndCountedByProject() throws Exception {
        Jobs.Company company = Jobs.company("Budgeted Studio", 2_000);
        String projectId = Api.call("POST", "/projects", company.token(), "{\"name\": \"Tight client\", \"client\": \"Tight Ltd\", \"budget\": "
                + (2 * LOW + 5) + "}").body().path("projectId").asText();
        byte[] image = SampleImages.photoJpeg(81, 320, 240);

        // One image fails: its credits come back to the balance and to the budget.
        fal.failNextResults(1);
        Api.Answer failing = jobIn(company, projectId, "low", 1);
        assertThat(failing.status()).as(failing.body().toString()).isEqualTo(201);
        assertThat(failing.body().path("projectId").asText()).isEqualTo(projectId);
        assertThat(project(company, projectId).path("committed").asLong()).isEqualTo(LOW);
        Jobs.uploadAll(failing.body(), List.of(image));
        Jobs.await(company, failing.body().path("jobId").asText(), Jobs.state("FAILED"));
        assertThat(project(company, projectId).path("committed").asLong()).isZero();

        // Two images fit; a third does not, and says what is left; nothing is held for it.
        Api.Answer two = jobIn(company, projectId, "low", 2);
        assertThat(two.status()).as(two.body().toString()).isEqualTo(201);
        long heldBefore = Jobs.ledger().balance(company.companyId()).held();
        Api.Answer over = jobIn(company, projectId, "low", 1);
        assertThat(over.status()).isEqualTo(402);
        assertThat(over.errorCode()).isEqualTo("project_budget_exceeded");
        assertThat(over.body().at("/error/remaining").asLong()).isEqualTo(5);
        assertThat(over.body().at("/error/needed").asLong()).isEqualTo(LOW);
        assertThat(over.body().at("/error/message").asText()).contains("Tight client").contains("5 of its");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(heldBefore);
        // Jobs without a project are General's, which has no budget.
        Api.Answer general = jobIn(company, null, "low", 1);
        assertThat(general.status()).isEqualTo(201);
        assertThat(general.body().path("projectId").asText()).isEqualTo("general");

        Jobs.uploadAll(two.body(), List.of(image, SampleImages.photoJpeg(82, 320, 240)));
        Jobs.await(company, two.body().path("jobId").asText(), Jobs.state("DONE"));
        JsonNode spent = project(company, projectId);
        assertThat(spent.path("spent").asLong()).isEqualTo(2 * LOW);
        assertThat(spent.path("held").asLong()).isZero();
        assertThat(spent.path("remaining").asLong()).isEqualTo(5);

        // Usage by project, in the API and the CSV.
        JsonNode usage = Api.call("GET", "/usage?groupBy=project", company.token(), null).body();
        JsonNode row = null;
        for (JsonNode r : usage.path("rows")) {
            if (r.path("project").asText().equals(projectId)) {
                row = r;
            }
        }
        assertThat(row).as(usage.toString()).isNotNull();
        assertThat(row.path("name").asText()).isEqualTo("Tight client");
        assertThat(row.path("images").asLong()).isEqualTo(2);
        assertThat(row.path("credits").asLong()).isEqualTo(2 * LOW);
        HttpResponse<String> csv = Jobs.HTTP.send(HttpRequest.newBuilder(URI.create(Jobs.stack().front().url()
                + "/usage/report.csv?groupBy=project")).header("Authorization", "Bearer " + company.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).startsWith("day,project,project_id,images,credits").contains(",Tight client," + projectId + ",2," + 2 * LOW);
        assertThat(Api.call("GET", "/usage?groupBy=client", company.token(), null).errorCode()).isEqualTo("invalid_group_by");

        // The gallery, filtered by project.
        JsonNode models = Api.call("GET", "/models?project=" + projectId, company.token(), null).body().path("models");
        assertThat(models).hasSize(2);
        assertThat(models.at("/0/jobId").asText()).isEqualTo(two.body().path("jobId").asText());
        assertThat(Api.call("GET", "/models?project=general", company.token(), null).body().path("models").toString())
                .doesNotContain(two.body().path("jobId").asText());

        // Archived: no new work; back again, and an admin raises the budget.
        assertThat(Api.call("PATCH", "/projects/" + projectId, company.token(), "{\"archived\": true}").body().path("archived").asBoolean())
                .isTrue();
        assertThat(jobIn(company, projectId, "low", 1).errorCode()).isEqualTo("project_archived");
        assertThat(Api.call("GET", "/projects", company.token(), null).body().path("projects").toString()).contains(projectId);
        Api.call("PATCH", "/projects/" + projectId, company.token(), "{\"archived\": false, \"budget\": " + (3 * LOW) + "}");
        assertThat(jobIn(company, projectId, "low", 1).status()).isEqualTo(201);
        // A budget below what is committed leaves nothing, and refuses the next job.
        Api.call("PATCH", "/projects/" + projectId, company.token(), "{\"budget\": 1}");
        assertThat(project(company, projectId).path("remaining").asLong()).isZero();
        assertThat(jobIn(company, projectId, "low", 1).errorCode()).isEqualTo("project_budget_exceeded");
        // No budget at all: anything the balance pays for.
        Api.call("PATCH", "/projects/" + projectId, company.token(), "{\"budget\": null}");
        assertThat(project(company, projectId).path("remaining").isNull()).isTrue();
        assertThat(jobIn(company, projectId, "low", 2).status()).isEqualTo(201);
    }

    @Test
    void manyJobsAtOnceNeverTakeAProjectOverItsBudget() throws Exception {
        Jobs.Company company = Jobs.company("Racing Studio", 2_000);
        String projectId = Api.call("POST", "/projects", company.token(), "{\"name\": \"Raced\", \"budget\": " + (2 * LOW) + "}")
                .body().path("projectId").asText();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Api.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(pool.submit((Callable<Api.Answer>) () -> jobIn(company, projectId, "low", 1)));
        }
        int made = 0;
        for (Future<Api.Answer> answer : answers) {
            Api.Answer a = answer.get();
            if (a.status() == 201) {
                made++;
            } else {
                assertThat(a.status()).as(a.body().toString()).isIn(402, 409, 429);
            }
        }
        pool.shutdown();
        assertThat(made).isEqualTo(2);
        JsonNode project = project(company, projectId);
        assertThat(project.path("committed").asLong()).isEqualTo(2 * LOW);
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(2 * LOW);
    }

    private static JsonNode project(Jobs.Company company, String projectId) throws Exception {
        Api.Answer answer = Api.call("GET", "/projects/" + projectId, company.token(), null);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer.body();
    }

    private static Api.Answer jobIn(Jobs.Company company, String projectId, String quality, int images) throws Exception {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("quality", quality);
        if (projectId != null) {
            body.put("projectId", projectId);
        }
        var files = body.putArray("files");
        for (int i = 0; i < images; i++) {
            byte[] image = SampleImages.photoJpeg(81 + i, 320, 240);
            files.addObject().put("name", "picture-" + (i + 1) + ".jpg").put("contentType", "image/jpeg").put("size", image.length);
        }
        return Api.callOnce("POST", "/jobs", company.token(), Api.JSON.writeValueAsString(body));
    }
}
