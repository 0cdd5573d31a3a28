package com.image2model.limits;

import com.image2model.platform.ApiException;
import com.image2model.platform.Metrics;

/** A used-up limit as the API answers it: 429 {@code rate_limited}, with Retry-After in seconds. */
public final class TooManyRequests {

    private TooManyRequests() {
    }

    public static ApiException of(LimitExceeded e) {
        Metrics.count("RateLimited", 1, "Limit", e.limit().name());
        return new ApiException(429, "rate_limited", e.getMessage()).withHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
}
