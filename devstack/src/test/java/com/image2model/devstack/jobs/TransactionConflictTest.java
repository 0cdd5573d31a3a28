package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.ImageCheck;
import com.image2model.jobs.Jobs.JobFile;

/**
 * Every file of a batch moves its job's item, so two files' transactions meet on it, and DynamoDB
 * cancels one with TransactionConflict. The step is tried again in the function after a short
 * pause (its conditions evaluated afresh), not left to SQS's next delivery minutes later; only a
 * run of conflicts is. The devstack's engine answers the conflicts here as DynamoDB does.
 */
class TransactionConflictTest {

    @Test
    void aFileStepThatMeetsConflictsIsTriedAgainInTheFunctionAndAppliedOnce() throws Exception {
        Jobs.Company company = Jobs.company("Busy Batch Studio", 0);
        JsonNode created = Jobs.create(company, "low", List.of(SampleImages.photoJpeg(91, 320, 240)), "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        JobFile file = Jobs.store().file(company.companyId(), jobId, "f001").orElseThrow();
        var engine = Jobs.stack().aws().dynamoDbServer().engine();
        String partition = "C#" + company.companyId();

        engine.conflictNextTransactions(partition, 3);
        assertThat(Jobs.store().markUploaded(file, new ImageCheck.Image(ImageCheck.Format.JPEG, 320, 240), "fal-ai/test-app")).isTrue();
        assertThat(engine.conflictsLeft(partition)).as("all three conflicts were met").isZero();
        assertThat(Jobs.store().file(company.companyId(), jobId, "f001").orElseThrow().state().name()).isEqualTo("UPLOADED");
        assertThat(Jobs.job(company, jobId).at("/counts/uploaded").asInt()).as("counted once").isEqualTo(1);
        // Repeated, the step finds the file moved on and changes nothing.
        assertThat(Jobs.store().markUploaded(file, new ImageCheck.Image(ImageCheck.Format.JPEG, 320, 240), "fal-ai/test-app")).isFalse();

        // A run of conflicts longer than the function waits for is left to SQS's next delivery.
        JobFile uploaded = Jobs.store().file(company.companyId(), jobId, "f001").orElseThrow();
        engine.conflictNextTransactions(partition, 100);
        try {
            assertThatThrownBy(() -> Jobs.store().markSubmitted(uploaded, "m", "r1", null, null, null, java.time.Instant.now()))
                    .hasMessageContaining("changed concurrently");
        } finally {
            engine.conflictNextTransactions(partition, 0);
        }
        assertThat(Jobs.store().file(company.companyId(), jobId, "f001").orElseThrow().state().name()).isEqualTo("UPLOADED");
        cancel(company, jobId);
    }

    private static void cancel(Jobs.Company company, String jobId) throws Exception {
        com.image2model.devstack.identity.Api.call("DELETE", "/jobs/" + jobId, company.token(), null);
    }
}
