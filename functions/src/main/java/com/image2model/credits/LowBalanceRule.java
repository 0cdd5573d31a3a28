package com.image2model.credits;

/**
 * When a company's admins hear that credits run low: once when available credits cross below the
 * threshold, and again only after they have been back at or above it. {@link LowBalanceAlerts}
 * keeps the notice in the table and sends the email.
 */
public final class LowBalanceRule {

    /** What a movement of the available credits means for the notice. */
    public enum Change {
        /** Fell below the threshold: tell the admins (once). */
        CROSSED_BELOW,
        /** Back at or above it: the next fall is told again. */
        BACK_ABOVE,
        /** Neither. */
        NONE
    }

    private LowBalanceRule() {
    }

    public static Change change(long availableBefore, long availableAfter, long threshold) {
        if (availableBefore >= threshold && availableAfter < threshold) {
            return Change.CROSSED_BELOW;
        }
        if (availableBefore < threshold && availableAfter >= threshold) {
            return Change.BACK_ABOVE;
        }
        return Change.NONE;
    }

    /** Whether a balance counts as low (GET /credits shows it). */
    public static boolean low(long available, long threshold) {
        return available < threshold;
    }

    public static String subject() {
        return "Your Image2Model credits are running low";
    }

    public static String text(long available, long threshold) {
        return "Your company has " + available + " credits left, less than one high-quality image (" + threshold
                + " credits). Buy a credit pack or change your plan under Billing to keep generating models.";
    }
}
