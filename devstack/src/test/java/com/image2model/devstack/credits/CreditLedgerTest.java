package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.image2model.credits.CreditLedger;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.HoldStatus;
import com.image2model.devstack.TestStack;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** The ledger against the devstack's DynamoDB engine, through the functions' own SDK client. */
class CreditLedgerTest {

    static {
        TestStack.get();
    }

    private final CreditLedger ledger = new CreditLedger(AwsClients.dynamoDb(), com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME), Clock.systemUTC());
    private final String company = "ledger-" + UUID.randomUUID();

    @Test
    void manyHoldsAreReservedAllOrNoneAndARetryHoldsNothingMore() {
        ledger.grant(company, 60 * 52, "pack", "pack");
        java.util.List<CreditLedger.HoldRequest> job = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            job.add(new CreditLedger.HoldRequest("JOB#j1#f" + i, 52));
        }
        Instant later = Instant.now().plusSeconds(3600);

        assertThat(ledger.reserveAll(company, job, later, "user-1")).hasSize(60);
        // The same request again (a client or Lambda retry): the same holds, nothing more held.
        assertThat(ledger.reserveAll(company, job, later, "user-1")).hasSize(60);
        assertThat(ledger.balance(company)).extracting(CreditLedger.Balance::available, CreditLedger.Balance::held).containsExactly(0L, 60L * 52);
        assertThat(ledger.entries(company, null, 100)).filteredOn(e -> e.type() == EntryType.RESERVE).hasSize(60);

        // One more job the company cannot pay for: refused, nothing held for it.
        assertThatThrownBy(() -> ledger.reserveAll(company, java.util.List.of(new CreditLedger.HoldRequest("JOB#j2#f0", 52)), later, "user-1"))
                .isInstanceOf(CreditLedger.InsufficientCredits.class);
        assertThat(ledger.hold(company, "JOB#j2#f0")).isEmpty();
        LedgerInvariant.check(ledger, company).assertHolds();
    }

    @Test
    void holdsDrawOnAProjectsBudgetInTheirOwnTransactionAndAStaleOrArchivedBudgetRefusesThem() {
        ledger.grant(company, 1_000, "pack", "pack");
        com.image2model.projects.ProjectStore projects = new com.image2model.projects.ProjectStore(AwsClients.dynamoDb(),
                TestStack.setting(Settings.TABLE_NAME), Clock.systemUTC());
        String project = projects.create(company, new com.image2model.projects.ProjectChange("Budgeted", null, false, 100L, true, null))
                .projectId();
        Instant later = Instant.now().plusSeconds(3600);
        CreditLedger.Budget budget = new CreditLedger.Budget(project, 100L);
        ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j1#f1", 60)), later, "u", budget);
        assertThat(ledger.hold(company, "JOB#j1#f1").orElseThrow().project()).isEqualTo(project);
        // The same budget read before that job: the table refuses what the stale read would allow.
        assertThatThrownBy(() -> ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j2#f1", 60)), later, "u", budget))
                .isInstanceOf(CreditLedger.BudgetRefused.class);
        assertThat(ledger.hold(company, "JOB#j2#f1")).isEmpty();
        // A limit that is not the project's any more is refused too (an admin changed it meanwhile), and so is no limit at all.
        assertThatThrownBy(() -> ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j3#f1", 10)), later, "u",
                new CreditLedger.Budget(project, 500L))).isInstanceOf(CreditLedger.BudgetRefused.class);
        assertThatThrownBy(() -> ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j3#f1", 10)), later, "u",
                new CreditLedger.Budget(project, null))).isInstanceOf(CreditLedger.BudgetRefused.class);
        // Many groups (more holds than one transaction takes): a later group over the budget undoes the earlier ones.
        String groups = projects.create(company, new com.image2model.projects.ProjectChange("Groups", null, false, 60L, true, null))
                .projectId();
        List<CreditLedger.HoldRequest> many = new ArrayList<>();
        for (int i = 0; i < 61; i++) {
            many.add(new CreditLedger.HoldRequest("JOB#j4#f" + i, 1));
        }
        assertThatThrownBy(() -> ledger.reserveAll(company, many, later, "u", new CreditLedger.Budget(groups, 60L)))
                .isInstanceOf(CreditLedger.BudgetRefused.class);
        assertThat(ledger.hold(company, "JOB#j4#f0").orElseThrow().status()).as("the first group, undone").isEqualTo(HoldStatus.RELEASED);
        assertThat(projects.project(company, groups).orElseThrow().committed()).isZero();
        assertThat(projects.project(company, project).orElseThrow().committed()).isEqualTo(60);
        assertThat(ledger.balance(company).held()).isEqualTo(60);

        // Released: the budget has it again; captured: it stays committed and counts as spent.
        ledger.release(company, "JOB#j1#f1", "failed");
        assertThat(projects.project(company, project).orElseThrow().committed()).isZero();
        ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j5#f1", 100)), later, "u", budget);
        ledger.capture(company, "JOB#j5#f1");
        assertThat(projects.project(company, project).orElseThrow()).extracting(p -> p.committed(), p -> p.spent(), p -> p.remaining())
                .containsExactly(100L, 100L, 0L);
        assertThat(ledger.usage(company, "2000-01-01", "2999-12-31", CreditLedger.UsageGroup.PROJECT))
                .extracting(CreditLedger.Usage::member, CreditLedger.Usage::credits).containsExactly(org.assertj.core.groups.Tuple.tuple(project, 100L));
        assertThat(ledger.usage(company, "2000-01-01", "2999-12-31", CreditLedger.UsageGroup.MEMBER)).hasSize(1);
        assertThat(ledger.usage(company, "2000-01-01", "2999-12-31", CreditLedger.UsageGroup.DAY)).hasSize(1);

        // Archived: refused; what it held before still comes back when released.
        String other = projects.create(company, new com.image2model.projects.ProjectChange("Shelved", null, false, null, false, null)).projectId();
        ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j6#f1", 30)), later, "u", new CreditLedger.Budget(other, null));
        projects.update(company, other, new com.image2model.projects.ProjectChange(null, null, false, null, false, true));
        assertThatThrownBy(() -> ledger.reserveAll(company, List.of(new CreditLedger.HoldRequest("JOB#j7#f1", 1)), later, "u",
                new CreditLedger.Budget(other, null))).isInstanceOf(CreditLedger.BudgetRefused.class);
        ledger.release(company, "JOB#j6#f1", "cancelled");
        assertThat(projects.project(company, other).orElseThrow().committed()).isZero();
        LedgerInvariant.check(ledger, company).assertHolds();
    }

    @Test
    void aHoldIsCapturedOrReleasedOnceAndEveryMovementIsAnEntry() {
        ledger.grant(company, 200, "trial", "trial");
        ledger.grant(company, 200, "trial", "trial");
        assertThat(ledger.balance(company).available()).as("the same grant twice is one grant").isEqualTo(200);

        Instant later = Instant.now().plusSeconds(3600);
        ledger.reserve(company, "file-1", 52, later);
        ledger.reserve(company, "file-1", 52, later);
        ledger.reserve(company, "file-2", 70, later);
        assertThat(ledger.balance(company)).extracting(CreditLedger.Balance::available, CreditLedger.Balance::held).containsExactly(78L, 122L);

        assertThat(ledger.capture(company, "file-1").status()).isEqualTo(HoldStatus.CAPTURED);
        assertThat(ledger.capture(company, "file-1").status()).as("repeating is a no-op").isEqualTo(HoldStatus.CAPTURED);
        assertThatThrownBy(() -> ledger.release(company, "file-1", "late")).isInstanceOf(CreditLedger.HoldEnded.class);
        assertThat(ledger.release(company, "file-2", "image too small").reason()).isEqualTo("image too small");
        assertThatThrownBy(() -> ledger.capture(company, "file-2")).isInstanceOf(CreditLedger.HoldEnded.class);

        CreditLedger.Balance balance = ledger.balance(company);
        assertThat(balance.available()).isEqualTo(148);
        assertThat(balance.held()).isZero();
        assertThat(balance.captured()).isEqualTo(52);
        assertThat(ledger.entries(company, null, 50)).extracting(CreditLedger.Entry::type).containsExactly(
                EntryType.RELEASE, EntryType.CAPTURE, EntryType.RESERVE, EntryType.RESERVE, EntryType.GRANT);
        assertThat(ledger.entries(company, null, 50)).extracting(CreditLedger.Entry::balanceAfter).containsExactly(148L, 78L, 78L, 148L, 200L);
        assertThat(ledger.entries(company, 3L, 50)).extracting(CreditLedger.Entry::sequence).containsExactly(2L, 1L);
    }

    @Test
    void aSeatPlanGrantsItsIncludedCreditsOncePerPeriod() {
        com.image2model.credits.Catalog catalog = com.image2model.credits.Catalog.load();
        ledger.grantPlanCredits(company, catalog, "plan_starter", 3, "in_2026_11");
        ledger.grantPlanCredits(company, catalog, "plan_starter", 3, "in_2026_11");
        assertThat(ledger.balance(company).available()).isEqualTo(3000);
        ledger.grantPlanCredits(company, catalog, "plan_starter", 3, "in_2026_12");
        assertThat(ledger.balance(company).available()).isEqualTo(6000);
        assertThat(catalog.includedCredits("plan_professional", 2)).isEqualTo(6000);
        assertThat(catalog.includedCredits("plan_enterprise", 1)).isEqualTo(15000);
        assertThatThrownBy(() -> ledger.grantPlanCredits(company, catalog, "plan_unlimited", 1, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        com.image2model.platform.ApiException refusal = com.image2model.credits.PaymentRequired.of(
                org.junit.jupiter.api.Assertions.assertThrows(CreditLedger.InsufficientCredits.class,
                        () -> ledger.reserve(company, "huge", 10_000, Instant.now().plusSeconds(60))));
        assertThat(refusal.status()).isEqualTo(402);
        assertThat(refusal.code()).isEqualTo("insufficient_credits");
        assertThat(refusal.getMessage()).contains("Buy a credit pack");
    }

    @Test
    void aReservationTheCompanyCannotPayIsRefusedAndChangesNothing() {
        ledger.grant(company, 60, "trial", "t");
        assertThatThrownBy(() -> ledger.reserve(company, "big", 70, Instant.now().plusSeconds(60)))
                .isInstanceOf(CreditLedger.InsufficientCredits.class).hasMessageContaining("70").hasMessageContaining("60");
        assertThat(ledger.hold(company, "big")).isEmpty();
        assertThat(ledger.balance(company).available()).isEqualTo(60);
        assertThatThrownBy(() -> ledger.adjust(company, -61, "correction", "ops@image2model", "adj-1"))
                .isInstanceOf(CreditLedger.InsufficientCredits.class);
        ledger.refund(company, 100, "ch_1", "refund-1", com.image2model.platform.TableTransaction.empty());
        assertThat(ledger.balance(company).available()).as("a refund may leave the balance negative").isEqualTo(-40);
    }

    @Test
    void theSweeperExpiresHoldsPastTheirTimeButNotExtendedOnes() {
        ledger.grant(company, 500, "trial", "t");
        Instant past = Instant.now().minusSeconds(5);
        ledger.reserve(company, "stale", 35, past);
        ledger.reserve(company, "busy", 35, past);
        ledger.extend(company, "busy", Instant.now().plusSeconds(600));

        int expired = 0;
        for (int i = 0; i < 20 && ledger.hold(company, "stale").orElseThrow().status() == HoldStatus.OPEN; i++) {
            expired += ledger.sweep(Instant.now(), 1000);
        }
        assertThat(ledger.hold(company, "stale").orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
        assertThat(ledger.hold(company, "busy").orElseThrow().status()).isEqualTo(HoldStatus.OPEN);
        assertThat(expired).isGreaterThanOrEqualTo(1);
        assertThat(ledger.balance(company).available()).isEqualTo(465);
    }

    @Test
    void aHundredParallelReservationsAgainstABalanceForThirtySevenSucceedExactlyThirtySevenTimes() throws Exception {
        ledger.grant(company, 37 * 35, "pack", "pack-1");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger refused = new AtomicInteger();
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String holdId = "file-" + i;
            calls.add(() -> {
                try {
                    ledger.reserve(company, holdId, 35, Instant.now().plusSeconds(900));
                    return true;
                } catch (CreditLedger.InsufficientCredits e) {
                    refused.incrementAndGet();
                    return false;
                }
            });
        }
        int succeeded = 0;
        for (Future<Boolean> result : pool.invokeAll(calls)) {
            succeeded += result.get() ? 1 : 0;
        }
        pool.shutdown();

        CreditLedger.Balance balance = ledger.balance(company);
        System.out.printf("parallel reservations: 100 tried, %d succeeded, %d refused, available %d, held %d%n",
                succeeded, refused.get(), balance.available(), balance.held());
        assertThat(succeeded).isEqualTo(37);
        assertThat(refused.get()).isEqualTo(63);
        assertThat(balance.available()).isZero();
        assertThat(balance.held()).isEqualTo(37 * 35);
        assertThat(ledger.holds(company)).hasSize(37);
        assertThat(ledger.entries(company, null, 200)).allSatisfy(e -> assertThat(e.balanceAfter()).isGreaterThanOrEqualTo(0));
        LedgerInvariant.check(ledger, company).assertHolds();
    }
}
