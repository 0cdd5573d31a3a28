package com.image2model.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        executor.shutdownNow();
    }

    @Test
    void healthyWhenEveryProbeAnswers() {
        HealthCheck check = new HealthCheck(List.of(
                new HealthCheck.Probe("table", "t", () -> { }),
                new HealthCheck.Probe("queue", "q", () -> { })), executor, Duration.ofSeconds(1));

        HealthCheck.Report report = check.run();

        assertThat(report.healthy()).isTrue();
        assertThat(report.down()).isEmpty();
        assertThat(report.components()).containsOnlyKeys("table", "queue");
        assertThat(report.components().get("table").resource()).isEqualTo("t");
    }

    @Test
    void namesTheComponentThatFailsWithItsReason() {
        HealthCheck check = new HealthCheck(List.of(
                new HealthCheck.Probe("table", "t", () -> { }),
                new HealthCheck.Probe("bucket", "b", () -> {
                    throw new IllegalStateException("NoSuchBucket");
                })), executor, Duration.ofSeconds(1));

        HealthCheck.Report report = check.run();

        assertThat(report.healthy()).isFalse();
        assertThat(report.down()).containsExactly("bucket");
        assertThat(report.components().get("bucket").error()).contains("NoSuchBucket");
        assertThat(report.components().get("table").isOk()).isTrue();
    }

    @Test
    void aHangingDependencyIsDownAfterTheDeadlineNotForever() {
        HealthCheck check = new HealthCheck(List.of(
                new HealthCheck.Probe("queue", "q", never::await),
                new HealthCheck.Probe("table", "t", () -> { })), executor, Duration.ofMillis(200));

        long started = System.nanoTime();
        HealthCheck.Report report = check.run();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(report.down()).containsExactly("queue");
        assertThat(report.components().get("queue").error()).contains("no answer within 200 ms");
        // The deadline is shared by all probes, not applied to each in turn.
        assertThat(tookMillis).isLessThan(5_000);
    }
}
