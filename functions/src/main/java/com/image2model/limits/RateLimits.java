package com.image2model.limits;

import java.time.Duration;
import java.util.List;

/**
 * The limits every person works under: jobs created a minute, images submitted an hour, API
 * requests an hour. Each is configurable (RATE_JOBS_PER_MINUTE, RATE_IMAGES_PER_HOUR,
 * RATE_REQUESTS_PER_HOUR).
 */
public record RateLimits(RateLimit jobs, RateLimit images, RateLimit requests) {

    public static RateLimits of(long jobsPerMinute, long imagesPerHour, long requestsPerHour) {
        return new RateLimits(new RateLimit("jobs", jobsPerMinute, Duration.ofMinutes(1), "jobs"),
                new RateLimit("images", imagesPerHour, Duration.ofHours(1), "images"),
                new RateLimit("requests", requestsPerHour, Duration.ofHours(1), "API requests"));
    }

    public List<RateLimit> all() {
        return List.of(jobs, images, requests);
    }
}
