package com.image2model.credits;

import org.junit.jupiter.api.Test;

import static com.image2model.credits.LowBalanceRule.Change.BACK_ABOVE;
import static com.image2model.credits.LowBalanceRule.Change.CROSSED_BELOW;
import static com.image2model.credits.LowBalanceRule.Change.NONE;
import static org.assertj.core.api.Assertions.assertThat;

/** Admins hear of a low balance once per fall below the threshold. */
class LowBalanceRuleTest {

    @Test
    void fallingBelowTheThresholdTells() {
        assertThat(LowBalanceRule.change(100, 60, 70)).isEqualTo(CROSSED_BELOW);
        assertThat(LowBalanceRule.change(70, 69, 70)).isEqualTo(CROSSED_BELOW);
        assertThat(LowBalanceRule.change(70, -30, 70)).isEqualTo(CROSSED_BELOW);
    }

    @Test
    void stayingBelowTellsNothingMore() {
        assertThat(LowBalanceRule.change(60, 40, 70)).isEqualTo(NONE);
        assertThat(LowBalanceRule.change(40, 60, 70)).isEqualTo(NONE);
    }

    @Test
    void comingBackAtOrAboveRearms() {
        assertThat(LowBalanceRule.change(60, 70, 70)).isEqualTo(BACK_ABOVE);
        assertThat(LowBalanceRule.change(-10, 500, 70)).isEqualTo(BACK_ABOVE);
    }

    @Test
    void movesAboveTheThresholdAreNothing() {
        assertThat(LowBalanceRule.change(500, 70, 70)).isEqualTo(NONE);
        assertThat(LowBalanceRule.change(70, 500, 70)).isEqualTo(NONE);
    }

    @Test
    void lowIsBelowTheThresholdAndTheEmailSaysHowMuchIsLeft() {
        assertThat(LowBalanceRule.low(69, 70)).isTrue();
        assertThat(LowBalanceRule.low(70, 70)).isFalse();
        assertThat(LowBalanceRule.text(12, 70)).contains("12 credits left").contains("70 credits");
    }
}
