package com.image2model.platform;

/**
 * When the current invocation must have answered: Lambda's deadline (the context's remaining time
 * when the invocation began), kept per thread so code far from the handler (FAL's retries) can
 * stop in time. Outside an invocation there is no deadline.
 */
public final class InvocationDeadline {

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private InvocationDeadline() {
    }

    /** Runs {@code action} with a deadline {@code remainingMillis} from now. */
    public static <T> T within(long remainingMillis, java.util.function.Supplier<T> action) {
        Long outer = DEADLINE.get();
        DEADLINE.set(System.currentTimeMillis() + Math.max(0, remainingMillis));
        try {
            return action.get();
        } finally {
            if (outer == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(outer);
            }
        }
    }

    /** Milliseconds left before the deadline ({@link Long#MAX_VALUE} when there is none). */
    public static long remainingMillis() {
        Long deadline = DEADLINE.get();
        return deadline == null ? Long.MAX_VALUE : deadline - System.currentTimeMillis();
    }
}
