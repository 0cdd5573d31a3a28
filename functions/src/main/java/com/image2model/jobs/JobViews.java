package com.image2model.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.image2model.generation.ViewRole;

import com.image2model.jobs.Jobs.FileState;
import com.image2model.jobs.Jobs.JobFile;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/** Jobs and files as the API shows them, with the presigned URLs to upload an image and fetch its model. */
public final class JobViews {

    private static final tools.jackson.databind.json.JsonMapper REPORTS = tools.jackson.databind.json.JsonMapper.builder().build();

    private final S3Presigner presigner;
    private final String uploadsBucket;
    private final String resultsBucket;
    private final Duration uploadWindow;
    private final Duration resultUrlTtl;

    public JobViews(S3Presigner presigner, String uploadsBucket, String resultsBucket, Duration uploadWindow, Duration resultUrlTtl) {
        this.presigner = presigner;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
        this.uploadWindow = uploadWindow;
        this.resultUrlTtl = resultUrlTtl;
    }

    /**
     * A new file's view with its upload: a PUT signed for its type and size, valid for the upload
     * window, that writes once: S3's conditional write ({@code If-None-Match: *}, signed in) refuses a
     * second PUT with 412, so the image that was checked is the image FAL reads.
     */
    Map<String, Object> withUpload(JobFile file) {
        Map<String, Object> entry = fileView(file, false);
        entry.put("upload", upload(file.uploadKey(), file.contentType(), file.size()));
        if (file.viewCount() > 1) {
            // A model of several views: each view is its own upload (the front's is the file's own, above).
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> shown = (List<Map<String, Object>>) entry.get("views");
            for (Map<String, Object> view : shown) {
                ViewRole role = ViewRole.of(String.valueOf(view.get("role")));
                Jobs.View other = file.view(role);
                view.put("upload", role == ViewRole.FRONT ? entry.get("upload")
                        : upload(file.uploadKey(role), other.contentType(), other.size()));
            }
        }
        return entry;
    }

    private Map<String, Object> upload(String key, String contentType, long size) {
        PresignedPutObjectRequest put = presigner.presignPutObject(p -> p.signatureDuration(uploadWindow)
                .putObjectRequest(r -> r.bucket(uploadsBucket).key(key).contentType(contentType)
                        .contentLength(size).ifNoneMatch("*")));
        Map<String, Object> upload = new LinkedHashMap<>();
        upload.put("method", "PUT");
        upload.put("url", put.url().toString());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Length", String.valueOf(size));
        headers.put("If-None-Match", "*");
        upload.put("headers", headers);
        upload.put("expiresAt", put.expiration().toString());
        return upload;
    }

    /**
     * A GET URL for one of the company's results (a model or its picture), valid for the result URL
     * time; null for a key outside the company's results prefix, which is never signed.
     */
    public Map<String, Object> signed(String companyId, String key) {
        if (key == null || !key.startsWith("results/" + companyId + "/")) {
            return null;
        }
        var get = presigner.presignGetObject(p -> p.signatureDuration(resultUrlTtl).getObjectRequest(g -> g.bucket(resultsBucket).key(key)));
        return Map.of("url", get.url().toString(), "expiresAt", get.expiration().toString());
    }

    Map<String, Object> summary(JobStore.Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.jobId());
        Map<String, Object> cover = signed(job.companyId(), job.coverKey());
        if (cover != null) {
            // The first finished model's picture: the jobs list and the home page show it.
            out.put("cover", cover);
        }
        out.put("name", job.name());
        out.put("state", job.state());
        out.put("quality", job.quality());
        if (job.options() != null) {
            out.put("options", job.options().toMap());
        }
        out.put("projectId", job.projectId());
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

    /** A view of a model of several views: its role, its image, and whether it has arrived and been checked. */
    private static Map<String, Object> viewOf(ViewRole role, String name, String contentType, long size, JobFile file) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role.word());
        out.put("name", name);
        out.put("contentType", contentType);
        out.put("size", size);
        out.put("checked", file.viewsChecked().contains(role) || file.uploadedAt() != null);
        return out;
    }

    Map<String, Object> fileView(JobFile file, boolean withResult) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fileId", file.fileId());
        out.put("name", file.name());
        out.put("contentType", file.contentType());
        out.put("size", file.size());
        out.put("state", file.state().name());
        if (file.state() == FileState.UPLOADED) {
            // Checked, and waiting for a FAL slot (its turn comes round robin across companies).
            out.put("queued", file.queued());
        }
        out.put("reason", file.reason());
        out.put("cost", file.cost());
        if (file.options() != null) {
            out.put("options", file.options().toMap());
        }
        if (file.viewCount() > 1) {
            List<Map<String, Object>> shown = new ArrayList<>();
            shown.add(viewOf(ViewRole.FRONT, file.name(), file.contentType(), file.size(), file));
            file.otherViews().forEach(v -> shown.add(viewOf(v.role(), v.name(), v.contentType(), v.size(), file)));
            out.put("views", shown);
        }
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
            if (file.report() != null) {
                model.put("quality", REPORTS.readValue(file.report(), Map.class));
            }
            out.put("model", model);
            if (file.reviewDecision() != null) {
                out.put("review", Map.of("decision", file.reviewDecision(), "comment", file.reviewComment() == null ? "" : file.reviewComment(),
                        "at", file.reviewAt() == null ? "" : file.reviewAt()));
            }
            Map<String, Object> thumbnail = withResult ? signed(file.companyId(), file.thumbnailKey()) : null;
            if (thumbnail != null) {
                out.put("thumbnail", thumbnail);
            }
            if (withResult) {
                var get = presigner.presignGetObject(p -> p.signatureDuration(resultUrlTtl)
                        .getObjectRequest(g -> g.bucket(resultsBucket).key(file.resultKey())));
                out.put("result", Map.of("url", get.url().toString(), "expiresAt", get.expiration().toString()));
            }
        }
        return out;
    }
}
