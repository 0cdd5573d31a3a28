package com.image2model.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every dependency whether it is reachable, all at once, and gives up on any that has not
 * answered within the deadline: a health check must answer quickly even when a dependency hangs.
 */
public final class HealthCheck {

    /** One dependency: a name for the report, what it is, and a call that throws when it is down. */
    public record Probe(String component, String resource, ProbeCall call) {
    }

    @FunctionalInterface
    public interface ProbeCall {
        void check() throws Exception;
    }

    public record ComponentStatus(String status, String resource, String error) {
        static ComponentStatus ok(String resource) {
            return new ComponentStatus("ok", resource, null);
        }

        static ComponentStatus down(String resource, String error) {
            return new ComponentStatus("down", resource, error);
        }

        public boolean isOk() {
            return "ok".equals(status);
        }
    }

    public record Report(Map<String, ComponentStatus> components) {
        public boolean healthy() {
            return components.values().stream().allMatch(ComponentStatus::isOk);
        }

        public List<String> down() {
            List<String> names = new ArrayList<>();
            components.forEach((name, status) -> {
                if (!status.isOk()) {
                    names.add(name);
                }
            });
            return names;
        }
    }

    private final List<Probe> probes;
    private final ExecutorService executor;
    private final Duration deadline;

    public HealthCheck(List<Probe> probes, ExecutorService executor, Duration deadline) {
        this.probes = List.copyOf(probes);
        this.executor = executor;
        this.deadline = deadline;
    }

    public Report run() {
        Map<String, CompletableFuture<ComponentStatus>> pending = new LinkedHashMap<>();
        for (Probe probe : probes) {
            pending.put(probe.component(), CompletableFuture.supplyAsync(() -> attempt(probe), executor));
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Map<String, ComponentStatus> results = new LinkedHashMap<>();
        pending.forEach((component, future) -> {
            String resource = resourceOf(component);
            long remaining = Math.max(0, deadlineNanos - System.nanoTime());
            try {
                results.put(component, future.get(remaining, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                future.cancel(true);
                results.put(component, ComponentStatus.down(resource, "no answer within " + deadline.toMillis() + " ms"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.put(component, ComponentStatus.down(resource, "interrupted"));
            } catch (Exception e) {
                results.put(component, ComponentStatus.down(resource, describe(e)));
            }
        });
        return new Report(results);
    }

    private String resourceOf(String component) {
        return probes.stream().filter(p -> p.component().equals(component)).findFirst()
                .map(Probe::resource).orElse(component);
    }

    private static ComponentStatus attempt(Probe probe) {
        try {
            probe.call().check();
            return ComponentStatus.ok(probe.resource());
        } catch (Exception e) {
            return ComponentStatus.down(probe.resource(), describe(e));
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        // Keep the report readable: SDK messages carry request ids and long service text.
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
