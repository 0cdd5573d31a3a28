package com.image2model.limits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The limits as the API functions use them: taking a job's share, and showing what is left. */
public final class PersonalLimits {

    private final RateLimiter limiter;
    private final RateLimits limits;

    public PersonalLimits(RateLimiter limiter, RateLimits limits) {
        this.limiter = limiter;
        this.limits = limits;
    }

    /**
     * Counts a new job of {@code images} images against the person's jobs-a-minute and
     * images-an-hour limits, both or neither.
     *
     * @throws com.image2model.platform.ApiException 429 rate_limited when either is used up
     */
    public void takeJob(String companyId, String userId, int images) {
        Map<RateLimit, Long> amounts = new LinkedHashMap<>();
        amounts.put(limits.jobs(), 1L);
        amounts.put(limits.images(), (long) images);
        try {
            limiter.take(companyId, userId, amounts);
        } catch (LimitExceeded e) {
            throw TooManyRequests.of(e);
        }
    }

    /** Every limit with what is used and left in its current window, for GET /credits. */
    public List<Map<String, Object>> view(String companyId, String userId) {
        return limiter.usage(companyId, userId, limits.all()).stream().map(u -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", u.name());
            out.put("unit", u.unit());
            out.put("max", u.max());
            out.put("used", u.used());
            out.put("remaining", u.remaining());
            out.put("windowSeconds", u.windowSeconds());
            out.put("resetsAt", u.resetsAt().toString());
            return out;
        }).toList();
    }
}
