package com.image2model.company;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The accept link's token: {@code <companyId>.<invitationId>.<secret>}. The first two parts say
 * where the invitation is; the secret (256 random bits) proves the link was received, and only its
 * SHA-256 is stored, so the table cannot accept anyone's invitation.
 */
public record InvitationToken(String companyId, String invitationId, String secret) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("([0-9A-Za-z-]{1,64})\\.([0-9a-f]{32})\\.([A-Za-z0-9_-]{43})");

    public static InvitationToken fresh(String companyId, String invitationId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new InvitationToken(companyId, invitationId, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The token as the link carries it; empty for anything that is not one (no lookup is made for it). */
    public static Optional<InvitationToken> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var match = SHAPE.matcher(text.trim());
        return match.matches() ? Optional.of(new InvitationToken(match.group(1), match.group(2), match.group(3))) : Optional.empty();
    }

    public String text() {
        return companyId + "." + invitationId + "." + secret;
    }

    public String secretHash() {
        return sha256(secret);
    }

    /** Whether this token's secret is the one whose hash was stored (a constant-time comparison). */
    public boolean matches(String storedHash) {
        return storedHash != null && MessageDigest.isEqual(secretHash().getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        // Never the secret: a token in a log would be an accept link.
        return "InvitationToken[" + companyId + "/" + invitationId + "]";
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
