package com.image2model.jobs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.credits.Catalog;
import com.image2model.credits.CreditLedger;
import com.image2model.fal.FalClient;
import com.image2model.generation.GenerationPlan;
import com.image2model.generation.ModelOptions;
import com.image2model.generation.ViewRole;
import com.image2model.jobs.Jobs.FileState;
import com.image2model.jobs.Jobs.JobFile;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The way of one file from its upload to its model: the worker's step (check the image, send it
 * to FAL), the webhook's step (store the model, capture the credits), and the sweeper's (expire
 * holds of files never uploaded, poll FAL for files whose webhook never came). Each step reads the
 * file's state first and only moves it forward, so a repeated step changes nothing.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Pattern UPLOAD_KEY = Pattern.compile(
            "^uploads/([A-Za-z0-9_-]{1,64})/(j[0-9a-f]{19})/(f[0-9]{3})(?:-(left|back|right))?\\.(jpg|png|webp)$");

    public record Config(int maxReceives, Duration imageUrlTtl, Duration pollAfter, Duration pollEvery, Duration maxWait,
                         long maxGlbBytes, String webhookUrl) {
    }

    /** What the worker made of one upload event. */
    public enum Outcome {
        SUBMITTED, QUEUED, REJECTED, FAILED, DUPLICATE, IGNORED
    }

    /** Files sent at most per dispatch call: the rest are sent by the next ended file or the next call. */
    static final int DISPATCH_BATCH = 20;
    /** How long a checked image's hold lasts while it waits for a FAL slot (its 2-hour clock starts when it is sent). */
    static final Duration QUEUE_HOLD = Duration.ofHours(24);

    /** What a webhook (or a poll) made of FAL's answer. */
    public enum WebhookOutcome {
        DONE, FAILED, DUPLICATE, UNKNOWN, NOT_READY
    }

    /** A step that failed for a passing reason (FAL busy, a network error): the caller lets it be retried. */
    public static final class RetryLater extends RuntimeException {
        public RetryLater(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final JobStore store;
    private final CreditLedger ledger;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final FalClient fal;
    private final Catalog catalog;
    private final ImageCheck check;
    private final String uploadsBucket;
    private final String resultsBucket;
    private final Config config;
    private final Clock clock;
    /** Told of every file this pipeline ends (the company's webhooks); none by default. */
    private volatile java.util.function.Consumer<JobFile> ended = file -> { };

    public Pipeline(JobStore store, CreditLedger ledger, S3Client s3, S3Presigner presigner, FalClient fal, Catalog catalog, ImageCheck check,
                    String uploadsBucket, String resultsBucket, Config config, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.s3 = s3;
        this.presigner = presigner;
        this.fal = fal;
        this.catalog = catalog;
        this.check = check;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
        this.config = config;
        this.clock = clock;
    }

    private volatile FalSlots slots;
    private volatile java.util.function.Consumer<String> wake = app -> { };
    /** Apps whose slot this invocation freed, sent to at its end (never from inside a step: no recursion). */
    private final ThreadLocal<java.util.Set<String>> freed = ThreadLocal.withInitial(java.util.LinkedHashSet::new);

    /**
     * Sends to FAL only with a slot of the store's {@link FalSlots}, fairly across companies; a store
     * without slots sends every checked image at once. {@code wake} asks the worker to dispatch an app
     * (through the jobs queue). With {@code direct}, a slot this pipeline's steps free is used by
     * this very invocation once its step is done (the worker and the FAL webhook: a slot does not sit
     * idle waiting for a queue's batching window); without, the step wakes the worker.
     */
    public Pipeline dispatching(java.util.function.Consumer<String> wake, boolean direct) {
        this.slots = store.slots();
        this.wake = wake;
        store.onSlotFreed(direct ? app -> freed.get().add(app) : wake);
        return this;
    }

    /** Sends into the slots this invocation's steps freed; what FAL does not take now is left to the worker. */
    private void sendIntoFreedSlots() {
        java.util.Set<String> apps = freed.get();
        for (int round = 0; round < DISPATCH_BATCH && !apps.isEmpty(); round++) {
            String app = apps.iterator().next();
            apps.remove(app);
            try {
                dispatch(app);
            } catch (RuntimeException e) {
                LOG.warn("Sending the next image of {} failed ({}): the worker is asked to", app, e.getMessage());
                wake.accept(app);
            }
        }
        apps.forEach(wake);
        apps.clear();
    }

    /** Tells {@code listener} of each file this pipeline ends, after its end is stored. */
    public Pipeline notifying(java.util.function.Consumer<JobFile> listener) {
        this.ended = listener;
        return this;
    }

    // ------------------------------------------------------------------ the worker

    /**
     * An object was created in the uploads bucket. The company, job and file come from the key
     * the API built; {@code receiveCount} is how often SQS has delivered this message.
     */
    public Outcome uploaded(String bucket, String key, int receiveCount) {
        Matcher m = UPLOAD_KEY.matcher(key);
        if (!uploadsBucket.equals(bucket) || !m.matches()) {
            LOG.warn("Ignoring an object the API did not ask for: s3://{}/{}", bucket, key);
            return Outcome.IGNORED;
        }
        String companyId = m.group(1);
        ViewRole role = m.group(4) == null ? ViewRole.FRONT : ViewRole.of(m.group(4));
        Optional<JobFile> found = store.file(companyId, m.group(2), m.group(3));
        if (found.isEmpty() || (role != ViewRole.FRONT && found.get().view(role) == null) || !found.get().uploadKey(role).equals(key)) {
            LOG.warn("No file waits for s3://{}/{}", bucket, key);
            return Outcome.IGNORED;
        }
        JobFile file = found.get();
        String app = plan(file).app();
        if (file.state() == FileState.AWAITING_UPLOAD) {
            Outcome checked = checkUpload(file, role, app);
            if (checked != null) {
                return checked;
            }
            file = store.file(companyId, file.jobId(), file.fileId()).orElseThrow();
        }
        if (file.state() != FileState.UPLOADED) {
            return Outcome.DUPLICATE;
        }
        if (slots == null) {
            return submit(file, receiveCount);
        }
        // The file waits its turn; this delivery sends whatever is next, fairly (perhaps another company's).
        try {
            return dispatch(app, file, receiveCount).delivered();
        } finally {
            sendIntoFreedSlots();
        }
    }

    /** What one dispatch did: how many it sent, and what became of the delivered file (QUEUED: not its turn yet). */
    private record Round(int sent, Outcome delivered) {
    }

    /**
     * Sends waiting files of {@code app} while it has free slots, the next one each time from the
     * company after the one served last. Answers how many were sent.
     */
    public int dispatch(String app) {
        if (slots == null) {
            return 0;
        }
        if (!FalSlots.apps(catalog).contains(app)) {
            // A message naming an app we never send to (forged, or from an older catalog): nothing waits for it.
            LOG.warn("No FAL app {} in the catalog: nothing to dispatch", app.length() > 80 ? app.substring(0, 80) + "..." : app);
            return 0;
        }
        try {
            return dispatch(app, null, 1).sent();
        } finally {
            freed.get().remove(app);
            sendIntoFreedSlots();
        }
    }

    /** {@code delivered}: the file whose own upload this delivery is (its attempts count against it alone), or null. */
    private Round dispatch(String app, JobFile delivered, int receiveCount) {
        int sent = 0;
        int stale = 0;
        Outcome deliveredOutcome = Outcome.QUEUED;
        while (sent < DISPATCH_BATCH && stale < DISPATCH_BATCH) {
            Optional<FalSlots.Waiting> next = slots.next(app);
            if (next.isEmpty()) {
                break;
            }
            FalSlots.Waiting waiting = next.get();
            // The claim's condition checks the file itself (a missing one is GONE): nothing to read before it.
            FalSlots.Claim claim = slots.claim(waiting, store.fileKey(waiting.companyId(), waiting.jobId(), waiting.fileId()));
            if (claim == FalSlots.Claim.NO_SLOT) {
                break;
            }
            if (claim == FalSlots.Claim.GONE) {
                // The index had not caught up with a file sent or ended meanwhile.
                stale++;
                continue;
            }
            JobFile claimed = store.file(waiting.companyId(), waiting.jobId(), waiting.fileId()).orElseThrow();
            boolean own = delivered != null && delivered.fileId().equals(waiting.fileId()) && delivered.jobId().equals(waiting.jobId())
                    && delivered.companyId().equals(waiting.companyId());
            try {
                Outcome outcome = submit(claimed, own ? receiveCount : 1);
                if (outcome == Outcome.SUBMITTED) {
                    sent++;
                }
                if (own) {
                    deliveredOutcome = outcome;
                }
            } catch (RetryLater e) {
                // FAL did not take it now: the slot goes back and the file keeps its place; the delivery is retried.
                slots.unclaim(app, store.fileKey(claimed), waiting.waitSk());
                throw e;
            }
        }
        if (sent > 0) {
            com.image2model.platform.Metrics.count("FalDispatched", sent);
        }
        return new Round(sent, deliveredOutcome);
    }

    /**
     * Checks one view's bytes; once the model's every view is checked (one, for a model of one image),
     * moves the file to UPLOADED (waiting for {@code app}). Answers an outcome only when it stops here:
     * a bad view fails the whole model (its credits released), named in the reason.
     */
    private Outcome checkUpload(JobFile file, ViewRole role, String app) {
        com.image2model.platform.LogKeys.job(file.companyId(), file.jobId(), file.fileId());
        boolean severalViews = file.viewCount() > 1;
        String key = file.uploadKey(role);
        Jobs.View view = role == ViewRole.FRONT ? null : file.view(role);
        long announced = view == null ? file.size() : view.size();
        String contentType = view == null ? file.contentType() : view.contentType();
        String which = severalViews ? "The " + role.word() + " view: " : "";
        byte[] head;
        long size;
        try {
            size = s3.headObject(h -> h.bucket(uploadsBucket).key(key)).contentLength();
            head = s3.getObjectAsBytes(g -> g.bucket(uploadsBucket).key(key)
                    .range("bytes=0-" + (ImageCheck.HEADER_BYTES - 1))).asByteArray();
        } catch (NoSuchKeyException gone) {
            LOG.warn("The upload {} is gone", key);
            return Outcome.IGNORED;
        }
        if (size != announced) {
            failed(file, store.markFailed(file, FileTransitions.Step.UPLOAD_REFUSED,
                    which + "the upload has " + size + " bytes, not the " + announced + " announced. Your credits were released."),
                    "invalid_upload");
            return Outcome.REJECTED;
        }
        ImageCheck.Image image;
        try {
            image = check.check(head, ImageCheck.Format.ofContentType(contentType), size);
        } catch (ImageCheck.Rejected rejected) {
            failed(file, store.markFailed(file, FileTransitions.Step.UPLOAD_REFUSED, which + rejected.getMessage()
                    + " Your credits were released."), "invalid_image");
            return Outcome.REJECTED;
        }
        if (severalViews) {
            Optional<JobFile> now = store.markViewChecked(file, role, image);
            if (now.isEmpty()) {
                return Outcome.DUPLICATE;
            }
            if (!now.get().allViewsChecked()) {
                // The model starts when its last view is in.
                return Outcome.QUEUED;
            }
            file = now.get();
            image = new ImageCheck.Image(ImageCheck.Format.ofContentType(file.contentType()), file.width(), file.height());
        }
        if (file.holdId() != null) {
            try {
                // From here the file waits for FAL (and then FAL works): the hold lasts until FAL's answer is overdue.
                ledger.extend(file.companyId(), file.holdId(), holdUntilAnswerOverdue().plus(slots == null ? Duration.ZERO : QUEUE_HOLD));
            } catch (CreditLedger.HoldEnded ended) {
                return Outcome.DUPLICATE;
            }
        }
        if (!store.markUploaded(file, image, app)) {
            return Outcome.DUPLICATE;
        }
        return null;
    }

    /** What the catalog makes of a file's options and views (a file stored before options: its job's preset, one view). */
    private GenerationPlan plan(JobFile file) {
        return plan(catalog, file, () -> store.job(file.companyId(), file.jobId()).orElseThrow().quality());
    }

    /** As above, with the job's quality read only for a file stored before options. */
    static GenerationPlan plan(Catalog catalog, JobFile file, java.util.function.Supplier<String> jobQuality) {
        ModelOptions options = file.options();
        if (options == null) {
            String quality = jobQuality.get();
            options = catalog.models().preset(quality).orElseThrow(() -> new IllegalStateException("No preset " + quality));
        }
        return catalog.models().plan(options, file.viewCount());
    }

    /** Counts a file that failed (once: only when this call made it FAILED), by the class of its reason, and tells of it. */
    private boolean failed(JobFile file, boolean madeFailed, String reasonClass) {
        if (madeFailed) {
            com.image2model.platform.Metrics.count("ImagesFailed", 1, "Reason", reasonClass);
            ended.accept(file);
        }
        return madeFailed;
    }

    private Instant holdUntilAnswerOverdue() {
        return clock.instant().plus(config.maxWait()).plus(config.pollEvery()).plusSeconds(600);
    }

    private Outcome submit(JobFile file, int receiveCount) {
        com.image2model.platform.LogKeys.job(file.companyId(), file.jobId(), file.fileId());
        JobStore.Job job = store.job(file.companyId(), file.jobId()).orElseThrow();
        if (job.cancelRequested()) {
            // Cancelled while it waited for its turn: not sent, its credits (and any slot it took) given back.
            if (store.markCancelled(file, "Cancelled before it was sent. Your credits were released.")) {
                ended.accept(file);
            }
            return Outcome.DUPLICATE;
        }
        GenerationPlan plan = plan(file);
        Map<ViewRole, String> imageUrls = new java.util.EnumMap<>(ViewRole.class);
        imageUrls.put(ViewRole.FRONT, presignedImage(file.uploadKey()));
        for (Jobs.View view : file.otherViews()) {
            imageUrls.put(view.role(), presignedImage(file.uploadKey(view.role())));
        }
        ObjectNode input = plan.inputWith(imageUrls);
        FalClient.Submission submission;
        try {
            long submitStarted = System.nanoTime();
            submission = fal.submit(plan.app(), input, webhookUrl(file));
            com.image2model.platform.Metrics.milliseconds("FalSubmitLatency", (System.nanoTime() - submitStarted) / 1_000_000);
        } catch (FalClient.FalException e) {
            boolean imageFault = e.status() == 400 || e.status() == 413 || e.status() == 422;
            if (imageFault) {
                failed(file, store.markFailed(file, FileTransitions.Step.NOT_SUBMITTED,
                        "The generator refused the image: " + e.getMessage() + ". Your credits were released."), "generator_refused");
                return Outcome.FAILED;
            }
            if (receiveCount >= config.maxReceives()) {
                failed(file, store.markFailed(file, FileTransitions.Step.NOT_SUBMITTED, "The generator could not be reached after " + receiveCount
                        + " attempts. Your credits were released; please try again later."), "generator_unreachable");
                throw new RetryLater("Giving up on " + file.uploadKey() + " after " + receiveCount + " attempts: " + e.getMessage(), e);
            }
            throw new RetryLater("FAL did not take " + file.uploadKey() + ": " + e.getMessage(), e);
        }
        Instant pollAt = clock.instant().plus(PollSchedule.first(plan.typicalSeconds(), config.pollAfter()));
        if (!store.markSubmitted(file, plan.app(), submission.requestId(), submission.statusUrl(), submission.responseUrl(),
                submission.cancelUrl(), pollAt)) {
            // Cancelled (or sent by a parallel delivery) while we were submitting: this request is not wanted.
            cancelQuietly(submission.cancelUrl());
            return Outcome.DUPLICATE;
        }
        return Outcome.SUBMITTED;
    }

    private String presignedImage(String key) {
        return presigner.presignGetObject(p -> p.signatureDuration(config.imageUrlTtl())
                .getObjectRequest(g -> g.bucket(uploadsBucket).key(key))).url().toString();
    }

    private String webhookUrl(JobFile file) {
        String separator = config.webhookUrl().contains("?") ? "&" : "?";
        return config.webhookUrl() + separator + "company=" + enc(file.companyId()) + "&job=" + enc(file.jobId()) + "&file=" + enc(file.fileId());
    }

    // ------------------------------------------------------------------ FAL's answer

    /**
     * A verified webhook for {@code requestId}. The company, job and file come from the webhook URL
     * we gave FAL; they count only because the file there holds this very (signed) request id.
     */
    public WebhookOutcome webhook(String companyId, String jobId, String fileId, String requestId, JsonNode body) {
        try {
            return webhookStep(companyId, jobId, fileId, requestId, body);
        } finally {
            sendIntoFreedSlots();
        }
    }

    private WebhookOutcome webhookStep(String companyId, String jobId, String fileId, String requestId, JsonNode body) {
        com.image2model.platform.LogKeys.job(companyId, jobId, fileId);
        if (companyId == null || jobId == null || fileId == null) {
            return WebhookOutcome.UNKNOWN;
        }
        Optional<JobFile> found = store.file(companyId, jobId, fileId);
        if (found.isEmpty()) {
            return WebhookOutcome.UNKNOWN;
        }
        JobFile file = found.get();
        if (file.falRequestId() == null) {
            // FAL answered before the worker saved the request id: FAL will deliver again.
            return file.state() == FileState.UPLOADED ? WebhookOutcome.NOT_READY : WebhookOutcome.UNKNOWN;
        }
        if (!file.falRequestId().equals(requestId)) {
            return WebhookOutcome.UNKNOWN;
        }
        if (file.state().terminal()) {
            return WebhookOutcome.DUPLICATE;
        }
        file = leftFal(file);
        if ("OK".equals(body.path("status").asString(""))) {
            return finish(file, body.path("payload"));
        }
        return fail(file, "The generator could not make a model: " + errorOf(body) + ". Your credits were released.");
    }

    /**
     * FAL has finished with the file: its slot is given back now, before the model is stored and
     * pictured (seconds of our own work during which FAL could run the next image). Answers the file
     * as it now is.
     */
    private JobFile leftFal(JobFile file) {
        if (slots == null || file.falSlot() == null || file.state() != FileState.SUBMITTED) {
            return file;
        }
        if (store.leaveSlot(file)) {
            freed.get().add(file.falSlot());
            // Only its slot changed (the write was conditioned on the file as read).
            return file.withoutSlot();
        }
        return store.file(file.companyId(), file.jobId(), file.fileId()).orElse(file);
    }

    private WebhookOutcome finish(JobFile file, JsonNode output) {
        GenerationPlan plan = plan(file);
        String field = plan.resultField();
        String url = output.path(field).path("url").asString(null);
        if (url == null) {
            return fail(file, "The generator answered without a model file. Your credits were released.");
        }
        byte[] glb;
        try {
            glb = fal.download(url, config.maxGlbBytes());
        } catch (FalClient.FalException e) {
            if (e.retryable()) {
                throw new RetryLater("The model of " + file.uploadKey() + " could not be downloaded yet: " + e.getMessage(), e);
            }
            return fail(file, "The generator's model could not be taken: " + e.getMessage() + ". Your credits were released.");
        }
        GlbInfo info;
        try {
            info = GlbInfo.read(glb);
        } catch (GlbInfo.NotGlb e) {
            return fail(file, "The generator's file is not a valid GLB model (" + e.getMessage() + "). Your credits were released.");
        }
        s3.putObject(p -> p.bucket(resultsBucket).key(file.resultKey()).contentType("model/gltf-binary")
                .contentDisposition("attachment; filename=\"" + downloadName(file.name()) + "\"")
                .metadata(Map.of("job", file.jobId(), "file", file.fileId(), "fal-request", file.falRequestId())), RequestBody.fromBytes(glb));
        Preview preview = preview(file, glb);
        String quality = file.options() != null ? file.options().quality() : store.job(file.companyId(), file.jobId()).orElseThrow().quality();
        if (!store.markDone(file, new JobStore.Made(info.faces(), info.vertices(), glb.length, preview.reportJson(), preview.thumbnailKey(),
                quality))) {
            return WebhookOutcome.DUPLICATE;
        }
        com.image2model.platform.Metrics.count("ImagesDone", 1);
        ended.accept(file);
        if (file.submittedAt() != null) {
            com.image2model.platform.Metrics.seconds("FalTurnaround",
                    java.time.Duration.between(Instant.parse(file.submittedAt()), clock.instant()).toSeconds());
        }
        return WebhookOutcome.DONE;
    }

    private record Preview(String reportJson, String thumbnailKey) {
    }

    /**
     * The model's quality report and thumbnail, stored beside it. A picture is a nicety: if making
     * or storing it fails, the model is still delivered (and charged) without one.
     */
    private Preview preview(JobFile file, byte[] glb) {
        long started = System.nanoTime();
        try {
            com.image2model.models.ModelPreview made = com.image2model.models.ModelPreview.of(glb);
            String thumbnailKey = null;
            if (made.thumbnailPng() != null) {
                s3.putObject(p -> p.bucket(resultsBucket).key(file.previewKey()).contentType("image/png")
                        .metadata(Map.of("job", file.jobId(), "file", file.fileId())), RequestBody.fromBytes(made.thumbnailPng()));
                thumbnailKey = file.previewKey();
            }
            com.image2model.platform.Metrics.milliseconds("PreviewLatency", (System.nanoTime() - started) / 1_000_000);
            return new Preview(REPORT_JSON.writeValueAsString(made.report().toMap()), thumbnailKey);
        } catch (RuntimeException e) {
            LOG.warn("No preview for {}: {}", file.resultKey(), e.toString());
            return new Preview(null, null);
        }
    }

    private static final tools.jackson.databind.json.JsonMapper REPORT_JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private WebhookOutcome fail(JobFile file, String reason) {
        return failed(file, store.markFailed(file, FileTransitions.Step.GENERATION_FAILED, reason), "generation_failed")
                ? WebhookOutcome.FAILED : WebhookOutcome.DUPLICATE;
    }

    static String errorOf(JsonNode body) {
        String detail = FalClient.detailText(body.path("payload").path("detail"));
        if (detail != null) {
            return detail;
        }
        String error = body.path("error").asString(null);
        return error != null ? error : body.path("payload_error").asString("no reason given");
    }

    // ------------------------------------------------------------------ cancel

    /**
     * Cancels a job's open files and answers how many go on. A file not yet at FAL is cancelled and
     * its credits released at once. A file FAL has accepted is released only when FAL confirms the
     * cancellation: FAL bills a generation it ran, so one it will not cancel (already finished, or
     * its cancel failed) is left to arrive and is charged like any other result.
     */
    public int cancel(String companyId, String jobId, String actor) {
        store.requestCancel(companyId, jobId);
        int finishing = 0;
        for (JobFile file : store.files(companyId, jobId)) {
            if (file.state().terminal()) {
                continue;
            }
            if (file.state() == FileState.SUBMITTED && !cancelledAtFal(file.falCancelUrl())) {
                finishing++;
                continue;
            }
            if (store.markCancelled(file, "Cancelled by " + actor + ". Your credits were released.")) {
                ended.accept(file);
            }
        }
        return finishing;
    }

    /** Whether FAL confirmed the cancellation (no URL: nothing was submitted there). */
    private boolean cancelledAtFal(String cancelUrl) {
        if (cancelUrl == null) {
            return true;
        }
        try {
            return fal.cancel(cancelUrl);
        } catch (RuntimeException e) {
            LOG.warn("FAL did not take the cancellation {}: {}", cancelUrl, e.getMessage());
            return false;
        }
    }

    /** For work we give up on ourselves (a file that cannot be recorded, FAL past its wait): released whatever FAL says. */
    private void cancelQuietly(String cancelUrl) {
        if (cancelUrl == null) {
            return;
        }
        try {
            fal.cancel(cancelUrl);
        } catch (RuntimeException e) {
            LOG.warn("FAL did not take the cancellation {}: {}", cancelUrl, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the sweeper

    /** Expires holds past their time (failing their files) and polls FAL for overdue answers. */
    public Map<String, Object> sweep(Instant now, int limit) {
        int expired = 0;
        for (Map.Entry<String, String> due : ledger.dueHolds(now, limit)) {
            String companyId = due.getKey();
            String holdId = due.getValue();
            Optional<CreditLedger.Hold> hold = ledger.hold(companyId, holdId);
            // The index lags the table: only a hold that is open and past its time (maybe extended meanwhile).
            if (hold.isEmpty() || hold.get().status() != CreditLedger.HoldStatus.OPEN || hold.get().expiresAt() > now.getEpochSecond()) {
                continue;
            }
            try {
                Optional<String[]> work = JobStore.parseHoldId(holdId);
                Optional<JobFile> file = work.flatMap(ids -> store.file(companyId, ids[0], ids[1]));
                if (file.isPresent() && !file.get().state().terminal()) {
                    String reason = file.get().state() == FileState.AWAITING_UPLOAD
                            ? "The file was not uploaded while its upload link was valid. Your credits were released."
                            : "The file was not finished in time. Your credits were released.";
                    if (store.markExpired(file.get(), reason)) {
                        expired++;
                        ended.accept(file.get());
                    }
                } else {
                    ledger.expire(companyId, holdId);
                    expired++;
                }
            } catch (CreditLedger.HoldEnded endedMeanwhile) {
                // Captured or released between the query and now.
            }
        }
        int polled = 0;
        int finished = 0;
        for (String[] due : store.duePolls(now, limit)) {
            Optional<JobFile> found = store.file(due[0], due[1], due[2]);
            if (found.isEmpty() || found.get().state() != FileState.SUBMITTED) {
                continue;
            }
            polled++;
            if (poll(found.get(), now)) {
                finished++;
            }
        }
        int woken = 0;
        if (slots != null) {
            for (String app : FalSlots.apps(catalog)) {
                if (slots.anyWaiting(app) && slots.inFlight(app) < slots.limits().of(app)) {
                    wake.accept(app);
                    woken++;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("expiredHolds", expired);
        out.put("polledFiles", polled);
        out.put("finishedByPoll", finished);
        out.put("dispatchWoken", woken);
        return out;
    }

    /** Asks FAL how a file is doing (its webhook is late); answers whether the file is now finished. */
    private boolean poll(JobFile file, Instant now) {
        try {
            FalClient.State state = fal.status(file.falStatusUrl());
            if (state == FalClient.State.COMPLETED) {
                file = leftFal(file);
                FalClient.Result result = fal.result(file.falResponseUrl());
                WebhookOutcome outcome = result.ok() ? finish(file, result.output())
                        : fail(file, "The generator could not make a model: " + result.error() + ". Your credits were released.");
                return outcome == WebhookOutcome.DONE || outcome == WebhookOutcome.FAILED;
            }
            Instant submitted = Instant.parse(file.submittedAt());
            if (submitted.plus(config.maxWait()).isBefore(now)) {
                cancelQuietly(file.falCancelUrl());
                return fail(file, "The generator did not finish within " + config.maxWait().toMinutes()
                        + " minutes. Your credits were released.") == WebhookOutcome.FAILED;
            }
        } catch (FalClient.FalException | RetryLater e) {
            LOG.warn("Polling FAL for {} failed: {}", file.uploadKey(), e.getMessage());
        }
        Duration sinceSent = file.submittedAt() == null ? Duration.ZERO : Duration.between(Instant.parse(file.submittedAt()), now);
        store.postponePoll(file, now.plus(PollSchedule.next(sinceSent, config.pollEvery())));
        return false;
    }

    private static String downloadName(String name) {
        String base = name == null ? "model" : name.replaceAll("\\.[A-Za-z0-9]{1,5}$", "");
        return base.replaceAll("[^A-Za-z0-9._ -]", "_") + ".glb";
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
