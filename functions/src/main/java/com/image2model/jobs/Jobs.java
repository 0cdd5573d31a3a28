package com.image2model.jobs;

import java.util.List;
import java.util.Set;

import com.image2model.generation.ModelOptions;
import com.image2model.generation.ViewRole;

/**
 * The words of jobs, shared by the rules ({@link FileTransitions}) and the table ({@link JobStore}):
 * a job, its files and their states. Plain Java: nothing here knows DynamoDB. A job's state is
 * derived from its files' counters, never stored.
 */
public interface Jobs {

    enum FileState {
        AWAITING_UPLOAD, UPLOADED, SUBMITTED, DONE, FAILED, CANCELLED;

        public boolean terminal() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    Set<FileState> OPEN_STATES = Set.of(FileState.AWAITING_UPLOAD, FileState.UPLOADED, FileState.SUBMITTED);

    record Job(String companyId, String jobId, String name, String quality, int files, long costPerFile, long cost,
                      String createdAt, String createdBy, String updatedAt, int uploaded, int done, int failed, int cancelled,
                      boolean cancelRequested, String coverKey, String projectId, ModelOptions options, long falCents) {
        public String state() {
            int ended = done + failed + cancelled;
            if (ended < files) {
                return uploaded > 0 || ended > 0 ? "PROCESSING" : "CREATED";
            }
            if (cancelRequested) {
                return "CANCELLED";
            }
            if (done == files) {
                return "DONE";
            }
            return done == 0 ? (cancelled == files ? "CANCELLED" : "FAILED") : "PARTIAL";
        }
    }

    record JobFile(String companyId, String jobId, String fileId, String name, String contentType, long size, FileState state,
                          String reason, String holdId, long cost, String createdAt, String uploadedAt, String submittedAt,
                          String completedAt, String falRequestId, String falStatusUrl, String falResponseUrl, String falCancelUrl,
                          String model, Long faces, Long vertices, Long glbBytes, Integer width, Integer height, String report,
                          String thumbnailKey, String reviewDecision, String reviewComment, String reviewAt, String retriedIn,
                          String projectId, String falSlot, String waitSk, ModelOptions options, List<View> otherViews,
                          Set<ViewRole> viewsChecked) {
        /** The same file without its FAL slot (given back when FAL answered). */
        public JobFile withoutSlot() {
            return new JobFile(companyId, jobId, fileId, name, contentType, size, state, reason, holdId, cost, createdAt, uploadedAt,
                    submittedAt, completedAt, falRequestId, falStatusUrl, falResponseUrl, falCancelUrl, model, faces, vertices, glbBytes,
                    width, height, report, thumbnailKey, reviewDecision, reviewComment, reviewAt, retriedIn, projectId, null, waitSk,
                    options, otherViews, viewsChecked);
        }

        /** How many images its model is made from: its own (the front) and its other views. */
        public int viewCount() {
            return 1 + otherViews.size();
        }

        /** Its other view of {@code role}, or null. */
        public View view(ViewRole role) {
            return otherViews.stream().filter(v -> v.role() == role).findFirst().orElse(null);
        }

        /** Where a view's image is uploaded: the front is the file's own upload, the others beside it ({@code f001-left.png}). */
        public String uploadKey(ViewRole role) {
            if (role == ViewRole.FRONT) {
                return uploadKey();
            }
            View view = view(role);
            if (view == null) {
                throw new IllegalArgumentException(fileId + " has no " + role.word() + " view");
            }
            return viewKey(companyId, jobId, fileId, role, view.extension());
        }

        /** Whether every view of a model of several views has been checked. */
        public boolean allViewsChecked() {
            return viewsChecked.size() >= viewCount();
        }

        /** Whether it waits for a FAL slot (checked, not yet sent). */
        public boolean queued() {
            return state == FileState.UPLOADED && falSlot == null && waitSk != null;
        }

        public String extension() {
            ImageCheck.Format format = ImageCheck.Format.ofContentType(contentType);
            return format == null ? "bin" : format.extension();
        }

        public String uploadKey() {
            return viewKey(companyId, jobId, fileId, ViewRole.FRONT, extension());
        }

        public String resultKey() {
            return "results/" + companyId + "/" + jobId + "/" + fileId + ".glb";
        }

        /** The model's picture, beside it under the company's prefix. */
        public String previewKey() {
            return "results/" + companyId + "/" + jobId + "/" + fileId + ".png";
        }
    }

    /** Where a file's view is uploaded: {@code f001.png} for the front (the file's own image), {@code f001-left.png} beside it. */
    static String viewKey(String companyId, String jobId, String fileId, ViewRole role, String extension) {
        return "uploads/" + companyId + "/" + jobId + "/" + fileId + (role == ViewRole.FRONT ? "" : "-" + role.word()) + "." + extension;
    }

    /** A view of a model besides its front (the file's own image): its role and its image as announced. */
    record View(ViewRole role, String name, String contentType, long size) {
        public String extension() {
            ImageCheck.Format format = ImageCheck.Format.ofContentType(contentType);
            return format == null ? "bin" : format.extension();
        }
    }

    /**
     * A new file (one model) as POST /jobs describes it: its front image, its options (null: the
     * job's), its other views, and what it costs (credits, from the catalog).
     */
    record NewFile(String fileId, String name, String contentType, long size, ModelOptions options, List<View> otherViews, long cost) {
        public NewFile(String fileId, String name, String contentType, long size) {
            this(fileId, name, contentType, size, null, List.of(), 0);
        }
    }

}
