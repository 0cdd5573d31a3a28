package com.image2model.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.models.Exports;
import com.image2model.models.GlbModel;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Csv;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import tools.jackson.databind.JsonNode;

/**
 * "Download all": a job's models in one ZIP ({@code models.zip}: each model in the chosen format,
 * its picture, and {@code manifest.csv} with every file's input name, output, faces, credits,
 * state and reason), built model by model into the function's temporary disk and stored under
 * the company's prefix, so a batch of hundreds of models never sits in memory. A ZIP built after
 * the job's last change is reused.
 */
public final class Archives {

    private static final Logger LOG = LoggerFactory.getLogger(Archives.class);
    private static final Duration LINK = Duration.ofHours(1);

    private final JobStore store;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String resultsBucket;

    public Archives(JobStore store, S3Client s3, S3Presigner presigner, String resultsBucket) {
        this.store = store;
        this.s3 = s3;
        this.presigner = presigner;
        this.resultsBucket = resultsBucket;
    }

    public Map<String, MemberRoutes.Route> routes() {
        return Map.of("POST /jobs/{id}/archive", (caller, event) -> ApiResponses.json(200, archive(caller, MemberRoutes.pathId(event),
                ApiRequests.jsonBody(event))));
    }

    static String key(Jobs.Job job, Exports.Format format) {
        return "results/" + job.companyId() + "/" + job.jobId() + "/models-" + format.name().toLowerCase() + ".zip";
    }

    private Map<String, Object> archive(TenantContext caller, String jobId, JsonNode body) {
        if (jobId == null || !JobsApi.JOB_ID.matcher(jobId).matches()) {
            throw ApiException.notFound("Job " + jobId);
        }
        Jobs.Job job = store.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        String asked = body == null ? null : ApiRequests.optionalText(body, "format", "format");
        Exports.Format format = Exports.Format.named(asked == null ? "glb" : asked);
        if (format == null || format == Exports.Format.WIREFRAME) {
            throw ApiException.badRequest("invalid_format", "format must be one of glb, obj, stl, usdz, fbx.");
        }
        if (job.done() == 0) {
            throw new ApiException(409, "nothing_to_download", "No model of this job is ready yet.");
        }
        String key = key(job, format);
        String name = (job.name() == null ? "models" : job.name().replaceAll("[^A-Za-z0-9._ -]", "_")) + " (" + format.name().toLowerCase()
                + ").zip";
        if (!fresh(key, job)) {
            build(job, format, key, name);
        }
        return ModelDownloads.attachment(presigner, resultsBucket, key, format.name().toLowerCase(), name, "application/zip", LINK);
    }

    /** Whether a ZIP exists that was built after the job's last change (a file finishing, a rename). */
    private boolean fresh(String key, Jobs.Job job) {
        return com.image2model.platform.S3Objects.head(s3, resultsBucket, key).map(head -> head.metadata().get("job-updated-at"))
                .filter(builtFor -> builtFor.equals(String.valueOf(job.updatedAt()))).isPresent();
    }

    private void build(Jobs.Job job, Exports.Format format, String key, String name) {
        Path file = null;
        try {
            file = Files.createTempFile("models-", ".zip");
            List<List<Object>> manifest = new ArrayList<>();
            try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Jobs.JobFile model : store.files(job.companyId(), job.jobId())) {
                    String output = "";
                    String reason = model.reason() == null ? "" : model.reason();
                    if (model.state() == Jobs.FileState.DONE) {
                        // One model at a time in memory: read, convert, write into the ZIP, let go.
                        byte[] glb = s3.getObjectAsBytes(g -> g.bucket(resultsBucket).key(model.resultKey())).asByteArray();
                        try {
                            byte[] bytes = Exports.convert(glb, format, ModelDownloads.quads(model));
                            output = entryName(model, format.extension());
                            put(zip, output, bytes);
                        } catch (GlbModel.Unreadable e) {
                            reason = "Not converted to " + format.name() + ": " + e.getMessage();
                        }
                        if (model.thumbnailKey() != null && model.thumbnailKey().startsWith("results/" + job.companyId() + "/")) {
                            put(zip, "pictures/" + entryName(model, "png"),
                                    s3.getObjectAsBytes(g -> g.bucket(resultsBucket).key(model.thumbnailKey())).asByteArray());
                        }
                    }
                    manifest.add(List.of(model.name() == null ? "" : model.name(), output, model.faces() == null ? "" : model.faces(),
                            model.state() == Jobs.FileState.DONE ? model.cost() : 0, model.state().name().toLowerCase(), reason));
                }
                put(zip, "manifest.csv", Csv.table(List.of("input", "output", "faces", "credits", "state", "reason"), manifest)
                        .getBytes(StandardCharsets.UTF_8));
            }
            Path built = file;
            s3.putObject(p -> p.bucket(resultsBucket).key(key).contentType("application/zip")
                    .contentDisposition("attachment; filename=\"" + name + "\"")
                    .metadata(Map.of("job", job.jobId(), "job-updated-at", String.valueOf(job.updatedAt()))), RequestBody.fromFile(built));
            LOG.info("Archive {} built: {} files, {} bytes", key, manifest.size(), Files.size(built));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // /tmp is the function's own and is cleaned with it.
                }
            }
        }
    }

    /** The file's id and image name with the output's ending: unique, and still readable. */
    private static String entryName(Jobs.JobFile model, String extension) {
        String base = model.name() == null ? model.fileId() : model.name().replaceAll("\\.[A-Za-z0-9]{1,5}$", "");
        return model.fileId() + "-" + base.replaceAll("[^A-Za-z0-9._ -]", "_") + "." + extension;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
