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
 * made on the first request from the stored GLB ({@link Exports}, milliseconds for the models
 * made here) and kept beside it under the company's prefix, so every later request only signs.
 * The link lives as long as the person chooses, within {@link #MAX_TTL}.
 */
public final class ModelDownloads {

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String resultsBucket;

    public ModelDownloads(S3Client s3, S3Presigner presigner, String resultsBucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.resultsBucket = resultsBucket;
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

    public Map<String, Object> download(Jobs.JobFile file, Exports.Format format, Duration ttl) {
        if (file.state() != Jobs.FileState.DONE) {
            throw new ApiException(409, "model_not_ready", "This model is not ready yet: downloads open once it is made.");
        }
        String key = key(file, format);
        String name = fileName(file, format);
        // The GLB is the stored model itself: nothing to look up or convert.
        if (format != Exports.Format.GLB && !com.image2model.platform.S3Objects.exists(s3, resultsBucket, key)) {
            byte[] glb = s3.getObjectAsBytes(g -> g.bucket(resultsBucket).key(file.resultKey())).asByteArray();
            byte[] converted;
            try {
                converted = Exports.convert(glb, format);
            } catch (GlbModel.Unreadable e) {
                throw new ApiException(422, "not_convertible", "This model cannot be converted to " + format.name() + ": " + e.getMessage()
                        + ". The GLB download still works.");
            }
            s3.putObject(p -> p.bucket(resultsBucket).key(key).contentType(format.mediaType())
                    .contentDisposition("attachment; filename=\"" + name + "\"")
                    .metadata(Map.of("job", file.jobId(), "file", file.fileId(), "from", "glb")), RequestBody.fromBytes(converted));
        }
        return attachment(presigner, resultsBucket, key, format.name().toLowerCase(), name, format.mediaType(), ttl);
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
