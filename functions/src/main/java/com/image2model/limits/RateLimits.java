package com.image2model.limits;

import java.time.Duration;
import java.util.List;

/**
 * The limits every person works under: jobs created a minute, images submitted an hour, and API
 * requests as a rate with a burst: {@code RATE_REQUESTS_PER_SECOND} on average over a window of
 * {@link #BURST_SECONDS} seconds, so a page that follows a batch every 2 s, or an integration's
 * short burst, fits, and a runaway loop is stopped within seconds. Each is configurable
 * (RATE_JOBS_PER_MINUTE, RATE_IMAGES_PER_HOUR, RATE_REQUESTS_PER_SECOND).
 */
public record RateLimits(RateLimit jobs, RateLimit images, RateLimit requests) {

    /** The window the request rate is averaged over: its burst is this many seconds' worth of requests at once. */
    public static final long BURST_SECONDS = 10;

    public static RateLimits of(long jobsPerMinute, long imagesPerHour, long requestsPerSecond) {
        return new RateLimits(new RateLimit("jobs", jobsPerMinute, Duration.ofMinutes(1), "jobs"),
                new RateLimit("images", imagesPerHour, Duration.ofHours(1), "images"),
                new RateLimit("requests", Math.multiplyExact(requestsPerSecond, BURST_SECONDS), Duration.ofSeconds(BURST_SECONDS),
                        "API requests"));
    }

    public List<RateLimit> all() {
        return List.of(jobs, images, requests);
    }
}
