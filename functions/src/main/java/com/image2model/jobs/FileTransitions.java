package com.image2model.jobs;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import com.image2model.jobs.Jobs.FileState;

/**
 * The file's state machine, in one table: each step a file can take, the states it may take it
 * from, and where it leads. Every write of a file's state goes through a step ({@link JobStore}
 * turns the from-states into the write's condition), so a repeated step (a duplicate SQS message, a
 * second webhook) finds the file moved on and changes nothing.
 *
 * <pre>
 * AWAITING_UPLOAD --upload arrives--> UPLOADED --sent to FAL--> SUBMITTED --model stored--> DONE
 *        |                               |                         |
 *        +--upload refused--> FAILED     +--not sent / failed--> FAILED <--generation failed--+
 * any open state --cancelled--> CANCELLED;  any open state --hold expired--> FAILED
 * DONE, FAILED, CANCELLED are final.
 * </pre>
 */
public final class FileTransitions {

    /** A step a file can take. */
    public enum Step {
        UPLOAD_ARRIVED(FileState.UPLOADED, FileState.AWAITING_UPLOAD),
        UPLOAD_REFUSED(FileState.FAILED, FileState.AWAITING_UPLOAD),
        SUBMITTED(FileState.SUBMITTED, FileState.UPLOADED),
        NOT_SUBMITTED(FileState.FAILED, FileState.UPLOADED),
        MODEL_STORED(FileState.DONE, FileState.UPLOADED, FileState.SUBMITTED),
        GENERATION_FAILED(FileState.FAILED, FileState.UPLOADED, FileState.SUBMITTED),
        CANCELLED(FileState.CANCELLED, FileState.AWAITING_UPLOAD, FileState.UPLOADED, FileState.SUBMITTED),
        HOLD_EXPIRED(FileState.FAILED, FileState.AWAITING_UPLOAD, FileState.UPLOADED, FileState.SUBMITTED);

        private final FileState to;
        private final Set<FileState> from;

        Step(FileState to, FileState first, FileState... more) {
            this.to = to;
            this.from = EnumSet.of(first, more);
        }

        public FileState to() {
            return to;
        }

        /** The states this step may start from. */
        public Set<FileState> from() {
            return EnumSet.copyOf(from);
        }

        public boolean allowedFrom(FileState state) {
            return from.contains(state);
        }
    }

    private static final Map<FileState, EnumSet<FileState>> NEXT = new EnumMap<>(FileState.class);

    static {
        for (FileState state : FileState.values()) {
            NEXT.put(state, EnumSet.noneOf(FileState.class));
        }
        for (Step step : Step.values()) {
            for (FileState from : step.from) {
                NEXT.get(from).add(step.to);
            }
        }
    }

    private FileTransitions() {
    }

    /** Whether a file in {@code from} may next be in {@code to}. */
    public static boolean mayFollow(FileState from, FileState to) {
        return NEXT.get(from).contains(to);
    }

    /** The states a file in {@code state} may move to (none for a final state). */
    public static Set<FileState> next(FileState state) {
        return EnumSet.copyOf(NEXT.get(state));
    }

    /** The step as a write condition: the states it may come from, narrowed to {@code read} when the caller read one. */
    public static Set<FileState> condition(Step step, FileState read) {
        if (read == null) {
            return step.from();
        }
        if (!step.allowedFrom(read)) {
            return EnumSet.noneOf(FileState.class);
        }
        return EnumSet.of(read);
    }
}
