package com.image2model.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.credits.Catalog;
import com.image2model.generation.ViewRole;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Retrying the files of a job that failed, in one click and without uploading again: a failed
 * file whose image passed its check and is still in S3 (within the retention) goes into a new
 * job at the same quality, paid like any job (402 when it does not fit), its image copied inside
 * S3 to the new job's upload key, which sets the pipeline going as an upload does. GET gives the
 * estimate first.
 */
public final class Retries {

    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

    private final JobStore store;
    private final JobSubmissions submissions;
    private final Catalog catalog;
    private final S3Client s3;
    private final String uploadsBucket;
    private final ToLongFunction<String> available;

    /** {@code available}: a company's available credits (for the estimate). */
    public Retries(JobStore store, JobSubmissions submissions, Catalog catalog, S3Client s3, String uploadsBucket,
                   ToLongFunction<String> available) {
        this.store = store;
        this.submissions = submissions;
        this.catalog = catalog;
        this.s3 = s3;
        this.uploadsBucket = uploadsBucket;
        this.available = available;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /jobs/{id}/retry", (caller, event) -> ApiResponses.json(200, estimate(caller, MemberRoutes.pathId(event))));
        routes.put("POST /jobs/{id}/retry", (caller, event) -> ApiResponses.json(201, retry(caller, MemberRoutes.pathId(event))));
        return routes;
    }

    private record Plan(Jobs.Job job, List<Jobs.JobFile> retryable, List<Map<String, String>> not) {
    }

    private Plan plan(TenantContext caller, String jobId) {
        if (jobId == null || !JobsApi.JOB_ID.matcher(jobId).matches()) {
            throw ApiException.notFound("Job " + jobId);
        }
        Jobs.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        List<Jobs.JobFile> retryable = new ArrayList<>();
        List<Map<String, String>> not = new ArrayList<>();
        for (Jobs.JobFile file : store.files(caller.companyId(), jobId)) {
            if (file.state() != Jobs.FileState.FAILED) {
                continue;
            }
            if (file.retriedIn() != null) {
                not.add(Map.of("fileId", file.fileId(), "name", file.name(), "why", "Retried already"
                        + (file.retriedIn().startsWith("j") ? " (in its own job)." : ".")));
            } else if (file.width() == null || file.uploadedAt() == null) {
                not.add(Map.of("fileId", file.fileId(), "name", file.name(), "why", "The image never arrived or was refused: choose it again."));
            } else if (!com.image2model.platform.S3Objects.exists(s3, uploadsBucket, file.uploadKey())
                    || !file.otherViews().stream().allMatch(v -> com.image2model.platform.S3Objects.exists(s3, uploadsBucket, file.uploadKey(v.role())))) {
                not.add(Map.of("fileId", file.fileId(), "name", file.name(), "why", "The image is no longer kept: choose it again."));
            } else {
                retryable.add(file);
            }
        }
        return new Plan(job, retryable, not);
    }

    private Map<String, Object> estimate(TenantContext caller, String jobId) {
        Plan plan = plan(caller, jobId);
        long cost = plan.retryable().stream().mapToLong(f -> Pipeline.plan(catalog, f, () -> plan.job().quality()).credits()).sum();
        long have = available.applyAsLong(caller.companyId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("quality", plan.job().quality());
        out.put("files", plan.retryable().stream().map(f -> Map.of("fileId", f.fileId(), "name", f.name())).toList());
        out.put("notRetryable", plan.not());
        out.put("cost", cost);
        out.put("available", have);
        out.put("fits", cost <= have);
        return out;
    }

    private Map<String, Object> retry(TenantContext caller, String jobId) {
        Plan plan = plan(caller, jobId);
        if (plan.retryable().isEmpty()) {
            throw new ApiException(409, "nothing_to_retry", plan.not().isEmpty() ? "No file of this job failed: there is nothing to retry."
                    : "No failed file can be retried from what is kept: choose those images again on Create.");
        }
        // Each file is claimed first: a second click (or a parallel request) finds it taken and retries nothing twice.
        String claim = "claim-" + java.util.UUID.randomUUID();
        List<Jobs.JobFile> claimed = plan.retryable().stream().filter(f -> store.claimRetry(f, claim)).toList();
        if (claimed.isEmpty()) {
            throw new ApiException(409, "nothing_to_retry", "These files are being retried already.");
        }
        List<JobStore.NewFile> files = new ArrayList<>();
        long falCents = 0;
        for (int i = 0; i < claimed.size(); i++) {
            Jobs.JobFile old = claimed.get(i);
            com.image2model.generation.GenerationPlan made = Pipeline.plan(catalog, old, () -> plan.job().quality());
            files.add(new JobStore.NewFile(String.format("f%03d", i + 1), old.name(), old.contentType(), old.size(),
                    old.options() != null ? old.options() : catalog.models().preset(plan.job().quality()).orElseThrow(), old.otherViews(),
                    made.credits()));
            falCents += made.falCostCents();
        }
        String base = plan.job().name() == null ? "job" : plan.job().name();
        String name = ("Retry of " + base).length() > 100 ? ("Retry of " + base).substring(0, 100) : "Retry of " + base;
        com.image2model.generation.ModelOptions jobOptions = plan.job().options() != null ? plan.job().options()
                : catalog.models().preset(plan.job().quality()).orElseThrow();
        JobRequest request = new JobRequest(jobOptions, catalog.models().plan(jobOptions, 1).credits(), name, files, plan.job().projectId(),
                falCents);
        Map<String, Object> created;
        try {
            created = submissions.submit(caller, request);
        } catch (RuntimeException refused) {
            // Not paid for (402), over a limit (429), or the table did not answer: the files may be retried again.
            claimed.forEach(f -> store.settleRetry(f, claim, null));
            throw refused;
        }
        String newJobId = String.valueOf(created.get("jobId"));
        claimed.forEach(f -> store.settleRetry(f, claim, newJobId));
        for (int i = 0; i < claimed.size(); i++) {
            Jobs.JobFile old = claimed.get(i);
            String fileId = files.get(i).fileId();
            // Copied inside S3: each copy's ObjectCreated event starts the new file's view as an upload would.
            copy(old.uploadKey(), Jobs.viewKey(caller.companyId(), newJobId, fileId, ViewRole.FRONT, old.extension()));
            for (Jobs.View view : old.otherViews()) {
                copy(old.uploadKey(view.role()), Jobs.viewKey(caller.companyId(), newJobId, fileId, view.role(), view.extension()));
            }
        }
        LOG.info("Job {} retries {} failed file(s) of job {}", newJobId, files.size(), jobId);
        created.remove("files");
        created.put("retried", files.size());
        created.put("notRetried", plan.not());
        return created;
    }

    private void copy(String from, String to) {
        s3.copyObject(c -> c.sourceBucket(uploadsBucket).sourceKey(from).destinationBucket(uploadsBucket).destinationKey(to));
    }
}
