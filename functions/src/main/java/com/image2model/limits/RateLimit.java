package com.image2model.limits;

import java.time.Duration;

/**
 * At most {@code max} units (jobs, images, requests) a person may use in one fixed window of
 * {@code window}; windows start at multiples of it since the epoch, so every function and every
 * retry counts into the same window without coordinating.
 */
public record RateLimit(String name, long max, Duration window, String unit) {

    public RateLimit {
        if (name == null || name.isBlank() || name.contains("#")) {
            throw new IllegalArgumentException("A rate limit needs a plain name, got '" + name + "'");
        }
        if (max < 1) {
            throw new IllegalArgumentException("The " + name + " limit must allow at least 1, got " + max);
        }
        if (window == null || window.toSeconds() < 1) {
            throw new IllegalArgumentException("The " + name + " limit needs a window of at least a second");
        }
    }

    /** "a minute", "an hour", "30 seconds": how the window reads in a message. */
    public String windowText() {
        long seconds = window.toSeconds();
        if (seconds == 60) {
            return "a minute";
        }
        if (seconds == 3600) {
            return "an hour";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " hours";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + " minutes";
        }
        return seconds + " seconds";
    }
}
