package com.image2model.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.credits.Catalog;
import com.image2model.jobs.Jobs.JobFile;
import com.image2model.models.Exports;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.projects.ProjectStore;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

/** The jobs routes: POST /jobs, GET /jobs, GET /jobs/{id}, DELETE /jobs/{id}. */
public final class JobsApi {

    static final Pattern JOB_ID = Pattern.compile("j[0-9a-f]{19}");
    static final Pattern FILE_ID = Pattern.compile("f[0-9]{3}");
    static final int PAGE = 20;

    /** Limits from the configuration. */
    public record Limits(int maxFiles, long maxFileBytes, Duration uploadWindow, Duration holdGrace, Duration resultUrlTtl) {
    }

    private final JobStore store;
    private final Pipeline pipeline;
    private final Catalog catalog;
    private final Limits limits;
    private final JobViews views;
    private final JobSubmissions submissions;

    public JobsApi(JobStore store, Pipeline pipeline, Catalog catalog, Limits limits, JobViews views, JobSubmissions submissions,
                   ModelDownloads downloads, ProjectStore projects) {
        this.projects = projects;
        this.downloads = downloads;
        this.store = store;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.limits = limits;
        this.views = views;
        this.submissions = submissions;
    }

    private final ModelDownloads downloads;
    private final ProjectStore projects;

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("POST /jobs", (caller, event) -> {
            Map<String, Object> job = submissions.submit(caller,
                    JobRequest.read(ApiRequests.jsonBody(event), catalog, limits.maxFiles(), limits.maxFileBytes()),
                    ApiRequests.header(event.getHeaders(), "Idempotency-Key"));
            // A repeat of a request already made answers the job it made, as it is now.
            return ApiResponses.json(job.containsKey("idempotentReplay") ? 200 : 201, job);
        });
        routes.put("GET /jobs", (caller, event) -> ApiResponses.json(200, list(caller, ApiRequests.query(event).get("cursor"))));
        routes.put("GET /jobs/{id}/files/{fileId}/download", (caller, event) -> {
            Map<String, Object> answer = download(caller, event);
            // A big model's conversion is being made by the worker: 202, ask again.
            return ApiResponses.json(answer.containsKey("state") ? 202 : 200, answer);
        });
        routes.put("GET /models", (caller, event) -> ApiResponses.json(200, gallery(caller, ApiRequests.query(event))));
        routes.put("GET /jobs/{id}", (caller, event) -> ApiResponses.json(200, view(caller, jobId(MemberRoutes.pathId(event)))));
        routes.put("DELETE /jobs/{id}", (caller, event) -> ApiResponses.json(200, cancel(caller, jobId(MemberRoutes.pathId(event)))));
        routes.put("PATCH /jobs/{id}", (caller, event) -> {
            String jobId = jobId(MemberRoutes.pathId(event));
            String name = JobRequest.name(ApiRequests.jsonBody(event));
            if (name == null) {
                throw ApiException.badRequest("invalid_name", "Send {\"name\": \"...\"}: a name of 1 to 100 characters.");
            }
            if (!store.rename(caller.companyId(), jobId, name)) {
                throw ApiException.notFound("Job " + jobId);
            }
            return ApiResponses.json(200, view(caller, jobId));
        });
        return routes;
    }

    private Map<String, Object> list(TenantContext caller, String cursor) {
        if (cursor != null && !JOB_ID.matcher(cursor).matches()) {
            throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
        }
        JobStore.Page page = store.jobs(caller.companyId(), cursor, PAGE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", page.jobs().stream().map(views::summary).toList());
        out.put("nextCursor", page.nextCursor());
        return out;
    }

    private static final Pattern MODEL_CURSOR = Pattern.compile("[0-9T:.Z-]{10,40}#j[0-9a-f]{1,40}#f[0-9]{1,6}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    static final int GALLERY_PAGE = 24;

    /** GET /models: the gallery, newest first, with each model's picture. */
    private Map<String, Object> gallery(TenantContext caller, Map<String, String> query) {
        String cursor = query.get("cursor");
        if (cursor != null && !MODEL_CURSOR.matcher(cursor).matches()) {
            throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
        }
        String quality = query.get("quality");
        if (quality != null && !"custom".equalsIgnoreCase(quality) && catalog.costPerImage(quality).isEmpty()) {
            throw ApiException.badRequest("invalid_quality", "quality must be one of " + catalog.costs().keySet() + " or custom.");
        }
        String from = day(query.get("from"), "from");
        String to = day(query.get("to"), "to");
        if (from != null && to != null && from.compareTo(to) > 0) {
            throw ApiException.badRequest("invalid_range", "from must not be after to.");
        }
        String project = query.get("project") == null || query.get("project").isBlank() ? null : query.get("project");
        if (project != null && projects.project(caller.companyId(), project).isEmpty()) {
            throw ApiException.notFound("Project " + project);
        }
        JobStore.ModelPage page = store.models(caller.companyId(), cursor, GALLERY_PAGE, quality == null ? null : quality.toLowerCase(),
                project, from, to);
        List<Map<String, Object>> models = new ArrayList<>();
        for (JobStore.Model model : page.models()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("jobId", model.jobId());
            entry.put("fileId", model.fileId());
            entry.put("name", model.name());
            entry.put("quality", model.quality());
            entry.put("completedAt", model.completedAt());
            entry.put("faces", model.faces());
            entry.put("thumbnail", views.signed(caller.companyId(), model.thumbnailKey()));
            models.add(entry);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", models);
        out.put("nextCursor", page.nextCursor());
        return out;
    }

    /** GET /jobs/{id}/files/{fileId}/download?format=glb|obj|stl|usdz|fbx|wireframe&expiresIn=seconds */
    private Map<String, Object> download(TenantContext caller, APIGatewayV2HTTPEvent event) {
        String jobId = jobId(MemberRoutes.pathId(event));
        String fileId = event.getPathParameters() == null ? null : event.getPathParameters().get("fileId");
        Map<String, String> query = ApiRequests.query(event);
        Exports.Format format = Exports.Format.named(query.getOrDefault("format", "glb"));
        if (format == null) {
            throw ApiException.badRequest("invalid_format", "format must be one of glb, obj, stl, usdz, fbx (or wireframe, the viewer's).");
        }
        Duration ttl = ModelDownloads.DEFAULT_TTL;
        String expiresIn = query.get("expiresIn");
        if (expiresIn != null) {
            long seconds;
            try {
                seconds = Long.parseLong(expiresIn.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < ModelDownloads.MIN_TTL.toSeconds() || seconds > ModelDownloads.MAX_TTL.toSeconds()) {
                throw ApiException.badRequest("invalid_expiry", "expiresIn must be whole seconds from 60 (a minute) to 604800 (7 days).");
            }
            ttl = Duration.ofSeconds(seconds);
        }
        if (fileId == null || !FILE_ID.matcher(fileId).matches()) {
            throw ApiException.notFound("Model " + fileId);
        }
        Jobs.JobFile file = store.file(caller.companyId(), jobId, fileId).orElseThrow(() -> ApiException.notFound("Model " + fileId));
        return downloads.download(file, format, ttl);
    }

    private static String day(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!DAY.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_date", name + " must be a date like 2026-12-03.");
        }
        try {
            return java.time.LocalDate.parse(value).toString();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("invalid_date", name + " must be a date like 2026-12-03.");
        }
    }

    /**
     * When a waiting file should be done, at the least: the company's files go one per round of the
     * app's slots, each round a model's typical time (other companies' turns interleave, so a busy
     * hour is slower; the page says "about").
     */
    private long queueEstimate(int position, com.image2model.generation.GenerationPlan plan) {
        int slots = store.slots() == null ? 1 : Math.max(1, store.slots().limits().of(plan.app()));
        long rounds = (position + slots - 1) / slots;
        return (rounds + 1) * plan.typicalSeconds();
    }

    private Map<String, Object> view(TenantContext caller, String jobId) {
        JobStore.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        Map<String, Object> out = views.summary(job);
        List<JobFile> files = store.files(caller.companyId(), jobId);
        Map<JobFile, com.image2model.generation.GenerationPlan> plans = new java.util.HashMap<>();
        files.forEach(f -> plans.put(f, Pipeline.plan(catalog, f, job::quality)));
        out.put("typicalSeconds", job.options() != null ? catalog.models().plan(job.options(), 1).typicalSeconds()
                : catalog.typicalSeconds(job.quality()));
        // Files waiting for a FAL slot say where they stand in the company's line (one read of each app's line).
        Map<String, Integer> positions = new java.util.HashMap<>();
        files.stream().filter(JobFile::queued).map(f -> plans.get(f).app()).distinct()
                .forEach(app -> positions.putAll(store.queuePositions(caller.companyId(), app)));
        out.put("files", files.stream().map(f -> {
            Map<String, Object> view = views.fileView(f, true);
            view.put("typicalSeconds", plans.get(f).typicalSeconds());
            if (f.queued() && positions.containsKey(f.waitSk())) {
                int position = positions.get(f.waitSk());
                view.put("queuePosition", position);
                view.put("queueEstimateSeconds", queueEstimate(position, plans.get(f)));
            }
            return view;
        }).toList());
        return out;
    }

    private Map<String, Object> cancel(TenantContext caller, String jobId) {
        JobStore.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        if (store.files(caller.companyId(), jobId).stream().allMatch(f -> f.state().terminal())) {
            throw new ApiException(409, "job_finished", "This job has finished (" + job.state() + "): there is nothing left to cancel.");
        }
        int finishing = pipeline.cancel(caller.companyId(), jobId, caller.email().isBlank() ? caller.userId() : caller.email());
        Map<String, Object> out = view(caller, jobId);
        out.put("stillFinishing", finishing);
        if (finishing > 0) {
            out.put("message", finishing + (finishing == 1 ? " model was" : " models were") + " already being made and could not be"
                    + " stopped: " + (finishing == 1 ? "it arrives" : "they arrive") + " shortly and " + (finishing == 1 ? "is" : "are")
                    + " charged. Everything else was cancelled and its credits returned.");
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
