package com.image2model.credits;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Credits.Balance;
import com.image2model.credits.Credits.Entry;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.Hold;
import com.image2model.credits.Credits.HoldEnded;
import com.image2model.credits.Credits.HoldRequest;
import com.image2model.credits.Credits.HoldStatus;
import com.image2model.credits.Credits.InsufficientCredits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every operation of the ledger's rules and every refusal, on plain values. */
class LedgerTest {

    private static final String AT = "2026-12-02T10:00:00Z";

    private static Balance granted(long credits) {
        return Ledger.credit(Balance.EMPTY, EntryType.GRANT, credits, "trial", "system", AT).after();
    }

    private static Hold open(Balance before, String id, long amount) {
        return Ledger.reserve(before, List.of(new HoldRequest(id, amount)), 1_000, "u1", AT).opened().get(0);
    }

    @Test
    void aGrantAddsToAvailableAndGrantedAndWritesEntryOne() {
        Ledger.Movement grant = Ledger.credit(Balance.EMPTY, EntryType.GRANT, 100, "trial", "system", AT);
        assertThat(grant.after()).isEqualTo(new Balance(100, 0, 100, 0, 0, 0, 0, 1));
        assertThat(grant.entries()).containsExactly(new Entry(1, EntryType.GRANT, 100, "trial", "system", AT, 100));
        assertThat(grant.after().balanced()).isTrue();
    }

    @Test
    void aPurchaseCountsAsPurchased() {
        Balance after = Ledger.credit(granted(10), EntryType.PURCHASE, 500, "cs_1", "stripe", AT).after();
        assertThat(after.available()).isEqualTo(510);
        assertThat(after.purchased()).isEqualTo(500);
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.balanced()).isTrue();
    }

    @Test
    void aGrantOrPurchaseOfZeroOrLessIsRefused() {
        for (EntryType type : List.of(EntryType.GRANT, EntryType.PURCHASE)) {
            assertThatThrownBy(() -> Ledger.credit(Balance.EMPTY, type, 0, "r", "a", AT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Ledger.credit(Balance.EMPTY, type, -5, "r", "a", AT)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anAdjustmentMayRaiseOrLower() {
        Balance up = Ledger.credit(granted(100), EntryType.ADJUST, 25, "goodwill", "ops", AT).after();
        assertThat(up.available()).isEqualTo(125);
        assertThat(up.adjusted()).isEqualTo(25);
        Ledger.Movement down = Ledger.credit(up, EntryType.ADJUST, -125, "correction", "ops", AT);
        assertThat(down.after().available()).isZero();
        assertThat(down.after().adjusted()).isEqualTo(-100);
        assertThat(down.entries().get(0).amount()).isEqualTo(125);
        assertThat(down.after().balanced()).isTrue();
    }

    @Test
    void anAdjustmentBelowZeroIsRefusedWithWhatIsAvailable() {
        assertThatThrownBy(() -> Ledger.credit(granted(60), EntryType.ADJUST, -61, "correction", "ops", AT))
                .isInstanceOfSatisfying(InsufficientCredits.class, e -> {
                    assertThat(e.needed()).isEqualTo(61);
                    assertThat(e.available()).isEqualTo(60);
                });
    }

    @Test
    void anAdjustmentOfZeroIsRefused() {
        assertThatThrownBy(() -> Ledger.credit(granted(1), EntryType.ADJUST, 0, "nothing", "ops", AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefundMayTakeTheBalanceBelowZero() {
        Ledger.Movement refund = Ledger.credit(granted(40), EntryType.REFUND, 100, "ch_1", "stripe", AT);
        assertThat(refund.after().available()).isEqualTo(-60);
        assertThat(refund.after().refunded()).isEqualTo(100);
        assertThat(refund.entries().get(0)).extracting(Entry::type, Entry::amount, Entry::balanceAfter)
                .containsExactly(EntryType.REFUND, 100L, -60L);
        assertThat(refund.after().balanced()).isTrue();
    }

    @Test
    void aRefundsSignDoesNotMatterItAlwaysGivesBack() {
        assertThat(Ledger.credit(granted(40), EntryType.REFUND, -30, "ch_1", "stripe", AT).after().available()).isEqualTo(10);
    }

    @Test
    void aRefundOfZeroIsRefused() {
        assertThatThrownBy(() -> Ledger.credit(granted(40), EntryType.REFUND, 0, "ch_1", "stripe", AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void amountsThatWouldOverflowAreRefusedNotWrapped() {
        Balance rich = granted(Long.MAX_VALUE - 1);
        assertThatThrownBy(() -> Ledger.credit(rich, EntryType.PURCHASE, 2, "cs", "stripe", AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow");
        assertThatThrownBy(() -> Ledger.reserve(granted(10), List.of(new HoldRequest("a", Long.MAX_VALUE), new HoldRequest("b", 2)), 1, "u", AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledger.credit(granted(1), EntryType.ADJUST, Long.MIN_VALUE, "x", "ops", AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void movementsThatAreNotCreditsAreNotCredits() {
        for (EntryType type : List.of(EntryType.RESERVE, EntryType.CAPTURE, EntryType.RELEASE, EntryType.EXPIRE)) {
            assertThatThrownBy(() -> Ledger.credit(granted(5), type, 1, "r", "a", AT)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aReservationMovesAvailableToHeldWithAnEntryPerHold() {
        Ledger.Movement reserve = Ledger.reserve(granted(100), List.of(new HoldRequest("h1", 20), new HoldRequest("h2", 30)), 999, "u1", AT);
        assertThat(reserve.after()).isEqualTo(new Balance(50, 50, 100, 0, 0, 0, 0, 3));
        assertThat(reserve.entries()).extracting(Entry::sequence, Entry::reference, Entry::balanceAfter)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "h1", 80L), org.assertj.core.groups.Tuple.tuple(3L, "h2", 50L));
        assertThat(reserve.opened()).extracting(Hold::status, Hold::expiresAt, Hold::actor)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(HoldStatus.OPEN, 999L, "u1"));
        assertThat(reserve.steps()).isEqualTo(2);
        assertThat(reserve.after().balanced()).isTrue();
    }

    @Test
    void aReservationTheCompanyCannotPayForIsRefusedWhole() {
        assertThatThrownBy(() -> Ledger.reserve(granted(49), List.of(new HoldRequest("h1", 20), new HoldRequest("h2", 30)), 1, "u", AT))
                .isInstanceOfSatisfying(InsufficientCredits.class, e -> {
                    assertThat(e.needed()).isEqualTo(50);
                    assertThat(e.available()).isEqualTo(49);
                });
    }

    @Test
    void aReservationOfExactlyWhatIsAvailableFits() {
        assertThat(Ledger.reserve(granted(50), List.of(new HoldRequest("h", 50)), 1, "u", AT).after().available()).isZero();
    }

    @Test
    void aNegativeBalanceReservesNothing() {
        Balance refunded = Ledger.credit(granted(10), EntryType.REFUND, 20, "ch", "stripe", AT).after();
        assertThatThrownBy(() -> Ledger.reserve(refunded, List.of(new HoldRequest("h", 1)), 1, "u", AT)).isInstanceOf(InsufficientCredits.class);
    }

    @Test
    void aReservationNeedsHoldsWithPositiveAmounts() {
        assertThatThrownBy(() -> Ledger.reserve(granted(10), List.of(), 1, "u", AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledger.reserve(granted(10), List.of(new HoldRequest("h", 0)), 1, "u", AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledger.reserve(granted(10), List.of(new HoldRequest("h", -3)), 1, "u", AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCaptureSpendsTheHeldCredits() {
        Ledger.Movement reserve = Ledger.reserve(granted(100), List.of(new HoldRequest("h", 30)), 1, "u1", AT);
        Ledger.Movement capture = Ledger.end(reserve.after(), reserve.opened().get(0), HoldStatus.CAPTURED, null, AT).orElseThrow();
        assertThat(capture.after()).isEqualTo(new Balance(70, 0, 100, 0, 0, 0, 30, 3));
        assertThat(capture.spent()).isTrue();
        assertThat(capture.ended()).extracting(Hold::status, Hold::actor).containsExactly(HoldStatus.CAPTURED, "u1");
        assertThat(capture.entries().get(0)).extracting(Entry::type, Entry::amount).containsExactly(EntryType.CAPTURE, 30L);
        assertThat(capture.after().balanced()).isTrue();
    }

    @Test
    void aSecondCaptureChangesNothing() {
        Hold captured = new Hold("h", 30, HoldStatus.CAPTURED, 1, null, "u");
        assertThat(Ledger.end(granted(70), captured, HoldStatus.CAPTURED, null, AT)).isEmpty();
    }

    @Test
    void aCaptureAfterAReleaseIsRefused() {
        Hold released = new Hold("h", 30, HoldStatus.RELEASED, 1, "failed", "u");
        assertThatThrownBy(() -> Ledger.end(granted(100), released, HoldStatus.CAPTURED, null, AT))
                .isInstanceOfSatisfying(HoldEnded.class, e -> assertThat(e.status()).isEqualTo(HoldStatus.RELEASED));
    }

    @Test
    void aCaptureAfterExpiryIsRefused() {
        Hold expired = new Hold("h", 30, HoldStatus.EXPIRED, 1, "expired", "u");
        assertThatThrownBy(() -> Ledger.end(granted(100), expired, HoldStatus.CAPTURED, null, AT)).isInstanceOf(HoldEnded.class);
    }

    @Test
    void aReleaseAfterACaptureIsRefused() {
        Hold captured = new Hold("h", 30, HoldStatus.CAPTURED, 1, null, "u");
        assertThatThrownBy(() -> Ledger.end(granted(70), captured, HoldStatus.RELEASED, "late", AT))
                .isInstanceOfSatisfying(HoldEnded.class, e -> assertThat(e.getMessage()).contains("captured"));
    }

    @Test
    void aReleaseGivesTheCreditsBackWithItsReason() {
        Ledger.Movement reserve = Ledger.reserve(granted(100), List.of(new HoldRequest("h", 30)), 1, "u1", AT);
        Ledger.Movement release = Ledger.end(reserve.after(), reserve.opened().get(0), HoldStatus.RELEASED, "cancelled", AT).orElseThrow();
        assertThat(release.after().available()).isEqualTo(100);
        assertThat(release.after().held()).isZero();
        assertThat(release.spent()).isFalse();
        assertThat(release.ended().reason()).isEqualTo("cancelled");
        assertThat(release.entries().get(0).type()).isEqualTo(EntryType.RELEASE);
    }

    @Test
    void anExpiryGivesTheCreditsBackAndIsRepeatable() {
        Ledger.Movement reserve = Ledger.reserve(granted(100), List.of(new HoldRequest("h", 30)), 1, "u1", AT);
        Ledger.Movement expire = Ledger.end(reserve.after(), reserve.opened().get(0), HoldStatus.EXPIRED, "expired", AT).orElseThrow();
        assertThat(expire.after().available()).isEqualTo(100);
        assertThat(expire.entries().get(0).type()).isEqualTo(EntryType.EXPIRE);
        assertThat(Ledger.end(expire.after(), expire.ended(), HoldStatus.EXPIRED, "expired", AT)).isEmpty();
    }

    @Test
    void anExpiryAfterACaptureIsRefused() {
        Hold captured = new Hold("h", 30, HoldStatus.CAPTURED, 1, null, "u");
        assertThatThrownBy(() -> Ledger.end(granted(70), captured, HoldStatus.EXPIRED, "expired", AT)).isInstanceOf(HoldEnded.class);
    }

    @Test
    void aHoldCannotEndAsOpen() {
        Hold hold = open(granted(10), "h", 5);
        assertThatThrownBy(() -> Ledger.end(granted(10), hold, HoldStatus.OPEN, null, AT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHoldLargerThanWhatIsHeldIsAnInconsistencyNotAMovement() {
        Hold hold = new Hold("h", 50, HoldStatus.OPEN, 1, null, "u");
        assertThatThrownBy(() -> Ledger.end(granted(10), hold, HoldStatus.CAPTURED, null, AT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOpenHoldCanBeExtendedAnEndedOneCannot() {
        Hold hold = open(granted(10), "h", 5);
        assertThat(Ledger.extend(hold, 5_000).expiresAt()).isEqualTo(5_000);
        assertThatThrownBy(() -> Ledger.extend(new Hold("h", 5, HoldStatus.CAPTURED, 1, null, "u"), 5_000)).isInstanceOf(HoldEnded.class);
    }

    @Test
    void aHoldIsDueWhenOpenAndItsTimeHasCome() {
        Hold hold = new Hold("h", 5, HoldStatus.OPEN, 100, null, "u");
        assertThat(Ledger.due(hold, 99)).isFalse();
        assertThat(Ledger.due(hold, 100)).isTrue();
        assertThat(Ledger.due(new Hold("h", 5, HoldStatus.RELEASED, 100, null, "u"), 200)).isFalse();
    }

    @Test
    void entriesAreNumberedFromTheBalancesVersion() {
        Balance balance = granted(100);
        for (int i = 0; i < 5; i++) {
            Ledger.Movement m = Ledger.credit(balance, EntryType.PURCHASE, 1, "cs" + i, "stripe", AT);
            assertThat(m.entries().get(0).sequence()).isEqualTo(balance.version() + 1);
            balance = m.after();
        }
        assertThat(balance.version()).isEqualTo(6);
    }

    @Test
    void theEntryViewShowsEveryField() {
        Entry entry = new Entry(3, EntryType.CAPTURE, 30, "h", "system", AT, 70);
        assertThat(entry.view()).containsOnlyKeys("sequence", "type", "amount", "reference", "actor", "at", "balanceAfter")
                .containsEntry("type", "CAPTURE");
    }

    @Test
    void theTrialIsTheFirstMovementOfAnyCompany() {
        Ledger.Movement trial = Ledger.credit(Balance.EMPTY, EntryType.GRANT, 100, "trial", "system", AT);
        assertThat(trial.before().version()).isZero();
        assertThat(trial.after().version()).isEqualTo(1);
    }
}
