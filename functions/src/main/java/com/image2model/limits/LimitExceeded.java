package com.image2model.limits;

import java.time.Duration;
import java.time.Instant;

/** A person used up one of their limits: what they asked for, what was left, and when the window turns. */
public final class LimitExceeded extends RuntimeException {

    private final RateLimit limit;
    private final long used;
    private final long asked;
    private final Instant resetsAt;
    private final long retryAfterSeconds;

    public LimitExceeded(RateLimit limit, long used, long asked, Instant now, Instant resetsAt) {
        super(message(limit, used, asked, now, resetsAt));
        this.limit = limit;
        this.used = used;
        this.asked = asked;
        this.resetsAt = resetsAt;
        // Whole seconds, rounded up, and never 0: a client that waits this long is let through.
        this.retryAfterSeconds = Math.max(1, (Duration.between(now, resetsAt).toMillis() + 999) / 1000);
    }

    private static String message(RateLimit limit, long used, long asked, Instant now, Instant resetsAt) {
        long seconds = Math.max(1, (Duration.between(now, resetsAt).toMillis() + 999) / 1000);
        String wait = seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
        String left = Math.max(0, limit.max() - used) == 0 ? "none are left"
                : "only " + Math.max(0, limit.max() - used) + " " + limit.unit() + " are left";
        String askedText = asked > 1 ? " (this asks for " + asked + ")" : "";
        return "You can use at most " + limit.max() + " " + limit.unit() + " in " + limit.windowText() + " and " + left + askedText
                + ". Try again in " + wait + ", at " + resetsAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".";
    }

    public RateLimit limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    public long asked() {
        return asked;
    }

    public Instant resetsAt() {
        return resetsAt;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
