package com.image2model.jobs;

import java.time.Duration;

/**
 * When the sweeper asks FAL about a sent image whose webhook has not come. Why: a lost webhook
 * used to cost FAL_POLL_AFTER_SECONDS (10 minutes) before the first look, whatever the model. The
 * first look now comes at twice the catalog's typical run time for the image's quality (never later
 * than {@code firstAtMost}), and the next ones back off with the time already spent (half of it,
 * from 15 s up to {@code everyAtMost}), so a late answer is found soon and a long one is not asked
 * about every minute.
 */
public final class PollSchedule {

    static final Duration SHORTEST = Duration.ofSeconds(15);

    private PollSchedule() {
    }

    /** The first look after sending: 2x the typical run time, within {@code firstAtMost} (which alone counts without a typical time). */
    public static Duration first(long typicalSeconds, Duration firstAtMost) {
        if (typicalSeconds <= 0) {
            return firstAtMost;
        }
        Duration twice = Duration.ofSeconds(2 * typicalSeconds);
        return twice.compareTo(firstAtMost) < 0 ? twice : firstAtMost;
    }

    /** The next look, {@code sinceSent} after sending and not finished: half that time again, from 15 s up to {@code everyAtMost}. */
    public static Duration next(Duration sinceSent, Duration everyAtMost) {
        Duration half = sinceSent.isNegative() ? Duration.ZERO : sinceSent.dividedBy(2);
        Duration wait = half.compareTo(SHORTEST) < 0 ? SHORTEST : half;
        return wait.compareTo(everyAtMost) < 0 ? wait : everyAtMost;
    }
}
