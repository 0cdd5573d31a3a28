package com.image2model.company;

import java.util.Optional;

import com.image2model.platform.LinkToken;

/** The accept link's token: a {@link LinkToken} whose id is the invitation's. */
public record InvitationToken(String companyId, String invitationId, String secret) {

    public static InvitationToken fresh(String companyId, String invitationId) {
        return new InvitationToken(companyId, invitationId, LinkToken.newSecret());
    }

    /** The token as the link carries it; empty for anything that is not one (no lookup is made for it). */
    public static Optional<InvitationToken> parse(String text) {
        return LinkToken.parse(text).map(t -> new InvitationToken(t.companyId(), t.id(), t.secret()));
    }

    public String text() {
        return companyId + "." + invitationId + "." + secret;
    }

    public String secretHash() {
        return sha256(secret);
    }

    /** Whether this token's secret is the one whose hash was stored (a constant-time comparison). */
    public boolean matches(String storedHash) {
        return LinkToken.sameHash(secretHash(), storedHash);
    }

    @Override
    public String toString() {
        // Never the secret: a token in a log would be an accept link.
        return "InvitationToken[" + companyId + "/" + invitationId + "]";
    }

    static String sha256(String text) {
        return LinkToken.sha256(text);
    }
}
