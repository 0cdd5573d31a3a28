package com.image2model.credits;

import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/** Scheduled: releases credit holds past their time (files never uploaded, work abandoned). */
public final class SweeperFunction implements Function<Map<String, Object>, Map<String, Object>> {

    static final int BATCH = 500;

    private final CreditLedger ledger;
    private final Clock clock;

    public SweeperFunction(CreditLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> scheduledEvent) {
        int expired = ledger.sweep(clock.instant(), BATCH);
        return Map.of("expiredHolds", expired);
    }
}
