package com.image2model.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The limit rules against counters in memory that behave like the table's conditional transaction. */
class RateLimiterTest {

    /** All-or-nothing adds, each counter kept at most its limit. */
    static final class MemoryCounters implements RateLimiter.Counters {
        final Map<String, Long> counts = new HashMap<>();

        private static String id(String company, String user, String key) {
            return company + "|" + user + "|" + key;
        }

        @Override
        public int add(List<RateLimiter.Counter> counters) {
            for (int i = 0; i < counters.size(); i++) {
                RateLimiter.Counter c = counters.get(i);
                if (counts.getOrDefault(id(c.companyId(), c.userId(), c.key()), 0L) + c.amount() > c.most()) {
                    return i;
                }
            }
            counters.forEach(c -> counts.merge(id(c.companyId(), c.userId(), c.key()), c.amount(), Long::sum));
            return -1;
        }

        @Override
        public Map<String, Long> read(String company, String user, List<String> keys) {
            Map<String, Long> out = new HashMap<>();
            keys.forEach(k -> {
                Long n = counts.get(id(company, user, k));
                if (n != null) {
                    out.put(k, n);
                }
            });
            return out;
        }
    }

    private static final RateLimits LIMITS = RateLimits.of(10, 100, 10);

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final MemoryCounters counters = new MemoryCounters();
    /** A limiter whose clock reads {@link #now}. */
    private RateLimiter limiter() {
        return new RateLimiter(counters, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Map<RateLimit, Long> job(long images) {
        Map<RateLimit, Long> amounts = new LinkedHashMap<>();
        amounts.put(LIMITS.jobs(), 1L);
        amounts.put(LIMITS.images(), images);
        return amounts;
    }

    @Test
    void tenJobsAMinuteAreAllowedAndTheEleventhIsRefusedUntilTheNextMinute() {
        now = Instant.parse("2026-12-01T10:00:15Z");
        for (int i = 0; i < 10; i++) {
            limiter().take("c", "u", job(1));
        }
        assertThatThrownBy(() -> limiter().take("c", "u", job(1))).isInstanceOfSatisfying(LimitExceeded.class, e -> {
            assertThat(e.limit().name()).isEqualTo("jobs");
            assertThat(e.retryAfterSeconds()).isEqualTo(45);
            assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-12-01T10:01:00Z"));
            assertThat(e.getMessage()).isEqualTo("You can use at most 10 jobs in a minute and none are left. Try again in 45 seconds, at 2026-12-01T10:01:00Z.");
        });
        now = Instant.parse("2026-12-01T10:01:00Z");
        limiter().take("c", "u", job(1));
    }

    @Test
    void aRefusalCountsNothingOnAnyLimit() {
        limiter().take("c", "u", job(98));
        assertThatThrownBy(() -> limiter().take("c", "u", job(3))).isInstanceOfSatisfying(LimitExceeded.class, e -> {
            assertThat(e.limit().name()).isEqualTo("images");
            assertThat(e.getMessage()).contains("only 2 images are left (this asks for 3)");
        });
        List<RateLimiter.Usage> usage = limiter().usage("c", "u", LIMITS.all());
        assertThat(usage.get(0).used()).isEqualTo(1);
        assertThat(usage.get(1).used()).isEqualTo(98);
        limiter().take("c", "u", job(2));
        assertThat(limiter().usage("c", "u", List.of(LIMITS.images())).get(0).remaining()).isZero();
    }

    @Test
    void moreThanAWholeWindowAllowsIsRefusedWithoutCounting() {
        assertThatThrownBy(() -> limiter().take("c", "u", job(101))).isInstanceOf(LimitExceeded.class);
        assertThat(counters.counts).isEmpty();
    }

    @Test
    void peopleAndCompaniesCountApart() {
        for (int i = 0; i < 10; i++) {
            limiter().take("c", "u", LIMITS.jobs());
        }
        limiter().take("c", "other", LIMITS.jobs());
        limiter().take("d", "u", LIMITS.jobs());
        assertThatThrownBy(() -> limiter().take("c", "u", LIMITS.jobs())).isInstanceOf(LimitExceeded.class);
    }

    @Test
    void windowsStartAtMultiplesOfTheirLength() {
        assertThat(RateLimiter.windowStart(LIMITS.images(), Instant.parse("2026-12-01T10:59:59.999Z"))).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(RateLimiter.windowStart(LIMITS.jobs(), Instant.parse("2026-12-01T10:00:00Z"))).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    }

    @Test
    void retryAfterRoundsUpAndIsNeverZero() {
        now = Instant.parse("2026-12-01T10:59:59.900Z");
        for (int i = 0; i < 100; i++) {
            limiter().take("c", "u", LIMITS.requests());
        }
        assertThatThrownBy(() -> limiter().take("c", "u", LIMITS.requests())).isInstanceOfSatisfying(LimitExceeded.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    }

    /** 10 a second with a burst: a page following a batch every 2 s for an hour (1,800 requests) is never refused. */
    @Test
    void requestsAreARateWithABurstNotAnHourlyQuota() {
        now = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 1800; i++) {
            limiter().take("c", "poller", LIMITS.requests());
            now = now.plusSeconds(2);
        }
        // A burst of 100 at once fits; the 101st waits for the next 10 seconds, not the next hour.
        now = Instant.parse("2026-12-01T12:00:00Z");
        for (int i = 0; i < 100; i++) {
            limiter().take("c", "burst", LIMITS.requests());
        }
        assertThatThrownBy(() -> limiter().take("c", "burst", LIMITS.requests())).isInstanceOfSatisfying(LimitExceeded.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(10));
    }

    @Test
    void usageShowsWhatIsLeftAndWhenItResets() {
        now = Instant.parse("2026-12-01T10:20:00Z");
        limiter().take("c", "u", job(40));
        RateLimiter.Usage images = limiter().usage("c", "u", LIMITS.all()).get(1);
        assertThat(images.remaining()).isEqualTo(60);
        assertThat(images.windowSeconds()).isEqualTo(3600);
        assertThat(images.resetsAt()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void limitsRefuseNonsense() {
        assertThatThrownBy(() -> new RateLimit("jobs", 0, Duration.ofMinutes(1), "jobs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit("a#b", 1, Duration.ofMinutes(1), "jobs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit("jobs", 1, Duration.ZERO, "jobs")).isInstanceOf(IllegalArgumentException.class);
    }
}
