package com.image2model.platform;

import java.util.Map;
import java.util.Optional;

/**
 * Configuration read from environment variables (the names used in template.yaml).
 *
 * <p>A JVM system property of the same name wins over the environment: the devstack runs many
 * functions in one JVM and cannot give each its own environment. Every default is the value
 * the devstack creates, so a function started with no configuration talks to the local stack.
 */
public final class Settings {

    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String UPLOADS_BUCKET = "UPLOADS_BUCKET";
    public static final String RESULTS_BUCKET = "RESULTS_BUCKET";
    public static final String JOBS_QUEUE_URL = "JOBS_QUEUE_URL";
    public static final String JOBS_DLQ_URL = "JOBS_DLQ_URL";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String S3_FORCE_PATH_STYLE = "S3_FORCE_PATH_STYLE";
    public static final String HEALTH_TIMEOUT_MILLIS = "HEALTH_TIMEOUT_MILLIS";
    public static final String USER_POOL_ID = "USER_POOL_ID";
    public static final String FREE_MAIL_DOMAINS = "FREE_MAIL_DOMAINS";
    public static final String BLOCKED_EMAIL_DOMAINS = "BLOCKED_EMAIL_DOMAINS";
    public static final String LOW_BALANCE_THRESHOLD = "LOW_BALANCE_THRESHOLD";
    public static final String NOTIFY_FROM = "NOTIFY_FROM";
    public static final String JOBS_MAX_FILES = "JOBS_MAX_FILES";
    public static final String JOBS_MAX_FILE_BYTES = "JOBS_MAX_FILE_BYTES";
    public static final String JOBS_UPLOAD_WINDOW_SECONDS = "JOBS_UPLOAD_WINDOW_SECONDS";
    public static final String JOBS_HOLD_GRACE_SECONDS = "JOBS_HOLD_GRACE_SECONDS";
    public static final String JOBS_RESULT_URL_SECONDS = "JOBS_RESULT_URL_SECONDS";
    public static final String JOBS_MAX_RECEIVES = "JOBS_MAX_RECEIVES";
    public static final String IMAGE_MIN_SIDE = "IMAGE_MIN_SIDE";
    public static final String IMAGE_MAX_SIDE = "IMAGE_MAX_SIDE";
    public static final String IMAGE_MAX_PIXELS = "IMAGE_MAX_PIXELS";
    public static final String STRIPE_SECRET_KEY = "STRIPE_SECRET_KEY";
    public static final String STRIPE_API_BASE = "STRIPE_API_BASE";
    public static final String STRIPE_WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET";
    public static final String SITE_ORIGIN = "SITE_ORIGIN";
    public static final String FAL_QUEUE_URL = "FAL_QUEUE_URL";
    public static final String FAL_KEY = "FAL_KEY";
    public static final String FAL_JWKS_URL = "FAL_JWKS_URL";
    public static final String FAL_WEBHOOK_URL = "FAL_WEBHOOK_URL";
    public static final String FAL_IMAGE_URL_SECONDS = "FAL_IMAGE_URL_SECONDS";
    public static final String FAL_POLL_AFTER_SECONDS = "FAL_POLL_AFTER_SECONDS";
    public static final String FAL_POLL_EVERY_SECONDS = "FAL_POLL_EVERY_SECONDS";
    public static final String FAL_MAX_WAIT_SECONDS = "FAL_MAX_WAIT_SECONDS";
    public static final String FAL_MAX_GLB_BYTES = "FAL_MAX_GLB_BYTES";
    public static final String FAL_RETRY_ATTEMPTS = "FAL_RETRY_ATTEMPTS";
    public static final String FAL_RETRY_BASE_MILLIS = "FAL_RETRY_BASE_MILLIS";

    /** What the devstack creates from template.yaml with stack name image2model and stage dev. */
    public static final Map<String, String> DEVSTACK_DEFAULTS = Map.ofEntries(
            Map.entry(USER_POOL_ID, "us-east-1_devstack"),
            Map.entry(FREE_MAIL_DOMAINS, com.image2model.company.SignUpPolicy.DEFAULT_FREE_MAIL),
            Map.entry(BLOCKED_EMAIL_DOMAINS, com.image2model.company.SignUpPolicy.DEFAULT_BLOCKED),
            Map.entry(LOW_BALANCE_THRESHOLD, "70"),
            Map.entry(NOTIFY_FROM, "Image2Model <no-reply@image2model.dev>"),
            Map.entry(TABLE_NAME, "image2model-dev"),
            Map.entry(UPLOADS_BUCKET, "image2model-dev-uploads-000000000000"),
            Map.entry(RESULTS_BUCKET, "image2model-dev-results-000000000000"),
            Map.entry(JOBS_QUEUE_URL, "http://localhost:9324/000000000000/image2model-dev-jobs"),
            Map.entry(JOBS_DLQ_URL, "http://localhost:9324/000000000000/image2model-dev-jobs-dlq"),
            Map.entry(AWS_REGION, "us-east-1"),
            Map.entry(HEALTH_TIMEOUT_MILLIS, "2000"),
            Map.entry(JOBS_MAX_FILES, "100"),
            Map.entry(JOBS_MAX_FILE_BYTES, "20971520"),
            Map.entry(JOBS_UPLOAD_WINDOW_SECONDS, "900"),
            Map.entry(JOBS_HOLD_GRACE_SECONDS, "300"),
            Map.entry(JOBS_RESULT_URL_SECONDS, "900"),
            Map.entry(JOBS_MAX_RECEIVES, "5"),
            Map.entry(IMAGE_MIN_SIDE, "64"),
            Map.entry(IMAGE_MAX_SIDE, "8192"),
            Map.entry(IMAGE_MAX_PIXELS, "40000000"),
            // The devstack's FAL stand-in (devstack/ FalStandIn) and its HTTP front.
            Map.entry(FAL_QUEUE_URL, "http://localhost:9090"),
            Map.entry(FAL_KEY, "devstack-fal-key"),
            Map.entry(FAL_JWKS_URL, "http://localhost:9090/.well-known/jwks.json"),
            Map.entry(FAL_WEBHOOK_URL, "http://localhost:8080/webhooks/fal"),
            Map.entry(FAL_IMAGE_URL_SECONDS, "21600"),
            Map.entry(FAL_POLL_AFTER_SECONDS, "600"),
            Map.entry(FAL_POLL_EVERY_SECONDS, "300"),
            Map.entry(FAL_MAX_WAIT_SECONDS, "7200"),
            Map.entry(FAL_MAX_GLB_BYTES, "104857600"),
            Map.entry(FAL_RETRY_ATTEMPTS, "3"),
            Map.entry(FAL_RETRY_BASE_MILLIS, "250"),
            // The devstack's Stripe stand-in (test mode) and the web app's origin.
            Map.entry(STRIPE_SECRET_KEY, "sk_test_devstack"),
            Map.entry(STRIPE_API_BASE, "http://localhost:12111"),
            Map.entry(STRIPE_WEBHOOK_SECRET, "whsec_devstack"),
            Map.entry(SITE_ORIGIN, "http://localhost:8080"));


    private Settings() {
    }

    public static Optional<String> find(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public static String get(String name) {
        return find(name).orElseGet(() -> {
            String fallback = DEVSTACK_DEFAULTS.get(name);
            if (fallback == null) {
                throw new IllegalStateException("Missing configuration: set the environment variable " + name);
            }
            return fallback;
        });
    }

    public static long getLong(String name) {
        String value = get(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    public static java.time.Duration getSeconds(String name) {
        return java.time.Duration.ofSeconds(getLong(name));
    }

    public static int getInt(String name) {
        String value = get(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    /**
     * The endpoint override for one AWS service, as the SDK's own variables name it:
     * AWS_ENDPOINT_URL_DYNAMODB (service specific) before AWS_ENDPOINT_URL (all services).
     * Empty on AWS, where the SDK finds the regional endpoint itself.
     */
    public static Optional<String> endpointFor(String serviceId) {
        return find("AWS_ENDPOINT_URL_" + serviceId).or(() -> find("AWS_ENDPOINT_URL"));
    }
}
