package com.image2model.jobs;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.credits.Catalog;
import com.image2model.credits.CreditLedger;
import com.image2model.credits.FairUse;
import com.image2model.credits.PaymentRequired;
import com.image2model.jobs.JobStore.FileState;
import com.image2model.jobs.JobStore.JobFile;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.TenantContext;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import tools.jackson.databind.JsonNode;

/** The jobs API: POST /jobs, GET /jobs, GET /jobs/{id}, DELETE /jobs/{id}. */
public final class JobsFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final Pattern JOB_ID = Pattern.compile("j[0-9a-f]{19}");
    static final int PAGE = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Limits from the configuration. */
    public record Limits(int maxFiles, long maxFileBytes, Duration uploadWindow, Duration holdGrace, Duration resultUrlTtl) {
    }

    private final JobStore store;
    private final Pipeline pipeline;
    private final CreditLedger ledger;
    private final FairUse fairUse;
    private final CompanyStore companies;
    private final Catalog catalog;
    private final S3Presigner presigner;
    private final String uploadsBucket;
    private final String resultsBucket;
    private final Limits limits;
    private final Clock clock;

    private final com.image2model.tenancy.Callers callers;
    private final com.image2model.limits.PersonalLimits personal;

    public JobsFunction(com.image2model.tenancy.Callers callers, JobStore store, Pipeline pipeline, CreditLedger ledger, FairUse fairUse, CompanyStore companies, Catalog catalog,
                        S3Presigner presigner, String uploadsBucket, String resultsBucket, Limits limits,
                        com.image2model.limits.PersonalLimits personal, Clock clock) {
        this.personal = personal;
        this.callers = callers;
        this.store = store;
        this.pipeline = pipeline;
        this.ledger = ledger;
        this.fairUse = fairUse;
        this.companies = companies;
        this.catalog = catalog;
        this.presigner = presigner;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            TenantContext caller = callers.verify(event);
            Map<String, String> query = ApiRequests.query(event);
            String id = event.getPathParameters() == null ? null : event.getPathParameters().get("id");
            return switch (String.valueOf(event.getRouteKey())) {
                case "POST /jobs" -> ApiResponses.json(201, create(caller, ApiRequests.jsonBody(event)));
                case "GET /jobs" -> ApiResponses.json(200, list(caller, query.get("cursor")));
                case "GET /jobs/{id}" -> ApiResponses.json(200, view(caller, jobId(id)));
                case "DELETE /jobs/{id}" -> ApiResponses.json(200, cancel(caller, jobId(id)));
                default -> throw ApiException.notFound("Route " + event.getRouteKey());
            };
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    // ------------------------------------------------------------------ POST /jobs

    private Map<String, Object> create(TenantContext caller, JsonNode body) {
        String quality = ApiRequests.optionalText(body, "quality", "quality");
        OptionalLong perImage = catalog.costPerImage(quality);
        if (perImage.isEmpty()) {
            throw ApiException.badRequest("invalid_quality", "quality must be one of " + catalog.costs().keySet() + ".");
        }
        quality = quality.toLowerCase(java.util.Locale.ROOT);
        String name = null;
        if (body.has("name") && !body.get("name").isNull()) {
            if (!body.get("name").isString()) {
                throw ApiException.badRequest("invalid_name", "name must be text.");
            }
            name = com.image2model.platform.DisplayNames.text(body.get("name").asString());
        }
        JsonNode files = body.path("files");
        if (!files.isArray() || files.isEmpty() || files.size() > limits.maxFiles()) {
            throw ApiException.badRequest("invalid_files", "files must be a list of 1 to " + limits.maxFiles() + " images.");
        }
        List<JobStore.NewFile> newFiles = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            newFiles.add(newFile(files.get(i), i));
        }

        // After the request is known to be well formed, before any credit is held: a refused job holds nothing.
        personal.takeJob(caller.companyId(), caller.userId(), newFiles.size());
        String jobId = newJobId();
        boolean unlimited = Catalog.UNLIMITED_PLAN.equals(companies.company(caller.companyId()).map(Company::plan).orElse(null));
        long costPerFile = unlimited ? 0 : perImage.getAsLong();
        Instant now = clock.instant();
        Instant uploadsUntil = now.plus(limits.uploadWindow());
        if (unlimited) {
            try {
                fairUse.count(caller.companyId(), jobId, newFiles.size());
            } catch (FairUse.CapReached e) {
                com.image2model.platform.Metrics.count("InsufficientCredits", 1);
                throw PaymentRequired.of(e);
            }
        } else {
            List<CreditLedger.HoldRequest> holds = newFiles.stream()
                    .map(f -> new CreditLedger.HoldRequest(JobStore.holdId(jobId, f.fileId()), costPerFile)).toList();
            try {
                ledger.reserveAll(caller.companyId(), holds, uploadsUntil.plus(limits.holdGrace()), caller.userId());
            } catch (CreditLedger.InsufficientCredits e) {
                com.image2model.platform.Metrics.count("InsufficientCredits", 1);
                throw PaymentRequired.of(e);
            }
        }
        JobStore.Job job = store.create(caller.companyId(), jobId, name, quality, costPerFile, caller.userId(), newFiles);
        com.image2model.platform.Metrics.count("ImagesAccepted", newFiles.size());

        Map<String, Object> out = summary(job);
        List<Map<String, Object>> uploads = new ArrayList<>();
        for (JobFile file : store.files(caller.companyId(), jobId)) {
            PresignedPutObjectRequest put = presigner.presignPutObject(p -> p.signatureDuration(limits.uploadWindow())
                    .putObjectRequest(r -> r.bucket(uploadsBucket).key(file.uploadKey()).contentType(file.contentType())
                            .contentLength(file.size())));
            Map<String, Object> upload = new LinkedHashMap<>();
            upload.put("method", "PUT");
            upload.put("url", put.url().toString());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", file.contentType());
            headers.put("Content-Length", String.valueOf(file.size()));
            upload.put("headers", headers);
            upload.put("expiresAt", put.expiration().toString());
            Map<String, Object> entry = fileView(file, false);
            entry.put("upload", upload);
            uploads.add(entry);
        }
        out.put("files", uploads);
        return out;
    }

    private JobStore.NewFile newFile(JsonNode file, int index) {
        String where = "files[" + index + "]";
        if (!file.isObject()) {
            throw ApiException.badRequest("invalid_file", where + " must be an object with name, contentType and size.");
        }
        ImageCheck.Format format = ImageCheck.Format.ofContentType(ApiRequests.optionalText(file, "contentType", "content_type"));
        if (format == null) {
            throw ApiException.badRequest("unsupported_type", where + ": contentType must be image/jpeg, image/png or image/webp.");
        }
        long size = ApiRequests.wholeNumber(file.get("size"), where + ".size (the file's size in bytes)", "size", 1, Long.MAX_VALUE);
        if (size > limits.maxFileBytes()) {
            throw new ApiException(413, "file_too_large", where + " is " + size + " bytes; at most "
                    + limits.maxFileBytes() + " bytes (" + limits.maxFileBytes() / (1024 * 1024) + " MB) per image.");
        }
        String rawName = ApiRequests.optionalText(file, "name", "name");
        String name = rawName == null ? null : com.image2model.platform.DisplayNames.fileName(rawName);
        if (name == null || name.isEmpty()) {
            name = "image-" + (index + 1) + "." + format.extension();
        }
        return new JobStore.NewFile(String.format("f%03d", index + 1), name, format.contentType(), size);
    }

    static String newJobId() {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        // Time first: ids sort by creation, which gives GET /jobs its newest-first order.
        return JobStore.jobIdAt(System.currentTimeMillis(), HexFormat.of().formatHex(random));
    }

    // ------------------------------------------------------------------ reads

    private Map<String, Object> list(TenantContext caller, String cursor) {
        if (cursor != null && !JOB_ID.matcher(cursor).matches()) {
            throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
        }
        JobStore.Page page = store.jobs(caller.companyId(), cursor, PAGE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", page.jobs().stream().map(this::summary).toList());
        out.put("nextCursor", page.nextCursor());
        return out;
    }

    private Map<String, Object> view(TenantContext caller, String jobId) {
        JobStore.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        Map<String, Object> out = summary(job);
        out.put("files", store.files(caller.companyId(), jobId).stream().map(f -> fileView(f, true)).toList());
        return out;
    }

    private Map<String, Object> cancel(TenantContext caller, String jobId) {
        JobStore.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        if (store.files(caller.companyId(), jobId).stream().allMatch(f -> f.state().terminal())) {
            throw new ApiException(409, "job_finished", "This job has finished (" + job.state() + "): there is nothing left to cancel.");
        }
        pipeline.cancel(caller.companyId(), jobId, caller.email().isBlank() ? caller.userId() : caller.email());
        return view(caller, jobId);
    }

    private Map<String, Object> summary(JobStore.Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.jobId());
        out.put("name", job.name());
        out.put("state", job.state());
        out.put("quality", job.quality());
        out.put("costPerFile", job.costPerFile());
        out.put("cost", job.cost());
        out.put("createdAt", job.createdAt());
        out.put("updatedAt", job.updatedAt());
        out.put("createdBy", job.createdBy());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("files", job.files());
        counts.put("uploaded", job.uploaded());
        counts.put("done", job.done());
        counts.put("failed", job.failed());
        counts.put("cancelled", job.cancelled());
        out.put("counts", counts);
        return out;
    }

    private Map<String, Object> fileView(JobFile file, boolean withResult) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fileId", file.fileId());
        out.put("name", file.name());
        out.put("contentType", file.contentType());
        out.put("size", file.size());
        out.put("state", file.state().name());
        out.put("reason", file.reason());
        out.put("cost", file.cost());
        if (file.width() != null) {
            out.put("width", file.width());
            out.put("height", file.height());
        }
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("createdAt", file.createdAt());
        times.put("uploadedAt", file.uploadedAt());
        times.put("submittedAt", file.submittedAt());
        times.put("completedAt", file.completedAt());
        out.put("times", times);
        if (file.state() == FileState.DONE) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("faces", file.faces());
            model.put("vertices", file.vertices());
            model.put("bytes", file.glbBytes());
            model.put("generator", file.model());
            out.put("model", model);
            if (withResult) {
                var get = presigner.presignGetObject(p -> p.signatureDuration(limits.resultUrlTtl())
                        .getObjectRequest(g -> g.bucket(resultsBucket).key(file.resultKey())));
                out.put("result", Map.of("url", get.url().toString(), "expiresAt", get.expiration().toString()));
            }
        }
        return out;
    }

    private static String jobId(String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw ApiException.notFound("Job " + id);
        }
        return id;
    }
}
