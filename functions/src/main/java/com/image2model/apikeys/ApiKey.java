package com.image2model.apikeys;

import java.util.Optional;
import java.util.regex.Pattern;

import com.image2model.platform.LinkToken;

/**
 * A company's API key as a caller sends it: {@code i2m_<stage>_<keyId>.<companyId>.<secret>}.
 *
 * <p>The stage part ({@code live} on prod, {@code test} elsewhere) keeps a test key from working on
 * the live API and makes a leaked key's kind plain to secret scanners. The key id comes first so the
 * shown prefix ({@code i2m_live_3f9a2c1b}) tells a company's keys apart; the company id says which
 * partition holds the key (every key of the table starts with the company); the secret is 256
 * random bits of which only the SHA-256 is stored.
 */
public record ApiKey(String stage, String keyId, String companyId, String secret) {

    /** Everything an API key can start with; anything else in a bearer header is a Cognito token. */
    public static final String MARK = "i2m_";
    private static final Pattern SHAPE = Pattern.compile(
            "i2m_(live|test)_([0-9a-f]{32})\\.([0-9A-Za-z-]{1,64})\\.([A-Za-z0-9_-]{43})");

    /** The key stage of a deployment stage: prod's keys are live, every other stage's are test keys. */
    public static String stageOf(String deploymentStage) {
        return "prod".equals(deploymentStage) ? "live" : "test";
    }

    /** A new key of the company on the stage ({@code live} or {@code test}). */
    public static ApiKey fresh(String stage, String companyId) {
        if (!stage.equals("live") && !stage.equals("test")) {
            throw new IllegalArgumentException("A key's stage is live or test, not " + stage);
        }
        return new ApiKey(stage, LinkToken.newId(), companyId, LinkToken.newSecret());
    }

    /** The key in a header value; empty for anything not shaped as one (no lookup is made for it). */
    public static Optional<ApiKey> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var match = SHAPE.matcher(text.trim());
        return match.matches() ? Optional.of(new ApiKey(match.group(1), match.group(2), match.group(3), match.group(4)))
                : Optional.empty();
    }

    /** Whether a bearer value is meant as an API key (then it is never tried as a token). */
    public static boolean looksLikeOne(String text) {
        return text != null && text.trim().startsWith(MARK);
    }

    /** The whole key, shown once when it is made. */
    public String text() {
        return prefix() + keyId.substring(8) + "." + companyId + "." + secret;
    }

    /** What the company's key list shows of it: the stage and the first 8 digits of its id. */
    public String prefix() {
        return MARK + stage + "_" + keyId.substring(0, 8);
    }

    public String secretHash() {
        return LinkToken.sha256(secret);
    }

    /** Whether this key's secret is the one whose hash was stored (constant time). */
    public boolean matches(String storedHash) {
        return LinkToken.sameHash(secretHash(), storedHash);
    }

    @Override
    public String toString() {
        // Never the secret: a key in a log is the key.
        return "ApiKey[" + prefix() + "/" + companyId + "]";
    }
}
