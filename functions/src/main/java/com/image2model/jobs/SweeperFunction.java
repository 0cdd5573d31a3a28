package com.image2model.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.image2model.credits.CreditLedger;

/**
 * Scheduled: the periodic work of each capability (credit holds past their time, files whose
 * generator answer is overdue), each a {@link Sweep} that reports what it did.
 */
public final class SweeperFunction implements Function<Map<String, Object>, Map<String, Object>> {

    static final int BATCH = 500;

    /** One capability's periodic work. */
    @FunctionalInterface
    public interface Sweep {
        Map<String, Object> run(Instant now, int limit);
    }

    private final List<Sweep> sweeps;
    private final Clock clock;

    public SweeperFunction(List<Sweep> sweeps, Clock clock) {
        this.sweeps = sweeps;
        this.clock = clock;
    }

    /** The credits alone: expires holds past their time. */
    public static Sweep holds(CreditLedger ledger) {
        return (now, limit) -> Map.of("expiredHolds", ledger.sweep(now, limit));
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> scheduledEvent) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Sweep sweep : sweeps) {
            out.putAll(sweep.run(clock.instant(), BATCH));
        }
        return out;
    }
}
