package com.image2model.platform;

import java.util.Map;
import java.util.Optional;

/**
 * Configuration read from environment variables (the names used in template.yaml).
 *
 * <p>A JVM system property of the same name wins over the environment: the devstack runs many
 * functions in one JVM and cannot give each its own environment.
 *
 * <p>Fail closed: a setting is either required (no value, or an empty one, stops the function at
 * init with one line naming it) or has a production-safe default below: limits, policies and
 * FAL's public addresses, never one of our resource names, URLs or keys. Secrets are never
 * settings: the environment holds their Secrets Manager ARNs ({@link Secrets}).
 */
public final class Settings {

    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String UPLOADS_BUCKET = "UPLOADS_BUCKET";
    public static final String RESULTS_BUCKET = "RESULTS_BUCKET";
    public static final String JOBS_QUEUE_URL = "JOBS_QUEUE_URL";
    public static final String JOBS_DLQ_URL = "JOBS_DLQ_URL";
    public static final String ERASURE_QUEUE_URL = "ERASURE_QUEUE_URL";
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
    /** The Secrets Manager ARN of Stripe's secret API key (sk_test_... or sk_live_...). */
    public static final String STRIPE_SECRET_KEY_ARN = "STRIPE_SECRET_KEY_ARN";
    /** The Secrets Manager ARN of the signing secret (whsec_...) of the endpoint at /webhooks/stripe. */
    public static final String STRIPE_WEBHOOK_SECRET_ARN = "STRIPE_WEBHOOK_SECRET_ARN";
    /** Optional: where stripe-java sends its requests (unset: api.stripe.com). */
    public static final String STRIPE_API_BASE = "STRIPE_API_BASE";
    public static final String SITE_ORIGIN = "SITE_ORIGIN";
    public static final String FAL_QUEUE_URL = "FAL_QUEUE_URL";
    /** The Secrets Manager ARN of FAL's API key. */
    public static final String FAL_KEY_ARN = "FAL_KEY_ARN";
    public static final String FAL_JWKS_URL = "FAL_JWKS_URL";
    /** Our FAL account's user id: the {@code x-fal-webhook-user-id} every webhook of ours carries. */
    public static final String FAL_USER_ID = "FAL_USER_ID";
    public static final String FAL_WEBHOOK_URL = "FAL_WEBHOOK_URL";
    public static final String FAL_IMAGE_URL_SECONDS = "FAL_IMAGE_URL_SECONDS";
    public static final String FAL_POLL_AFTER_SECONDS = "FAL_POLL_AFTER_SECONDS";
    public static final String FAL_POLL_EVERY_SECONDS = "FAL_POLL_EVERY_SECONDS";
    public static final String FAL_MAX_WAIT_SECONDS = "FAL_MAX_WAIT_SECONDS";
    public static final String FAL_MAX_GLB_BYTES = "FAL_MAX_GLB_BYTES";
    /** How many requests each FAL app runs at once for this account: "40", or "40,<app>=10" for one app apart. */
    public static final String FAL_SLOTS = "FAL_SLOTS";
    /** "false" keeps billing dark on a stage: its routes answer 503, Stripe's events are kept and acted on once it is "true". */
    public static final String BILLING_ENABLED = "BILLING_ENABLED";
    /** The largest GLB converted within a download request; a larger one is converted by the worker and the request answers 202. */
    public static final String MODEL_CONVERT_INLINE_MAX_BYTES = "MODEL_CONVERT_INLINE_MAX_BYTES";
    public static final String FAL_RETRY_ATTEMPTS = "FAL_RETRY_ATTEMPTS";
    public static final String FAL_RETRY_BASE_MILLIS = "FAL_RETRY_BASE_MILLIS";
    public static final String RATE_JOBS_PER_MINUTE = "RATE_JOBS_PER_MINUTE";
    public static final String RATE_IMAGES_PER_HOUR = "RATE_IMAGES_PER_HOUR";
    public static final String RATE_REQUESTS_PER_SECOND = "RATE_REQUESTS_PER_SECOND";
    /** Salts the hashes of mailboxes that had a trial (the stack's id in the template: unique, stable, not public). */
    public static final String TRIAL_HASH_SALT = "TRIAL_HASH_SALT";
    /** The queue of outgoing webhook deliveries (one message per attempt). */
    public static final String WEBHOOK_QUEUE_URL = "WEBHOOK_QUEUE_URL";
    /** Where deliveries may go: public-https (every deployment) or loopback-allowed (a stack on one machine). */
    public static final String WEBHOOK_TARGETS = "WEBHOOK_TARGETS";
    /** The waits between a failed delivery's attempts, seconds, comma-separated (the last repeats). */
    public static final String WEBHOOK_RETRY_SECONDS = "WEBHOOK_RETRY_SECONDS";
    /** How long an event is retried, and how long an endpoint may fail before it is turned off, seconds. */
    public static final String WEBHOOK_RETRY_WINDOW_SECONDS = "WEBHOOK_RETRY_WINDOW_SECONDS";
    /** How long the model links in a delivery work, seconds. */
    public static final String WEBHOOK_LINK_SECONDS = "WEBHOOK_LINK_SECONDS";
    /** The deployment stage (template's Stage): prod makes and takes live API keys, every other stage test keys. */
    public static final String STAGE = "STAGE";
    /** The user pool's issuer (https://cognito-idp.{region}.amazonaws.com/{pool}): the API's authorizer checks tokens' iss. */
    public static final String COGNITO_ISSUER = "COGNITO_ISSUER";
    /** How long the API's authorizer keeps a decision, in seconds (0 to 300; 0: decides every request afresh). */
    public static final String AUTHORIZER_CACHE_SECONDS = "AUTHORIZER_CACHE_SECONDS";
    /** Where the user pool's signing keys are read (the issuer's /.well-known/jwks.json). */
    public static final String COGNITO_JWKS_URL = "COGNITO_JWKS_URL";
    /** The web app's client id: the only client whose access tokens the API takes. */
    public static final String USER_POOL_CLIENT_ID = "USER_POOL_CLIENT_ID";
    /** Optional: the DNS server ({@code host:port}) that domain verification asks; unset, the system's resolvers. */
    public static final String DNS_RESOLVER = "DNS_RESOLVER";

    private static final String FREE_MAIL = String.join(",", "gmail.com", "googlemail.com", "outlook.com",
            "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
            "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.com", "zoho.com",
            "fastmail.com", "hey.com", "tutanota.com", "qq.com", "163.com");
    private static final String BLOCKED = String.join(",", "mailinator.com", "guerrillamail.com", "10minutemail.com",
            "temp-mail.org", "yopmail.com", "trashmail.com");

    /** Production-safe defaults: limits, policies and FAL's public addresses. Everything else is required. */
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(FREE_MAIL_DOMAINS, FREE_MAIL),
            Map.entry(BLOCKED_EMAIL_DOMAINS, BLOCKED),
            Map.entry(LOW_BALANCE_THRESHOLD, "70"),
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
            Map.entry(FAL_QUEUE_URL, "https://queue.fal.run"),
            Map.entry(FAL_JWKS_URL, "https://rest.alpha.fal.ai/.well-known/jwks.json"),
            Map.entry(FAL_IMAGE_URL_SECONDS, "900"),
            Map.entry(FAL_POLL_AFTER_SECONDS, "600"),
            Map.entry(FAL_POLL_EVERY_SECONDS, "300"),
            Map.entry(FAL_MAX_WAIT_SECONDS, "7200"),
            Map.entry(FAL_MAX_GLB_BYTES, "104857600"),
            Map.entry(MODEL_CONVERT_INLINE_MAX_BYTES, "8388608"),
            Map.entry(BILLING_ENABLED, "true"),
            Map.entry(FAL_RETRY_ATTEMPTS, "3"),
            Map.entry(FAL_RETRY_BASE_MILLIS, "250"),
            Map.entry(RATE_JOBS_PER_MINUTE, "10"),
            Map.entry(RATE_IMAGES_PER_HOUR, "100"),
            Map.entry(RATE_REQUESTS_PER_SECOND, "10"),
            Map.entry(WEBHOOK_TARGETS, "public-https"),
            Map.entry(WEBHOOK_RETRY_SECONDS, "30,120,600,1800,3600,7200,14400,28800"),
            Map.entry(WEBHOOK_RETRY_WINDOW_SECONDS, "86400"),
            Map.entry(WEBHOOK_LINK_SECONDS, "3600"),
            Map.entry(AUTHORIZER_CACHE_SECONDS, "300"),
            Map.entry(FAL_SLOTS, "40"));

    /**
     * Settings that may be absent, with nothing in their place (an endpoint override, a path-style
     * switch), or whose absence the function answers itself: without FAL_USER_ID the FAL webhook
     * refuses every request with 503 (a first deploy has none yet).
     */
    public static final java.util.Set<String> OPTIONAL = java.util.Set.of(STRIPE_API_BASE, S3_FORCE_PATH_STYLE, DNS_RESOLVER, FAL_USER_ID);

    /** A required setting that is missing or empty: the function cannot start. */
    public static final class Missing extends IllegalStateException {
        public Missing(String name) {
            super("Missing configuration: set the environment variable " + name + " (it is unset or empty)");
        }
    }

    /** Names read on this thread while {@link #recordReads} runs (for the test that template.yaml sets them all). */
    private static final ThreadLocal<java.util.Set<String>> READS = new ThreadLocal<>();

    private Settings() {
    }

    public static Optional<String> find(String name) {
        java.util.Set<String> reads = READS.get();
        if (reads != null) {
            reads.add(name);
        }
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The setting's value, else its production-safe default; a required setting that is missing stops the caller. */
    public static String get(String name) {
        return find(name).orElseGet(() -> {
            String fallback = DEFAULTS.get(name);
            if (fallback == null) {
                throw new Missing(name);
            }
            return fallback;
        });
    }

    /** A "true" or "false" setting; anything else stops the caller (a typo must not switch billing off or on). */
    public static boolean flag(String name) {
        String value = get(name);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalStateException(name + " must be true or false, not '" + value + "'");
        }
        return value.equals("true");
    }

    /** Whether the setting must be given (it has no default). */
    public static boolean required(String name) {
        return !DEFAULTS.containsKey(name) && !OPTIONAL.contains(name);
    }

    /** Checks that every required one of {@code names} is set, before anything is built from them. */
    public static void requireAll(java.util.Collection<String> names) {
        for (String name : names) {
            if (required(name) && find(name).isEmpty()) {
                throw new Missing(name);
            }
        }
    }

    /** Runs {@code action} and answers every setting name it read on this thread. */
    public static java.util.Set<String> recordReads(Runnable action) {
        java.util.Set<String> reads = new java.util.TreeSet<>();
        READS.set(reads);
        try {
            action.run();
        } finally {
            READS.remove();
        }
        return reads;
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

    /** A whole number above zero: a limit, a size, a count of attempts. */
    public static long positiveLong(String name) {
        long value = getLong(name);
        if (value <= 0) {
            throw new IllegalStateException(name + " must be above zero, was " + value);
        }
        return value;
    }

    public static int positiveInt(String name) {
        long value = positiveLong(name);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalStateException(name + " must be at most " + Integer.MAX_VALUE + ", was " + value);
        }
        return (int) value;
    }

    /** A duration in whole seconds above zero. */
    public static java.time.Duration positiveSeconds(String name) {
        return java.time.Duration.ofSeconds(positiveLong(name));
    }

    /** A whole number of zero or more (a threshold that may be switched off). */
    public static long nonNegativeLong(String name) {
        long value = getLong(name);
        if (value < 0) {
            throw new IllegalStateException(name + " must not be negative, was " + value);
        }
        return value;
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
