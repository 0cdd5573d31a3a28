package com.image2model.platform;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * The functions' secrets, read from AWS Secrets Manager: the environment holds only each secret's
 * ARN (a required setting, checked at init), the value is fetched on first use and kept for
 * {@link #REFRESH}; a secret that could not be used is fetched again on the next use.
 *
 * <p>Why on first use, not at init: functions are published with SnapStart, so AWS runs init when
 * it publishes a version. The template creates the secrets empty, and a first deploy must succeed
 * before anyone can put their values; a function that read them at init would fail to publish
 * and roll the stack back. Read on use, a first deploy succeeds, the routes that need a secret
 * answer 503 {@code not_configured} until it is put, and putting it (or rotating it) takes effect
 * without a deploy. No secret is ever part of a snapshot.
 *
 * <p>Fail closed: a secret that cannot be read, is empty, or does not have the shape of the
 * provider's real secrets (placeholders, sample values, a test key of a few letters) is
 * {@link Unusable}, which every entry point answers with 503 {@code not_configured}; nothing is
 * done with it.
 */
public final class Secrets {

    /** How long a fetched value is used before it is fetched again (a rotated secret arrives within this). */
    public static final Duration REFRESH = Duration.ofMinutes(5);

    /** What a usable value of a secret looks like. */
    public enum Kind {
        /** Stripe's secret or restricted key, test or live mode. */
        STRIPE_API_KEY(Pattern.compile("(sk|rk)_(test|live)_[A-Za-z0-9]{20,}")),
        /** The signing secret of a Stripe webhook endpoint. */
        STRIPE_WEBHOOK_SECRET(Pattern.compile("whsec_[A-Za-z0-9+/=_-]{24,}")),
        /** FAL's API key: "key id:key secret". */
        FAL_KEY(Pattern.compile("[A-Za-z0-9-]{8,}:[A-Za-z0-9]{16,}"));

        private final Pattern shape;

        Kind(Pattern shape) {
            this.shape = shape;
        }
    }

    /** A secret the function cannot use; the message names the setting and why, never the value. */
    public static final class Unusable extends IllegalStateException {
        public Unusable(String message) {
            super(message);
        }
    }

    /** One secret of a function: {@link #get()} is its value, fetched when first needed. */
    public static final class Secret implements Supplier<String> {
        private final String arnSetting;
        private final String arn;
        private final Kind kind;
        private final Function<String, String> reader;
        private final LongSupplier nanoTime;
        private volatile Fetched fetched;

        private record Fetched(String value, long atNanos) {
        }

        Secret(String arnSetting, String arn, Kind kind, Function<String, String> reader, LongSupplier nanoTime) {
            this.arnSetting = arnSetting;
            this.arn = arn;
            this.kind = kind;
            this.reader = reader;
            this.nanoTime = nanoTime;
        }

        /**
         * The value, checked for its kind's shape; {@link Unusable} when it cannot be read or used.
         * A value fetched less than {@link #REFRESH} ago is used as it is; when fetching it again
         * fails (Secrets Manager does not answer), the last good value is kept rather than refusing.
         */
        @Override
        public String get() {
            Fetched last = fetched;
            long now = nanoTime.getAsLong();
            if (last != null && now - last.atNanos() < REFRESH.toNanos()) {
                return last.value();
            }
            synchronized (this) {
                last = fetched;
                if (last != null && now - last.atNanos() < REFRESH.toNanos()) {
                    return last.value();
                }
                String raw;
                try {
                    raw = reader.apply(arn);
                } catch (SdkException e) {
                    if (last != null) {
                        return last.value();
                    }
                    throw new Unusable("The secret of " + arnSetting + " (" + arn + ") cannot be read: " + firstLine(e.getMessage()));
                }
                String value = check(arnSetting, raw, kind);
                fetched = new Fetched(value, now);
                return value;
            }
        }

        /** The setting that names this secret (for messages). */
        public String setting() {
            return arnSetting;
        }
    }

    private Secrets() {
    }

    /**
     * The secret whose ARN the setting {@code arnSetting} holds (a required setting: unset, this
     * fails at init). Nothing is fetched until its {@link Secret#get()}.
     */
    public static Secret secret(String arnSetting, Kind kind) {
        return secret(arnSetting, Settings.get(arnSetting), kind,
                arn -> AwsClients.secretsManager().getSecretValue(r -> r.secretId(arn)).secretString(), System::nanoTime);
    }

    /** A secret read by {@code reader} (an ARN to its value), timed by {@code nanoTime}: for tests. */
    public static Secret secret(String arnSetting, String arn, Kind kind, Function<String, String> reader, LongSupplier nanoTime) {
        return new Secret(arnSetting, arn, kind, reader, nanoTime);
    }

    /** The value if it has the kind's shape; else {@link Unusable}, naming the setting (never the value). */
    public static String check(String arnSetting, String value, Kind kind) {
        if (value == null || value.isBlank()) {
            throw new Unusable("The secret of " + arnSetting + " is empty: put its value with aws secretsmanager put-secret-value.");
        }
        String trimmed = value.trim();
        if (!kind.shape.matcher(trimmed).matches()) {
            throw new Unusable("The secret of " + arnSetting + " is not a usable " + kind.name().toLowerCase().replace('_', ' ')
                    + " (a placeholder or sample value?): put the real one with aws secretsmanager put-secret-value.");
        }
        return trimmed;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
