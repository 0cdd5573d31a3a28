package com.image2model.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.models.Exports;
import com.image2model.models.GlbModel;
import com.image2model.platform.ApiException;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A finished model as a download in the format asked for: the GLB as stored, or its conversion,
 * kept beside it under the company's prefix once made, so every later request only signs. A GLB
 * up to the inline limit is converted within the request ({@link Exports}, milliseconds for the
 * models made here); a larger one is handed to the worker ({@link Conversions}) and the request
 * answers 202 {@code converting} until it is kept. The link lives as long as the person chooses,
 * within {@link #MAX_TTL}.
 */
public final class ModelDownloads {

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);
    /** When a client asked to wait should ask again. */
    static final int RETRY_AFTER_SECONDS = 3;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelDownloads.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String resultsBucket;
    private final Conversions conversions;
    private final long inlineMaxBytes;

    public ModelDownloads(S3Client s3, S3Presigner presigner, String resultsBucket, Conversions conversions, long inlineMaxBytes) {
        this.s3 = s3;
        this.presigner = presigner;
        this.resultsBucket = resultsBucket;
        this.conversions = conversions;
        this.inlineMaxBytes = inlineMaxBytes;
    }

    /** The key of the model in {@code format}: the GLB itself, or its conversion beside it. */
    static String key(Jobs.JobFile file, Exports.Format format) {
        return format == Exports.Format.GLB ? file.resultKey()
                : "results/" + file.companyId() + "/" + file.jobId() + "/" + file.fileId() + "." + format.extension();
    }

    /** The name a download is saved under: the image's name, its extension replaced by the format's. */
    static String fileName(Jobs.JobFile file, Exports.Format format) {
        String base = file.name() == null ? "model" : file.name().replaceAll("\\.[A-Za-z0-9]{1,5}$", "");
        return base.replaceAll("[^A-Za-z0-9._ -]", "_") + "." + format.extension();
    }

    /** The download's link ({@code format, fileName, url, expiresAt}), or, while a big model converts, {@code state: converting}. */
    public Map<String, Object> download(Jobs.JobFile file, Exports.Format format, Duration ttl) {
        if (file.state() != Jobs.FileState.DONE) {
            throw new ApiException(409, "model_not_ready", "This model is not ready yet: downloads open once it is made.");
        }
        String key = key(file, format);
        String name = fileName(file, format);
        // The GLB is the stored model itself: nothing to look up or convert.
        if (format != Exports.Format.GLB && !com.image2model.platform.S3Objects.exists(s3, resultsBucket, key)) {
            if (file.glbBytes() != null && file.glbBytes() > inlineMaxBytes) {
                return later(file, format, name);
            }
            convert(file, format);
        }
        return attachment(presigner, resultsBucket, key, format.name().toLowerCase(), name, format.mediaType(), ttl);
    }

    /** A big model's conversion: asked of the worker once; 422 at once when it was tried and cannot be made. */
    private Map<String, Object> later(Jobs.JobFile file, Exports.Format format, String name) {
        Conversions.Request request = new Conversions.Request(file.companyId(), file.jobId(), file.fileId(), format);
        conversions.failure(request).ifPresent(message -> {
            throw new ApiException(422, "not_convertible", message);
        });
        if (conversions.request(request)) {
            LOG.info("Conversion of {}/{} to {} queued ({} bytes)", file.jobId(), file.fileId(), format, file.glbBytes());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", format.name().toLowerCase());
        out.put("fileName", name);
        out.put("state", "converting");
        out.put("retryAfterSeconds", RETRY_AFTER_SECONDS);
        out.put("message", "This model is large: its " + format.name() + " file is being made. Ask again in a few seconds.");
        return out;
    }

    /** Whether the model was asked for as quads (its OBJ and FBX get four-sided faces). */
    static boolean quads(Jobs.JobFile file) {
        return file.options() != null && file.options().topology() == com.image2model.generation.ModelOptions.Topology.QUADS;
    }

    /** Makes the conversion from the stored GLB and keeps it beside it. */
    private void convert(Jobs.JobFile file, Exports.Format format) {
        byte[] glb = s3.getObjectAsBytes(g -> g.bucket(resultsBucket).key(file.resultKey())).asByteArray();
        byte[] converted;
        try {
            converted = Exports.convert(glb, format, quads(file));
        } catch (GlbModel.Unreadable e) {
            throw notConvertible(format, e.getMessage());
        }
        s3.putObject(p -> p.bucket(resultsBucket).key(key(file, format)).contentType(format.mediaType())
                .contentDisposition("attachment; filename=\"" + fileName(file, format) + "\"")
                .metadata(Map.of("job", file.jobId(), "file", file.fileId(), "from", "glb")), RequestBody.fromBytes(converted));
    }

    /**
     * The worker's part: makes a queued conversion of a finished model of the company (one that is
     * not, or not any more, is dropped), or remembers why it cannot be made.
     */
    public void convertQueued(Conversions.Request request, JobStore jobs) {
        com.image2model.platform.LogKeys.job(request.companyId(), request.jobId(), request.fileId());
        Jobs.JobFile file = jobs.file(request.companyId(), request.jobId(), request.fileId()).orElse(null);
        if (file == null || file.state() != Jobs.FileState.DONE) {
            LOG.warn("Conversion of {}/{} dropped: no finished model", request.jobId(), request.fileId());
            conversions.done(request);
            return;
        }
        if (!com.image2model.platform.S3Objects.exists(s3, resultsBucket, key(file, request.format()))) {
            try {
                convert(file, request.format());
            } catch (ApiException unconvertible) {
                conversions.failed(request, unconvertible.getMessage());
                LOG.warn("Conversion of {}/{} to {} cannot be made", request.jobId(), request.fileId(), request.format());
                return;
            }
        }
        conversions.done(request);
        LOG.info("Conversion of {}/{} to {} made", request.jobId(), request.fileId(), request.format());
    }

    private static ApiException notConvertible(Exports.Format format, String why) {
        return new ApiException(422, "not_convertible", "This model cannot be converted to " + format.name() + ": " + why
                + ". The GLB download still works.");
    }

    /** A GET link to {@code key} that saves as {@code name}: the answer of every download route ({@code format, fileName, url, expiresAt}). */
    static Map<String, Object> attachment(S3Presigner presigner, String bucket, String key, String format, String name, String mediaType,
                                          Duration ttl) {
        var get = presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)
                .responseContentDisposition("attachment; filename=\"" + name + "\"").responseContentType(mediaType)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", format);
        out.put("fileName", name);
        out.put("url", get.url().toString());
        out.put("expiresAt", get.expiration().toString());
        return out;
    }

    /** The GLB signed for viewing in a page (no download prompt), for {@code ttl}. */
    public Map<String, Object> view(Jobs.JobFile file, Duration ttl) {
        var get = presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(resultsBucket).key(file.resultKey())));
        return Map.of("url", get.url().toString(), "expiresAt", get.expiration().toString());
    }
}
