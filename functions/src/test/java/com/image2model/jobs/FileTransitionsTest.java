package com.image2model.jobs;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.image2model.jobs.FileTransitions.Step;
import com.image2model.jobs.Jobs.FileState;
import com.image2model.jobs.Jobs.Job;

import static com.image2model.jobs.Jobs.FileState.AWAITING_UPLOAD;
import static com.image2model.jobs.Jobs.FileState.CANCELLED;
import static com.image2model.jobs.Jobs.FileState.DONE;
import static com.image2model.jobs.Jobs.FileState.FAILED;
import static com.image2model.jobs.Jobs.FileState.SUBMITTED;
import static com.image2model.jobs.Jobs.FileState.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;

/** Every pair of file states, allowed or refused, and every step from every state. */
class FileTransitionsTest {

    /** The whole table, written out by hand: what may follow what. */
    private static final java.util.Map<FileState, Set<FileState>> EXPECTED = java.util.Map.of(
            AWAITING_UPLOAD, EnumSet.of(UPLOADED, FAILED, CANCELLED),
            UPLOADED, EnumSet.of(SUBMITTED, DONE, FAILED, CANCELLED),
            SUBMITTED, EnumSet.of(DONE, FAILED, CANCELLED),
            DONE, EnumSet.noneOf(FileState.class),
            FAILED, EnumSet.noneOf(FileState.class),
            CANCELLED, EnumSet.noneOf(FileState.class));

    static Stream<Arguments> everyPair() {
        return Stream.of(FileState.values()).flatMap(from -> Stream.of(FileState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void aStateMayFollowAnotherExactlyWhenTheTableSaysSo(FileState from, FileState to) {
        assertThat(FileTransitions.mayFollow(from, to)).isEqualTo(EXPECTED.get(from).contains(to));
    }

    static Stream<Arguments> everyStepFromEveryState() {
        return Stream.of(Step.values()).flatMap(step -> Stream.of(FileState.values()).map(state -> Arguments.of(step, state)));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("everyStepFromEveryState")
    void aStepIsAllowedOnlyFromItsStatesAndLeadsWhereTheTableSays(Step step, FileState state) {
        boolean allowed = step.allowedFrom(state);
        assertThat(allowed).isEqualTo(stepStarts(step, state));
        if (allowed) {
            assertThat(EXPECTED.get(state)).contains(step.to());
        }
        assertThat(FileTransitions.condition(step, state)).isEqualTo(allowed ? EnumSet.of(state) : EnumSet.noneOf(FileState.class));
    }

    /** Which open states each step names (its from-set), by hand. */
    private static boolean stepStarts(Step step, FileState state) {
        return switch (step) {
            case UPLOAD_ARRIVED, UPLOAD_REFUSED -> state == AWAITING_UPLOAD;
            case SUBMITTED, NOT_SUBMITTED -> state == UPLOADED;
            case MODEL_STORED, GENERATION_FAILED -> state == UPLOADED || state == SUBMITTED;
            case CANCELLED, HOLD_EXPIRED -> !state.terminal();
        };
    }

    @ParameterizedTest
    @EnumSource(FileState.class)
    void finalStatesHaveNoNextAndOpenOnesDo(FileState state) {
        assertThat(FileTransitions.next(state)).isEqualTo(EXPECTED.get(state));
        assertThat(FileTransitions.next(state).isEmpty()).isEqualTo(state.terminal());
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aStepWithoutAReadStateIsConditionedOnAllItsFromStates(Step step) {
        assertThat(FileTransitions.condition(step, null)).isEqualTo(step.from()).isNotEmpty();
        assertThat(step.from()).allMatch(state -> !state.terminal());
    }

    @Test
    void fromStatesCannotBeChangedThroughTheirCopy() {
        Set<FileState> from = Step.CANCELLED.from();
        from.clear();
        assertThat(Step.CANCELLED.from()).hasSize(3);
    }

    @Test
    void openStatesAreTheNonFinalOnes() {
        assertThat(Jobs.OPEN_STATES).containsExactlyInAnyOrder(AWAITING_UPLOAD, UPLOADED, SUBMITTED);
    }

    private static Job job(int files, int uploaded, int done, int failed, int cancelled, boolean cancelRequested) {
        return new Job("c", "j", null, "standard", files, 10, 10L * files, "t", "u", "t", uploaded, done, failed, cancelled, cancelRequested, null, "general", null, 0);
    }

    @Test
    void aJobsStateIsDerivedFromItsCounters() {
        assertThat(job(3, 0, 0, 0, 0, false).state()).isEqualTo("CREATED");
        assertThat(job(3, 1, 0, 0, 0, false).state()).isEqualTo("PROCESSING");
        assertThat(job(3, 3, 1, 0, 0, false).state()).isEqualTo("PROCESSING");
        assertThat(job(3, 3, 3, 0, 0, false).state()).isEqualTo("DONE");
        assertThat(job(3, 3, 2, 1, 0, false).state()).isEqualTo("PARTIAL");
        assertThat(job(3, 3, 0, 3, 0, false).state()).isEqualTo("FAILED");
        assertThat(job(3, 0, 0, 0, 3, false).state()).isEqualTo("CANCELLED");
        assertThat(job(3, 1, 1, 0, 2, true).state()).isEqualTo("CANCELLED");
    }
}
