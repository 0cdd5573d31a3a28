package com.image2model.devstack.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;

/**
 * Credit reservations per second against ONE company's balance (the contended case: every
 * reservation moves the same balance item) in the devstack's DynamoDB engine, through the ledger the
 * functions use, with N concurrent callers for a fixed time.
 */
public final class ReserveBench {

    private final Path root;
    private final int threads;
    private final int seconds;

    public ReserveBench(Path root, int threads, int seconds) {
        this.root = root;
        this.threads = threads;
        this.seconds = seconds;
    }

    public void run(PrintStream out) throws Exception {
        try (Stack stack = Stack.start(Stack.Options.forTests(root), false)) {
            CreditLedger ledger = new CreditLedger(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), Clock.systemUTC());
            out.printf("Reservations against one company's balance: %d callers, %d s, the devstack's DynamoDB engine in this JVM, %d cores%n",
                    threads, seconds, Runtime.getRuntime().availableProcessors());
            for (int callers : List.of(1, threads)) {
                String company = "bench-" + UUID.randomUUID();
                ledger.grant(company, 1_000_000_000L, "bench", "bench");
                // Warm-up: class loading and the JIT, not measured.
                for (int i = 0; i < 200; i++) {
                    ledger.reserve(company, "warm-" + i, 35, Instant.now().plusSeconds(3600));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                ExecutorService pool = Executors.newFixedThreadPool(callers);
                List<Future<List<Long>>> results = new ArrayList<>();
                for (int t = 0; t < callers; t++) {
                    int caller = t;
                    results.add(pool.submit(() -> {
                        List<Long> latencies = new ArrayList<>();
                        for (int i = 0; System.nanoTime() < deadline; i++) {
                            long start = System.nanoTime();
                            ledger.reserve(company, "c" + caller + "-" + i, 35, Instant.now().plusSeconds(3600));
                            latencies.add(System.nanoTime() - start);
                        }
                        return latencies;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> result : results) {
                    all.addAll(result.get());
                }
                pool.shutdown();
                Collections.sort(all);
                CreditLedger.Balance balance = ledger.balance(company);
                long expectedHeld = (all.size() + 200L) * 35;
                out.printf("  %2d caller(s): %6d reservations in %d s = %7.1f per second; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                                + " held %d (expected %d)%n",
                        callers, all.size(), seconds, all.size() / (double) seconds, ms(all, 0.50), ms(all, 0.99),
                        all.get(all.size() - 1) / 1e6, balance.held(), expectedHeld);
                if (balance.held() != expectedHeld) {
                    throw new IllegalStateException("held " + balance.held() + " but " + expectedHeld + " reserved");
                }
            }
        }
    }

    private static double ms(List<Long> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * quantile))) / 1e6;
    }
}
