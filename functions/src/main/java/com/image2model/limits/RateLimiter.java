package com.image2model.limits;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-person fixed-window limits, counted in a store that adds to several counters at once or to
 * none (the table adapter does it with one conditional transaction). The rules live here: which
 * window a moment falls in, how much room a take needs, and what a refusal says.
 */
public final class RateLimiter {

    /** One counter of one person in one window: {@code key} names it, {@code expiresAt} is when the store may drop it. */
    public record Counter(String companyId, String userId, String key, long amount, long most, Instant expiresAt) {
    }

    /** Where counts live. */
    public interface Counters {
        /** Adds every counter's amount, keeping each at most its {@code most}, or adds none; answers the index of one that had no room, or -1. */
        int add(List<Counter> counters);

        /** The counts so far of these keys of one person (0 for a key never counted). */
        Map<String, Long> read(String companyId, String userId, List<String> keys);
    }

    /** What is left of one limit now. */
    public record Usage(String name, String unit, long max, long used, long remaining, long windowSeconds, Instant resetsAt) {
    }

    private final Counters counters;
    private final Clock clock;

    public RateLimiter(Counters counters, Clock clock) {
        this.counters = counters;
        this.clock = clock;
    }

    /** The start of the window {@code now} falls in. */
    public static Instant windowStart(RateLimit limit, Instant now) {
        long size = limit.window().toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size);
    }

    static String key(RateLimit limit, Instant windowStart) {
        return limit.name() + "#" + windowStart.getEpochSecond();
    }

    /**
     * Takes {@code amount} of each limit for one person, all or nothing.
     *
     * @throws LimitExceeded naming the first limit without room (nothing was counted)
     */
    public void take(String companyId, String userId, Map<RateLimit, Long> amounts) {
        Instant now = clock.instant();
        List<Counter> wanted = new ArrayList<>();
        List<RateLimit> limits = new ArrayList<>();
        for (Map.Entry<RateLimit, Long> entry : amounts.entrySet()) {
            RateLimit limit = entry.getKey();
            long amount = entry.getValue();
            if (amount < 1) {
                continue;
            }
            Instant start = windowStart(limit, now);
            Instant end = start.plus(limit.window());
            if (amount > limit.max()) {
                // More than any window allows: refused without counting.
                throw new LimitExceeded(limit, 0, amount, now, end);
            }
            wanted.add(new Counter(companyId, userId, key(limit, start), amount, limit.max(), end.plus(limit.window())));
            limits.add(limit);
        }
        if (wanted.isEmpty()) {
            return;
        }
        int full = counters.add(wanted);
        if (full >= 0) {
            RateLimit limit = limits.get(full);
            Instant start = windowStart(limit, now);
            long used = counters.read(companyId, userId, List.of(key(limit, start))).getOrDefault(key(limit, start), 0L);
            throw new LimitExceeded(limit, used, wanted.get(full).amount(), now, start.plus(limit.window()));
        }
    }

    /** Takes one unit of one limit. */
    public void take(String companyId, String userId, RateLimit limit) {
        take(companyId, userId, Map.of(limit, 1L));
    }

    /** What is left of each limit for one person, in the order given. */
    public List<Usage> usage(String companyId, String userId, List<RateLimit> limits) {
        Instant now = clock.instant();
        Map<RateLimit, String> keys = new LinkedHashMap<>();
        for (RateLimit limit : limits) {
            keys.put(limit, key(limit, windowStart(limit, now)));
        }
        Map<String, Long> counts = counters.read(companyId, userId, List.copyOf(keys.values()));
        List<Usage> usage = new ArrayList<>();
        for (Map.Entry<RateLimit, String> entry : keys.entrySet()) {
            RateLimit limit = entry.getKey();
            long used = Math.min(limit.max(), counts.getOrDefault(entry.getValue(), 0L));
            usage.add(new Usage(limit.name(), limit.unit(), limit.max(), used, limit.max() - used, limit.window().toSeconds(),
                    windowStart(limit, now).plus(limit.window())));
        }
        return usage;
    }
}
