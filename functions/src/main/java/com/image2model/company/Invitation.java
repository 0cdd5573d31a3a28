package com.image2model.company;

import java.time.Instant;

import com.image2model.tenancy.TenantContext.Role;

/**
 * An offer to join a company, sent to one address: nothing of the person exists until they accept
 * it through the emailed link. {@code id} is derived from the address, so one company holds at
 * most one invitation per address.
 */
public record Invitation(String id, String companyId, String email, Role role, String invitedBy, String invitedAt, String expiresAt,
                         String acceptedAt) {

    /** How long an accept link works after it was sent. */
    public static final java.time.Duration VALID_FOR = java.time.Duration.ofDays(7);

    public boolean accepted() {
        return acceptedAt != null;
    }

    public boolean expired(Instant now) {
        return !accepted() && !Instant.parse(expiresAt).isAfter(now);
    }

    /** The id of the invitation of {@code email}: a hash, so the key names no address. */
    public static String idOf(EmailAddress email) {
        return InvitationToken.sha256("invitation:" + email.value()).substring(0, 32);
    }
}
