package com.image2model.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** When a sent image whose webhook has not come is asked about. */
class PollScheduleTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void theFirstLookComesAtTwiceTheTypicalRunTimeNeverLaterThanTheSetting() {
        assertThat(PollSchedule.first(45, TEN_MINUTES)).isEqualTo(Duration.ofSeconds(90));
        assertThat(PollSchedule.first(400, TEN_MINUTES)).isEqualTo(TEN_MINUTES);
        assertThat(PollSchedule.first(45, Duration.ofSeconds(2))).as("the test stack's 2 s").isEqualTo(Duration.ofSeconds(2));
        assertThat(PollSchedule.first(0, TEN_MINUTES)).as("no typical time known").isEqualTo(TEN_MINUTES);
    }

    @Test
    void laterLooksBackOffWithTheTimeSpentFromFifteenSecondsToTheSetting() {
        assertThat(PollSchedule.next(Duration.ofSeconds(10), FIVE_MINUTES)).isEqualTo(Duration.ofSeconds(15));
        assertThat(PollSchedule.next(Duration.ofSeconds(90), FIVE_MINUTES)).isEqualTo(Duration.ofSeconds(45));
        assertThat(PollSchedule.next(Duration.ofSeconds(200), FIVE_MINUTES)).isEqualTo(Duration.ofSeconds(100));
        assertThat(PollSchedule.next(Duration.ofHours(1), FIVE_MINUTES)).isEqualTo(FIVE_MINUTES);
        assertThat(PollSchedule.next(Duration.ofSeconds(-5), FIVE_MINUTES)).as("a clock behind").isEqualTo(Duration.ofSeconds(15));
        assertThat(PollSchedule.next(Duration.ofSeconds(30), Duration.ofSeconds(1))).as("the test stack's 1 s").isEqualTo(Duration.ofSeconds(1));
    }
}
