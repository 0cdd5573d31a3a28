package com.image2model.devstack.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.image2model.devstack.aws.AwsFront;

/**
 * What one S3 request (path style: {@code /bucket/key}) asks IAM for, as S3 authorizes it: the
 * object actions on {@code arn:aws:s3:::bucket/key}, the bucket actions on {@code arn:aws:s3:::bucket};
 * a copy also reads its source, a multi-object delete deletes each of its keys. A presigned URL is
 * its signer's request: its token is in the query string.
 */
public final class S3Access {

    private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

    private S3Access() {
    }

    /** The session token of the request: the header, or a presigned URL's query parameter. */
    public static String sessionToken(AwsFront.Request request) {
        String header = request.header("x-amz-security-token");
        if (header != null) {
            return header;
        }
        for (String pair : request.query().split("&")) {
            if (pair.startsWith("X-Amz-Security-Token=")) {
                return URLDecoder.decode(pair.substring("X-Amz-Security-Token=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * The S3 front's check: each request's accesses asked of IAM, a refusal answered as S3 does. A
     * browser's CORS preflight carries no credentials of its own: S3 answers it by the bucket's CORS rules.
     */
    public static AwsFront.Check check(Iam iam) {
        return check(iam, new java.util.concurrent.atomic.AtomicReference<>());
    }

    /**
     * As above; {@code urlLifetime} (null inside: off) is how long a presigned URL lives at most,
     * whatever its X-Amz-Expires says: on Lambda a URL signed with the role's temporary credentials
     * dies with that session, which can be long before the expiry it was signed for. S3 then answers
     * 403 "Request has expired".
     */
    public static AwsFront.Check check(Iam iam, java.util.concurrent.atomic.AtomicReference<java.time.Duration> urlLifetime) {
        return new AwsFront.Check() {
            @Override
            public boolean needsBody(String method, String path, String query, java.util.Map<String, String> headers) {
                return isMultiDelete(method, query);
            }

            @Override
            public java.util.Optional<AwsFront.Refusal> check(AwsFront.Request request) {
                if (request.method().equals("OPTIONS")) {
                    return java.util.Optional.empty();
                }
                java.time.Duration lifetime = urlLifetime.get();
                if (lifetime != null && expired(request.query(), lifetime, java.time.Instant.now())) {
                    return java.util.Optional.of(refusal("Request has expired"));
                }
                return iam.denial(sessionToken(request), of(request)).map(S3Access::refusal);
            }
        };
    }

    /** Whether a presigned URL's query is past min(its X-Amz-Expires, {@code lifetime}) since its X-Amz-Date; false for other requests. */
    static boolean expired(String query, java.time.Duration lifetime, java.time.Instant now) {
        String date = null;
        long expires = Long.MAX_VALUE;
        for (String pair : query.split("&")) {
            if (pair.startsWith("X-Amz-Date=")) {
                date = URLDecoder.decode(pair.substring("X-Amz-Date=".length()), StandardCharsets.UTF_8);
            } else if (pair.startsWith("X-Amz-Expires=")) {
                try {
                    expires = Long.parseLong(pair.substring("X-Amz-Expires=".length()));
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        if (date == null || !query.contains("X-Amz-Signature=")) {
            return false;
        }
        java.time.Instant signed;
        try {
            signed = java.time.LocalDateTime.parse(date, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                    .toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
        return now.isAfter(signed.plusSeconds(Math.min(expires, lifetime.toSeconds())));
    }

    /** Whether the request is a multi-object delete (its body names the keys). */
    public static boolean isMultiDelete(String method, String query) {
        return method.equals("POST") && (query.equals("delete") || query.startsWith("delete&") || query.contains("&delete"));
    }

    public static List<Iam.Access> of(AwsFront.Request request) {
        String path = request.path().startsWith("/") ? request.path().substring(1) : request.path();
        int slash = path.indexOf('/');
        String bucket = decode(slash < 0 ? path : path.substring(0, slash));
        String key = slash < 0 || slash == path.length() - 1 ? null : decode(path.substring(slash + 1));
        String method = request.method().toUpperCase(Locale.ROOT);
        String query = request.query();
        List<Iam.Access> out = new ArrayList<>();
        if (bucket.isEmpty()) {
            out.add(new Iam.Access("s3:ListAllMyBuckets", "*"));
            return out;
        }
        String bucketArn = "arn:aws:s3:::" + bucket;
        if (key == null) {
            if (isMultiDelete(method, query)) {
                String body = request.body() == null ? "" : new String(request.body(), StandardCharsets.UTF_8);
                Matcher m = DELETE_KEY.matcher(body);
                while (m.find()) {
                    out.add(new Iam.Access("s3:DeleteObject", bucketArn + "/" + xmlText(m.group(1))));
                }
                return out;
            }
            out.add(new Iam.Access(bucketAction(method, query), bucketArn));
            return out;
        }
        String objectArn = bucketArn + "/" + key;
        switch (method) {
            case "GET", "HEAD" -> out.add(new Iam.Access("s3:GetObject", objectArn));
            case "PUT", "POST" -> {
                out.add(new Iam.Access("s3:PutObject", objectArn));
                String source = request.header("x-amz-copy-source");
                if (source != null) {
                    String decoded = decode(source.startsWith("/") ? source.substring(1) : source);
                    out.add(new Iam.Access("s3:GetObject", "arn:aws:s3:::" + decoded.split("\\?")[0]));
                }
            }
            case "DELETE" -> out.add(new Iam.Access(query.contains("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject", objectArn));
            default -> out.add(new Iam.Access("s3:" + method, objectArn));
        }
        return out;
    }

    /** S3's own answer to a denied request. */
    public static AwsFront.Refusal refusal(String message) {
        String requestId = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>" + xmlEscape(message)
                + "</Message><RequestId>" + requestId + "</RequestId><HostId>devstack</HostId></Error>";
        return new AwsFront.Refusal(403, "Forbidden", "application/xml", java.util.Map.of("x-amz-request-id", requestId), body);
    }

    private static String bucketAction(String method, String query) {
        String sub = query.split("[&=]")[0];
        return switch (method) {
            case "GET" -> switch (sub) {
                case "location" -> "s3:GetBucketLocation";
                case "cors" -> "s3:GetBucketCORS";
                case "notification" -> "s3:GetBucketNotification";
                case "lifecycle" -> "s3:GetLifecycleConfiguration";
                case "versioning" -> "s3:GetBucketVersioning";
                case "uploads" -> "s3:ListBucketMultipartUploads";
                default -> "s3:ListBucket";
            };
            case "HEAD" -> "s3:ListBucket";
            case "PUT" -> switch (sub) {
                case "cors" -> "s3:PutBucketCORS";
                case "notification" -> "s3:PutBucketNotification";
                case "lifecycle" -> "s3:PutLifecycleConfiguration";
                case "versioning" -> "s3:PutBucketVersioning";
                default -> "s3:CreateBucket";
            };
            case "DELETE" -> "s3:DeleteBucket";
            default -> "s3:" + method + "Bucket";
        };
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String xmlText(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
