package com.image2model.credits;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * The Unlimited plan's fair use, as rules: a cap of images per calendar month (UTC), a warning from
 * a share of it on, and a refusal of work that would pass it (the whole job, not part of it).
 * {@link FairUse} counts in the table; this says what the count means.
 */
public interface FairUseRule {

    /** Subscription states in which Stripe is still trying to be paid: the plan serves only for a grace period. */
    java.util.Set<String> OVERDUE = java.util.Set.of("past_due", "unpaid", "incomplete");

    /**
     * Whether the Unlimited plan gives free images now: while its subscription is paid, and for
     * {@code graceDays} after its payment became overdue ({@code overdueSince}, epoch seconds); after
     * that, work is paid with credits until the plan is paid again.
     */
    static boolean planServes(String subscriptionStatus, Long overdueSince, long now, int graceDays) {
        if (subscriptionStatus == null || !OVERDUE.contains(subscriptionStatus)) {
            return true;
        }
        return overdueSince != null && now < overdueSince + graceDays * 86_400L;
    }

    record Standing(String month, long used, long cap, boolean warning, boolean reached) {
        /** As GET /credits shows it. */
        public java.util.Map<String, Object> view() {
            java.util.Map<String, Object> fair = new java.util.LinkedHashMap<>();
            fair.put("month", month);
            fair.put("images", used);
            fair.put("cap", cap);
            fair.put("warning", warning);
            fair.put("reached", reached);
            return fair;
        }
    }

    /** The month's cap is reached: what to do about it is in the message. */
    final class CapReached extends RuntimeException {
        private final Standing standing;

        public CapReached(Standing standing, String resetsOn) {
            super("Your Unlimited plan's fair use of " + standing.cap() + " images in " + standing.month()
                    + " is used up. Buy a credit pack to keep going now, or wait until " + resetsOn + ".");
            this.standing = standing;
        }

        public Standing standing() {
            return standing;
        }
    }

    /** The month (UTC) that {@code at} counts in, like 2026-12. */
    static String month(Instant at) {
        return YearMonth.from(at.atZone(ZoneOffset.UTC)).toString();
    }

    /** The first day of the next month: when the count starts again. */
    static String resetsOn(String month) {
        return YearMonth.parse(month).plusMonths(1).atDay(1).toString();
    }

    /** Where a month with {@code used} images stands against the cap. */
    static Standing standing(String month, long used, long cap, int warnAtPercent) {
        return new Standing(month, used, cap, used * 100 >= cap * warnAtPercent, used >= cap);
    }

    /** The most a month may have counted already for {@code images} more to fit (negative: they never fit). */
    static long room(long cap, long images) {
        if (images <= 0) {
            throw new IllegalArgumentException("Fair use counts a positive number of images, got " + images);
        }
        return cap - images;
    }

    /** Whether {@code images} more fit in a month that has counted {@code used}. */
    static boolean fits(long used, long cap, long images) {
        return used <= room(cap, images);
    }
}
