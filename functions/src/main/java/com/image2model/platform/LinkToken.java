package com.image2model.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A link's token: {@code <companyId>.<id>.<secret>}. The first two parts say where the thing it
 * opens is kept; the secret (256 random bits) proves the link was received, and only its SHA-256
 * is stored, so nothing in the table opens anything. Invitations and review links use it.
 */
public record LinkToken(String companyId, String id, String secret) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("([0-9A-Za-z-]{1,64})\\.([0-9a-f]{32})\\.([A-Za-z0-9_-]{43})");

    /** A new token for the thing {@code id} (32 hex digits) of the company. */
    public static LinkToken fresh(String companyId, String id) {
        return new LinkToken(companyId, id, newSecret());
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** 128 random bits as 32 hex digits: the id of a thing a link opens. */
    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The token as a link carries it; empty for anything that is not one (no lookup is made for it). */
    public static Optional<LinkToken> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var match = SHAPE.matcher(text.trim());
        return match.matches() ? Optional.of(new LinkToken(match.group(1), match.group(2), match.group(3))) : Optional.empty();
    }

    public String text() {
        return companyId + "." + id + "." + secret;
    }

    public String secretHash() {
        return sha256(secret);
    }

    /** Whether this token's secret is the one whose hash was stored (a constant-time comparison). */
    public boolean matches(String storedHash) {
        return sameHash(secretHash(), storedHash);
    }

    /** Two stored hashes compared in constant time; false for a missing one. */
    public static boolean sameHash(String hash, String storedHash) {
        return hash != null && storedHash != null
                && MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        // Never the secret: a token in a log would be the link itself.
        return "LinkToken[" + companyId + "/" + id + "]";
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
