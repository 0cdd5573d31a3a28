package com.image2model.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a failed delivery is tried again: the n-th wait of the list (the last one repeats), for as
 * long as the event is younger than the window; after that the delivery has failed for good.
 */
public record RetrySchedule(List<Duration> waits, Duration window) {

    public RetrySchedule {
        if (waits.isEmpty() || waits.stream().anyMatch(w -> w.isNegative() || w.isZero()) || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("A retry schedule needs positive waits and a positive window");
        }
        waits = List.copyOf(waits);
    }

    /** From "30,120,600" (seconds) and the window in seconds, as the settings give them. */
    public static RetrySchedule parse(String waitsSeconds, long windowSeconds) {
        List<Duration> waits = new ArrayList<>();
        for (String part : waitsSeconds.split(",")) {
            String s = part.strip();
            if (!s.matches("[0-9]{1,7}") || Long.parseLong(s) == 0) {
                throw new IllegalStateException("WEBHOOK_RETRY_SECONDS must be positive whole seconds separated by commas, not '" + waitsSeconds + "'");
            }
            waits.add(Duration.ofSeconds(Long.parseLong(s)));
        }
        if (windowSeconds <= 0) {
            throw new IllegalStateException("WEBHOOK_RETRY_WINDOW_SECONDS must be positive");
        }
        return new RetrySchedule(waits, Duration.ofSeconds(windowSeconds));
    }

    /** When to try again after {@code attemptsMade} failed attempts of an event created at {@code created}; empty: give up. */
    public Optional<Instant> next(int attemptsMade, Instant created, Instant now) {
        Duration wait = waits.get(Math.min(Math.max(attemptsMade, 1), waits.size()) - 1);
        Instant at = now.plus(wait);
        return at.isAfter(created.plus(window)) ? Optional.empty() : Optional.of(at);
    }
}
