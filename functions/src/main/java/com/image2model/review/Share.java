package com.image2model.review;

import java.time.Instant;

/**
 * A review link of one job: who made it and when, until when it opens the job's models to whoever
 * holds it, whether it offers downloads, and whether it was withdrawn. Only the SHA-256 of its
 * secret is kept. Plain Java: the rules of a link live here.
 */
public record Share(String companyId, String shareId, String jobId, String secretHash, Instant createdAt, String createdBy,
                    Instant expiresAt, boolean allowDownload, Instant revokedAt) {

    /** How long a link may live, in days (the request's {@code expiresInDays}). */
    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 30;
    public static final int DEFAULT_DAYS = 7;

    /** What a link is at {@code now}. */
    public enum Status { OPEN, EXPIRED, REVOKED }

    public Status status(Instant now) {
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        return now.isBefore(expiresAt) ? Status.OPEN : Status.EXPIRED;
    }

    /** A reviewer's word on one model. */
    public enum Decision {
        APPROVED("approve", "approved"), CHANGES_REQUESTED("request_changes", "changes requested");

        private final String wire;
        private final String words;

        Decision(String wire, String words) {
            this.wire = wire;
            this.words = words;
        }

        public String wire() {
            return wire;
        }

        public String words() {
            return words;
        }

        /** The decision a request names ({@code approve}, {@code request_changes}), or null. */
        public static Decision named(String wire) {
            for (Decision decision : values()) {
                if (decision.wire.equals(wire)) {
                    return decision;
                }
            }
            return null;
        }
    }

    /** A comment as kept: trimmed, at most this long; a request for changes must say what. */
    public static final int MAX_COMMENT = 1000;

    /** Why a decision with this comment cannot be taken, or null when it can. */
    public static String refusal(Decision decision, String comment) {
        if (decision == null) {
            return "decision must be \"approve\" or \"request_changes\".";
        }
        String text = comment == null ? "" : comment.trim();
        if (text.length() > MAX_COMMENT) {
            return "A comment has at most " + MAX_COMMENT + " characters.";
        }
        if (decision == Decision.CHANGES_REQUESTED && text.length() < 3) {
            return "Say what should change: a request for changes needs a comment.";
        }
        return null;
    }
}
