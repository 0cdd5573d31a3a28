package com.image2model.credits;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Unlimited plan's fair use: a monthly cap, a warning before it, and whole jobs refused past it. */
class FairUseRuleTest {

    @Test
    void aMonthIsTheUtcCalendarMonth() {
        assertThat(FairUseRule.month(Instant.parse("2026-12-31T23:59:59Z"))).isEqualTo("2026-12");
        assertThat(FairUseRule.month(Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo("2027-01");
    }

    @Test
    void theCountStartsAgainOnTheFirstOfTheNextMonth() {
        assertThat(FairUseRule.resetsOn("2026-12")).isEqualTo("2027-01-01");
        assertThat(FairUseRule.resetsOn("2027-02")).isEqualTo("2027-03-01");
    }

    @Test
    void theWarningComesFromItsShareOnAndTheCapWhenReached() {
        assertThat(FairUseRule.standing("2026-12", 159, 200, 80)).extracting(FairUseRule.Standing::warning, FairUseRule.Standing::reached)
                .containsExactly(false, false);
        assertThat(FairUseRule.standing("2026-12", 160, 200, 80).warning()).isTrue();
        assertThat(FairUseRule.standing("2026-12", 200, 200, 80).reached()).isTrue();
    }

    @Test
    void aJobFitsOnlyWhole() {
        assertThat(FairUseRule.fits(190, 200, 10)).isTrue();
        assertThat(FairUseRule.fits(191, 200, 10)).isFalse();
        assertThat(FairUseRule.fits(0, 200, 201)).isFalse();
    }

    @Test
    void fairUseCountsPositiveImages() {
        assertThatThrownBy(() -> FairUseRule.room(200, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FairUseRule.room(200, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRefusalSaysWhatToDoAndWhen() {
        FairUseRule.CapReached reached = new FairUseRule.CapReached(FairUseRule.standing("2026-12", 200, 200, 80), "2027-01-01");
        assertThat(reached.getMessage()).contains("200 images in 2026-12").contains("Buy a credit pack").contains("2027-01-01");
        assertThat(reached.standing().reached()).isTrue();
    }

    @Test
    void theStandingAsTheApiShowsIt() {
        assertThat(FairUseRule.standing("2026-12", 5, 200, 80).view()).containsEntry("images", 5L).containsEntry("cap", 200L)
                .containsOnlyKeys("month", "images", "cap", "warning", "reached");
    }

    @Test
    void anOverduePlanServesForItsGracePeriodOnly() {
        long since = 1_000_000;
        assertThat(FairUseRule.planServes("active", null, since, 3)).isTrue();
        assertThat(FairUseRule.planServes("trialing", null, since, 3)).isTrue();
        assertThat(FairUseRule.planServes("past_due", since, since + 3 * 86_400 - 1, 3)).isTrue();
        assertThat(FairUseRule.planServes("past_due", since, since + 3 * 86_400, 3)).isFalse();
        assertThat(FairUseRule.planServes("unpaid", since, since + 5 * 86_400, 3)).isFalse();
        assertThat(FairUseRule.planServes("incomplete", null, since, 3)).as("overdue with no start known: no grace").isFalse();
    }
}
