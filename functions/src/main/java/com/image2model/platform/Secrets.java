package com.image2model.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * The functions' secrets, read from AWS Secrets Manager: the environment holds only each secret's
 * ARN (a required setting), the value is fetched once at init and kept for the life of the
 * execution environment.
 *
 * <p>Fail closed: a secret that cannot be read, is empty, or does not have the shape of the
 * provider's real secrets (placeholders, sample values, a test key of a few letters) is
 * {@link Unusable}. The functions that make money move refuse to start, or (the webhooks) answer
 * every request with 503 {@code not_configured}.
 *
 * <p>SnapStart: the value is part of the snapshot, so a rotated secret reaches a function with its
 * next published version (a deploy), not by itself. Nothing derived from a secret needs to be
 * unique per execution environment.
 */
public final class Secrets {

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

    private static final Map<String, String> VALUES = new ConcurrentHashMap<>();

    private Secrets() {
    }

    /** The secret whose ARN the setting {@code arnSetting} holds, checked for its kind's shape. */
    public static String value(String arnSetting, Kind kind) {
        String arn = Settings.get(arnSetting);
        return VALUES.computeIfAbsent(arnSetting + "|" + arn, k -> fetch(arnSetting, arn, kind));
    }

    private static String fetch(String arnSetting, String arn, Kind kind) {
        String value;
        try {
            value = AwsClients.secretsManager().getSecretValue(r -> r.secretId(arn)).secretString();
        } catch (SdkException e) {
            throw new Unusable("The secret of " + arnSetting + " (" + arn + ") cannot be read: " + firstLine(e.getMessage()));
        }
        return check(arnSetting, value, kind);
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

    /** A function built from usable secrets, or (when one is not) the stand-in that {@code refusing} makes of why. */
    public static <T> T orElse(java.util.function.Supplier<T> build, Function<String, T> refusing) {
        try {
            return build.get();
        } catch (Unusable e) {
            return refusing.apply(e.getMessage());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
