package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import com.image2model.credits.CreditLedger;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.aws.LocalAws;
import com.image2model.platform.Settings;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Thousands of random credit operations against the devstack's DynamoDB engine: reserve, capture, release, grant,
 * adjust, extend and sweep, with duplicates of each, and crashes injected around the commits (the
 * caller never hears back, then retries as Lambda and SQS would). After every step the invariant is
 * checked; the whole ledger is replayed regularly and at the end.
 */
class LedgerModelTest {

    private static final int OPERATIONS = Integer.getInteger("ledger.model.operations", 2000);

    /** A crash of the caller, not of DynamoDB: the write may or may not have happened. */
    static final class Crash extends RuntimeException {
        Crash(String when) {
            super("injected crash " + when);
        }
    }

    /** Fails some transactions before they are sent, and some after DynamoDB applied them. */
    static final class Crasher implements ExecutionInterceptor {
        final Random random;
        volatile boolean on = true;
        int before;
        int after;

        Crasher(long seed) {
            random = new Random(seed);
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (on && context.request() instanceof TransactWriteItemsRequest && random.nextInt(100) < 5) {
                before++;
                throw new Crash("before the commit");
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (on && context.request() instanceof TransactWriteItemsRequest && random.nextInt(100) < 10) {
                after++;
                throw new Crash("after the commit");
            }
        }
    }

    @Test
    void randomOperationsWithDuplicatesAndCrashesNeverBreakTheInvariant() {
        long seed = Long.getLong("ledger.model.seed", System.nanoTime());
        Random random = new Random(seed);
        Crasher crasher = new Crasher(seed);
        DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(TestStack.get().aws().dynamoDbEndpoint()).region(Region.of(LocalAws.REGION))
                .credentialsProvider(LocalAws.credentials()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(crasher)).build();
        CreditLedger ledger = new CreditLedger(client, com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME), Clock.systemUTC());
        String company = "model-" + UUID.randomUUID();
        List<String> holds = new ArrayList<>();
        List<String> grantKeys = new ArrayList<>();
        // The model: what each idempotency key moved, once (a duplicate must change nothing).
        java.util.Map<String, Long> granted = new java.util.HashMap<>();
        java.util.Map<String, Long> adjusted = new java.util.HashMap<>();
        long[] amounts = {35, 52, 70};
        int violations = 0;
        int refused = 0;
        int retries = 0;
        List<String> firstViolations = new ArrayList<>();

        for (int step = 1; step <= OPERATIONS; step++) {
            int choice = random.nextInt(100);
            Callable<?> operation;
            if (choice < 35) {
                String holdId = !holds.isEmpty() && random.nextInt(5) == 0 ? pick(holds, random) : "h" + step;
                if (!holds.contains(holdId)) {
                    holds.add(holdId);
                }
                long amount = amounts[random.nextInt(amounts.length)];
                Instant expires = Instant.now().plusSeconds(random.nextInt(4) == 0 ? -5 : 3600);
                operation = () -> ledger.reserve(company, holdId, amount, expires);
            } else if (choice < 55 && !holds.isEmpty()) {
                String holdId = pick(holds, random);
                operation = () -> ledger.capture(company, holdId);
            } else if (choice < 70 && !holds.isEmpty()) {
                String holdId = pick(holds, random);
                operation = () -> ledger.release(company, holdId, "failed");
            } else if (choice < 82) {
                String key = !grantKeys.isEmpty() && random.nextInt(3) == 0 ? pick(grantKeys, random) : "g" + step;
                grantKeys.add(key);
                long amount = 50 + random.nextInt(450);
                operation = () -> {
                    CreditLedger.Entry entry = ledger.grant(company, amount, "grant", key);
                    granted.putIfAbsent(key, entry.amount());
                    return entry;
                };
            } else if (choice < 88) {
                String key = "a" + (random.nextInt(4) == 0 ? step - 1 : step);
                long amount = random.nextBoolean() ? 25 : -25;
                operation = () -> {
                    CreditLedger.Entry entry = ledger.adjust(company, amount, "correction", "ops", key);
                    adjusted.putIfAbsent(key, amount);
                    return entry;
                };
            } else if (choice < 94 && !holds.isEmpty()) {
                String holdId = pick(holds, random);
                operation = () -> ledger.extend(company, holdId, Instant.now().plusSeconds(7200));
            } else {
                operation = () -> ledger.sweep(Instant.now(), 50);
            }

            for (int attempt = 0; ; attempt++) {
                try {
                    operation.call();
                    break;
                } catch (CreditLedger.InsufficientCredits | CreditLedger.HoldEnded | IllegalArgumentException expected) {
                    refused++;
                    break;
                } catch (Exception e) {
                    if (!(rootCause(e) instanceof Crash) || attempt > 20) {
                        throw new AssertionError("step " + step + " failed (seed " + seed + ")", e);
                    }
                    retries++;
                }
            }

            crasher.on = false;
            LedgerInvariant invariant = step % 100 == 0 || step == OPERATIONS
                    ? LedgerInvariant.check(ledger, company) : LedgerInvariant.quick(ledger, company);
            crasher.on = true;
            if (!invariant.violations().isEmpty()) {
                violations += invariant.violations().size();
                if (firstViolations.size() < 5) {
                    firstViolations.add("step " + step + ": " + invariant.violations());
                }
            }
        }
        CreditLedger.Balance end = ledger.balance(company);
        long grantedByModel = granted.values().stream().mapToLong(Long::longValue).sum();
        long adjustedByModel = adjusted.values().stream().mapToLong(Long::longValue).sum();
        if (end.granted() != grantedByModel || end.adjusted() != adjustedByModel) {
            violations++;
            firstViolations.add("granted " + end.granted() + " (model " + grantedByModel + "), adjusted " + end.adjusted()
                    + " (model " + adjustedByModel + ")");
        }
        System.out.printf("ledger model test (seed %d): %d operations, %d refused as expected, %d crashes (%d before, %d after a commit),"
                        + " %d retries, %d ledger entries, %d holds, available %d, held %d, violations: %d%n",
                seed, OPERATIONS, refused, crasher.before + crasher.after, crasher.before, crasher.after, retries, end.version(),
                holds.size(), end.available(), end.held(), violations);
        assertThat(firstViolations).isEmpty();
        assertThat(violations).isZero();
        assertThat(crasher.after).as("crashes after a commit were injected").isPositive();
        client.close();
    }

    private static String pick(List<String> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof Crash)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
