package com.image2model.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.image2model.credits.CreditLedger;
import com.image2model.generation.ModelOptions;
import com.image2model.generation.ViewRole;
import com.image2model.platform.TableKeys;
import com.image2model.platform.TableTransaction;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.optNum;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Jobs and their files in the company's partition ({@code C#company}: {@code JOB#job},
 * {@code JOBFILE#job#file}). A file moves through its states by conditional writes that name the
 * states it may come from, so a repeated step (a duplicate SQS message, a second webhook) finds
 * the file moved on and changes nothing. A file's end and its credit hold's end are one DynamoDB
 * transaction: a file is DONE exactly when its hold is captured, and FAILED or CANCELLED exactly
 * when it is released or expired. The job keeps counters moved in the same transactions; its
 * state is derived from them.
 */
public final class JobStore implements Jobs {

    public record Page(List<Job> jobs, String nextCursor) {
    }

    /** Sparse Due index partitions of files waiting on FAL (the sweeper polls them). */
    static final int POLL_SHARDS = 4;

    private final DynamoDbClient db;
    private final String table;
    private final CreditLedger ledger;
    private final Clock clock;

    /** Gives a file's FAL slot back in its end's transaction; told of each slot freed so the next file is sent. */
    private volatile FalSlots slots;
    private volatile java.util.function.Consumer<String> slotFreed = app -> { };

    public JobStore(DynamoDbClient db, String table, CreditLedger ledger, Clock clock) {
        this.db = db;
        this.table = table;
        this.ledger = ledger;
        this.clock = clock;
    }

    public static String holdId(String jobId, String fileId) {
        return "JOB#" + jobId + "#" + fileId;
    }

    /** The job and file of a hold id made by {@link #holdId}; empty for holds of other work. */
    public static Optional<String[]> parseHoldId(String holdId) {
        String[] parts = holdId.split("#");
        return parts.length == 3 && parts[0].equals("JOB") ? Optional.of(new String[] {parts[1], parts[2]}) : Optional.empty();
    }

    // ------------------------------------------------------------------ writes

    /** Writes a new job and its files (their holds already reserved). */
    public Job create(String companyId, String jobId, String name, ModelOptions options, long costPerFile, long falCents, String createdBy,
                      List<NewFile> files, String projectId) {
        String now = now();
        long total = 0;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (NewFile file : files) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("PK", s(TableKeys.company(companyId)));
            item.put("SK", s(fileSk(jobId, file.fileId())));
            item.put("jobId", s(jobId));
            item.put("fileId", s(file.fileId()));
            item.put("name", s(file.name()));
            item.put("contentType", s(file.contentType()));
            item.put("size", n(file.size()));
            item.put("status", s(FileState.AWAITING_UPLOAD.name()));
            item.put("cost", n(file.cost()));
            total += file.cost();
            if (file.cost() > 0) {
                item.put("holdId", s(holdId(jobId, file.fileId())));
            }
            item.put("options", optionsItem(file.options() == null ? options : file.options()));
            if (!file.otherViews().isEmpty()) {
                item.put("views", AttributeValue.fromL(file.otherViews().stream().map(v -> AttributeValue.fromM(Map.of(
                        "role", s(v.role().word()), "name", s(v.name()), "contentType", s(v.contentType()), "size", n(v.size())))).toList()));
            }
            item.put("createdAt", s(now));
            item.put("projectId", s(projectId));
            items.add(item);
        }
        Map<String, AttributeValue> job = new HashMap<>();
        job.put("PK", s(TableKeys.company(companyId)));
        job.put("SK", s("JOB#" + jobId));
        job.put("jobId", s(jobId));
        if (name != null) {
            job.put("name", s(name));
        }
        job.put("quality", s(options.quality()));
        job.put("options", optionsItem(options));
        job.put("files", n(files.size()));
        job.put("costPerFile", n(costPerFile));
        job.put("cost", n(total));
        job.put("falCents", n(falCents));
        job.put("createdAt", s(now));
        job.put("updatedAt", s(now));
        job.put("createdBy", s(createdBy));
        job.put("projectId", s(projectId));
        for (String counter : List.of("uploaded", "done", "failed", "cancelled")) {
            job.put(counter, n(0));
        }
        // Files first, the job last: a job that is listed always has all its files.
        items.add(job);
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(item -> WriteRequest.builder().putRequest(p -> p.item(item)).build()).toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            for (int attempt = 0; !pending.isEmpty() && !pending.getOrDefault(table, List.of()).isEmpty(); attempt++) {
                if (attempt > 0) {
                    sleep(Math.min(1000, 25L << attempt));
                }
                Map<String, List<WriteRequest>> request = pending;
                pending = db.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
            }
        }
        return toJob(companyId, job);
    }

    /** Gives the job a new name; false when the company has no such job. */
    public boolean rename(String companyId, String jobId, String name) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(companyId, "JOB#" + jobId))
                    .updateExpression("SET #name = :name, updatedAt = :now")
                    .conditionExpression("attribute_exists(PK)")
                    .expressionAttributeNames(Map.of("#name", "name"))
                    .expressionAttributeValues(Map.of(":name", s(name), ":now", s(now()))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Where files' FAL slots are counted (the pipeline's functions), and what to tell when a file's end frees one. */
    public JobStore withSlots(FalSlots slots, java.util.function.Consumer<String> slotFreed) {
        this.slots = slots;
        this.slotFreed = slotFreed;
        return this;
    }

    /** Its FAL slots (null: none counted). */
    FalSlots slots() {
        return slots;
    }

    /** Who is told when a file's end frees its slot (the pipeline that sends the next one). */
    void onSlotFreed(java.util.function.Consumer<String> slotFreed) {
        this.slotFreed = slotFreed;
    }

    /**
     * The upload arrived and was checked: AWAITING_UPLOAD to UPLOADED (false if the file had moved on
     * already), and into {@code app}'s queue for a FAL slot.
     */
    public boolean markUploaded(JobFile file, ImageCheck.Image image, String app) {
        String at = now();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":at", s(at));
        values.put(":w", n(image.width()));
        values.put(":h", n(image.height()));
        values.put(":wpk", s(FalSlots.waitPk(app)));
        values.put(":wsk", s(FalSlots.waitSk(file.companyId(), at, file.jobId(), file.fileId())));
        return transactPlain(alongside(file, FileTransitions.Step.UPLOAD_ARRIVED, null,
                "uploadedAt = :at, width = :w, height = :h, WaitPK = :wpk, WaitSK = :wsk", values, "uploaded"));
    }

    /**
     * One view of a model of several views arrived and was checked: remembered on the file, which
     * stays AWAITING_UPLOAD until every view is (the front's size is kept for the model's page).
     * Answers the file as it now is; empty when it had moved on (ended, or all its views were in).
     */
    public Optional<JobFile> markViewChecked(JobFile file, ViewRole role, ImageCheck.Image image) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":role", AttributeValue.fromSs(List.of(role.word())));
        values.put(":awaiting", s(FileState.AWAITING_UPLOAD.name()));
        String update = "ADD viewsChecked :role";
        if (role == ViewRole.FRONT) {
            values.put(":w", n(image.width()));
            values.put(":h", n(image.height()));
            update += " SET width = :w, height = :h";
        }
        String expression = update;
        try {
            Map<String, AttributeValue> item = db.updateItem(u -> u.tableName(table).key(fileKey(file)).updateExpression(expression)
                    .conditionExpression("#status = :awaiting").expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values).returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW))
                    .attributes();
            return Optional.of(toFile(file.companyId(), item));
        } catch (ConditionalCheckFailedException movedOn) {
            return Optional.empty();
        }
    }

    /**
     * FAL is done with a sent file: it gives its slot back (once: the file must still hold it), while
     * it stays SUBMITTED until its model is stored. The slots' owner is not told: the caller sends the next.
     */
    boolean leaveSlot(JobFile file) {
        TableTransaction writes = TableTransaction.empty();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(fileKey(file))
                .updateExpression("REMOVE falSlot").conditionExpression("#status = :submitted AND falSlot = :slot")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":submitted", s(FileState.SUBMITTED.name()), ":slot", s(file.falSlot())))).build());
        writes.add(slots.release(file.falSlot()));
        return writes.commitRetryingConflicts(db, CONFLICT_ATTEMPTS).committed();
    }

    /** Where the company's files waiting for a slot of {@code app} stand in its line, by WaitSK (none without slots). */
    public Map<String, Integer> queuePositions(String companyId, String app) {
        return slots == null ? Map.of() : slots.positions(app, companyId);
    }

    /** The file's key (for the slots' claim). */
    Map<String, AttributeValue> fileKey(JobFile file) {
        return fileKey(file.companyId(), file.jobId(), file.fileId());
    }

    Map<String, AttributeValue> fileKey(String companyId, String jobId, String fileId) {
        return key(companyId, fileSk(jobId, fileId));
    }

    /** Sent to FAL: UPLOADED to SUBMITTED, with the request's URLs; due for a status poll at {@code pollAt}. */
    public boolean markSubmitted(JobFile file, String model, String requestId, String statusUrl, String responseUrl, String cancelUrl,
                                 Instant pollAt) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":at", s(now()));
        values.put(":model", s(model));
        values.put(":rid", s(requestId));
        values.put(":surl", s(nullToEmpty(statusUrl)));
        values.put(":rurl", s(nullToEmpty(responseUrl)));
        values.put(":curl", s(nullToEmpty(cancelUrl)));
        values.put(":due", s(pollShard(file.companyId())));
        values.put(":dueAt", n(pollAt.getEpochSecond()));
        values.put(":cid", s(file.companyId()));
        return transactPlain(alongside(file, FileTransitions.Step.SUBMITTED, null,
                "submittedAt = :at, model = :model, falRequestId = :rid, falStatusUrl = :surl, falResponseUrl = :rurl, "
                        + "falCancelUrl = :curl, DuePK = :due, DueAt = :dueAt, companyId = :cid", values, null));
    }

    /** Not finished yet at the poll: look again at {@code pollAt}. */
    public void postponePoll(JobFile file, Instant pollAt) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(file.companyId(), fileSk(file.jobId(), file.fileId())))
                    .updateExpression("SET DueAt = :at").conditionExpression("#status = :submitted")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":at", n(pollAt.getEpochSecond()), ":submitted", s(FileState.SUBMITTED.name()))));
        } catch (ConditionalCheckFailedException movedOn) {
            // Finished meanwhile.
        }
    }

    /** The model is stored: DONE, and the hold captured, in one transaction. */
    /** What the result path learnt of a stored model: its counts, quality report (JSON) and thumbnail's key (null: none). */
    public record Made(long faces, long vertices, long glbBytes, String reportJson, String thumbnailKey, String quality) {
    }

    /**
     * The model is stored: DONE, the hold captured, the job's cover (its first thumbnail) set if it
     * has none, and the model's entry in the company's gallery ({@code MODEL#{completedAt}#{job}#{file}},
     * newest last in key order), all in one transaction.
     */
    public boolean markDone(JobFile file, Made made) {
        String at = now();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":at", s(at));
        values.put(":faces", n(made.faces()));
        values.put(":vertices", n(made.vertices()));
        values.put(":bytes", n(made.glbBytes()));
        String set = "completedAt = :at, faces = :faces, vertices = :vertices, glbBytes = :bytes";
        if (made.reportJson() != null) {
            values.put(":report", s(made.reportJson()));
            set += ", report = :report";
        }
        if (made.thumbnailKey() != null) {
            values.put(":thumb", s(made.thumbnailKey()));
            set += ", thumbnailKey = :thumb";
        }
        TableTransaction alongside = alongside(file, FileTransitions.Step.MODEL_STORED, null, set, values, "done",
                made.thumbnailKey() == null ? null : ", coverKey = if_not_exists(coverKey, :cover)",
                made.thumbnailKey() == null ? Map.of() : Map.of(":cover", s(made.thumbnailKey())));
        if (!alongside.isEmpty()) {
            Map<String, AttributeValue> entry = new HashMap<>(key(file.companyId(), GALLERY_PREFIX + at + "#" + file.jobId() + "#" + file.fileId()));
            entry.put("jobId", s(file.jobId()));
            entry.put("fileId", s(file.fileId()));
            entry.put("name", s(file.name()));
            entry.put("completedAt", s(at));
            entry.put("faces", n(made.faces()));
            entry.put("resultKey", s(file.resultKey()));
            if (made.thumbnailKey() != null) {
                entry.put("thumbnailKey", s(made.thumbnailKey()));
            }
            entry.put("quality", s(made.quality()));
            entry.put("projectId", s(file.projectId()));
            alongside.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(entry)).build());
        }
        return end(file, FileTransitions.Step.MODEL_STORED, alongside, null);
    }

    /**
     * Claims a failed file for a retry ({@code claim}: this attempt's mark): false when another
     * retry has it already, so two clicks never retry (and charge) one file twice.
     */
    public boolean claimRetry(JobFile file, String claim) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(file.companyId(), fileSk(file.jobId(), file.fileId())))
                    .updateExpression("SET retriedIn = :claim").conditionExpression("#status = :failed AND attribute_not_exists(retriedIn)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":claim", s(claim), ":failed", s(FileState.FAILED.name()))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Ends this attempt's claim: the retry's job id when it was made, else none (the file may be retried again). */
    public void settleRetry(JobFile file, String claim, String newJobId) {
        try {
            db.updateItem(u -> {
                u.tableName(table).key(key(file.companyId(), fileSk(file.jobId(), file.fileId()))).conditionExpression("retriedIn = :claim");
                if (newJobId == null) {
                    u.updateExpression("REMOVE retriedIn").expressionAttributeValues(Map.of(":claim", s(claim)));
                } else {
                    u.updateExpression("SET retriedIn = :job").expressionAttributeValues(Map.of(":claim", s(claim), ":job", s(newJobId)));
                }
            });
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            // Not ours any more: nothing to settle.
        }
    }

    /** The gallery's entries: one per finished model, in the company's partition. */
    public static final String GALLERY_PREFIX = "MODEL#";

    /** The file cannot be made ({@code step} says why: a refused upload, a failed submission or generation): FAILED with the reason, and the hold released, in one transaction. */
    public boolean markFailed(JobFile file, FileTransitions.Step step, String reason) {
        if (step.to() != FileState.FAILED) {
            throw new IllegalArgumentException(step + " does not fail a file");
        }
        return end(file, step, "completedAt = :at, reason = :reason",
                new HashMap<>(Map.of(":at", s(now()), ":reason", s(reason))), "failed", reason);
    }

    /** Cancelled by a member: CANCELLED, and the hold released. */
    public boolean markCancelled(JobFile file, String reason) {
        return end(file, FileTransitions.Step.CANCELLED, "completedAt = :at, reason = :reason",
                new HashMap<>(Map.of(":at", s(now()), ":reason", s(reason))), "cancelled", reason);
    }

    /** The hold's time ran out (the sweeper): FAILED with the reason, and the hold expired, in one transaction. */
    public boolean markExpired(JobFile file, String reason) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":at", s(now()), ":reason", s(reason)));
        // Conditioned on the state read, not any open one: the sweeper acts on what it saw.
        TableTransaction alongside = alongside(file, FileTransitions.Step.HOLD_EXPIRED, file.state(),
                "completedAt = :at, reason = :reason", values, "failed");
        if (alongside.isEmpty()) {
            return false;
        }
        try {
            ledger.expire(file.companyId(), file.holdId(), alongside);
            com.image2model.platform.Metrics.count("CreditsReleased", file.cost());
            com.image2model.platform.Metrics.count("ImagesFailed", 1, "Reason", "expired");
            return freedSlot(file, true);
        } catch (CreditLedger.AlongsideRefused movedOn) {
            return false;
        } catch (CreditLedger.HoldEnded ended) {
            return freedSlot(file, transactPlain(alongside));
        }
    }

    public void requestCancel(String companyId, String jobId) {
        db.updateItem(u -> u.tableName(table).key(key(companyId, "JOB#" + jobId))
                .updateExpression("SET cancelRequested = :yes, updatedAt = :at").conditionExpression("attribute_exists(PK)")
                .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true), ":at", s(now()))));
    }

    private boolean end(JobFile file, FileTransitions.Step step, String set, Map<String, AttributeValue> values, String counter,
                        String reason) {
        return end(file, step, alongside(file, step, null, set, values, counter), reason);
    }

    private boolean end(JobFile file, FileTransitions.Step step, TableTransaction alongside, String reason) {
        return freedSlot(file, endOnce(file, step, alongside, reason));
    }

    /** Tells of the slot a file's committed end gave back (the next waiting file can go). */
    private boolean freedSlot(JobFile file, boolean ended) {
        if (ended && slots != null && file.falSlot() != null) {
            slotFreed.accept(file.falSlot());
        }
        return ended;
    }

    private boolean endOnce(JobFile file, FileTransitions.Step step, TableTransaction alongside, String reason) {
        FileState to = step.to();
        if (file.holdId() == null) {
            return transactPlain(alongside);
        }
        try {
            if (to == FileState.DONE) {
                ledger.capture(file.companyId(), file.holdId(), alongside);
                com.image2model.platform.Metrics.count("CreditsCaptured", file.cost());
            } else {
                ledger.release(file.companyId(), file.holdId(), reason, alongside);
                com.image2model.platform.Metrics.count("CreditsReleased", file.cost());
            }
            return true;
        } catch (CreditLedger.AlongsideRefused movedOn) {
            return false;
        } catch (CreditLedger.HoldEnded ended) {
            // The hold ended another way first (cancelled, expired): the file follows without moving credits.
            Optional<CreditLedger.Hold> hold = ledger.hold(file.companyId(), file.holdId());
            if (to == FileState.DONE || hold.isEmpty()) {
                return false;
            }
            return transactPlain(alongside);
        } catch (IllegalArgumentException noHold) {
            return transactPlain(alongside);
        }
    }

    /** Attempts at a file's transaction that met another transaction on its items, before the step is left to SQS. */
    static final int CONFLICT_ATTEMPTS = 6;

    /**
     * Commits the file's own writes; false when its condition found it moved on. A conflict (another
     * transaction on the job item at that moment, as every file of a batch moves it) is tried again
     * here after a short jittered pause: the conditions are evaluated afresh each time, so a retry
     * never applies a step twice. Only a run of conflicts leaves the step to SQS's next delivery.
     */
    private boolean transactPlain(TableTransaction writes) {
        if (writes.isEmpty()) {
            return false;
        }
        TableTransaction.Outcome outcome = writes.commitRetryingConflicts(db, CONFLICT_ATTEMPTS);
        if (outcome.conflict()) {
            throw new IllegalStateException("File changed concurrently " + CONFLICT_ATTEMPTS + " times; the step will be retried");
        }
        return outcome.committed();
    }

    /**
     * The file's move by {@code step} (conditioned on the states the transition table allows it from,
     * or on {@code read} when the caller acts on a state it read) and the job's counter; empty when
     * the table forbids the step from what was read.
     */
    private TableTransaction alongside(JobFile file, FileTransitions.Step step, FileState read, String set,
                                       Map<String, AttributeValue> values, String counter) {
        return alongside(file, step, read, set, values, counter, null, Map.of());
    }

    /** {@code jobSet}: more of the job item's SET (", a = :a"), with {@code jobValues}; only with a counter. */
    private TableTransaction alongside(JobFile file, FileTransitions.Step step, FileState read, String set,
                                       Map<String, AttributeValue> values, String counter, String jobSet,
                                       Map<String, AttributeValue> jobValues) {
        Set<FileState> from = FileTransitions.condition(step, read);
        if (from.isEmpty()) {
            return TableTransaction.empty();
        }
        FileState to = step.to();
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":to", s(to.name()));
        List<String> allowed = new ArrayList<>();
        int i = 0;
        for (FileState state : from) {
            all.put(":from" + i, s(state.name()));
            allowed.add(":from" + i);
            i++;
        }
        String update = "SET #status = :to, " + set + (to.terminal() ? " REMOVE DuePK, DueAt, WaitPK, WaitSK, falSlot" : "");
        String condition = "#status IN (" + String.join(", ", allowed) + ")";
        boolean givesSlotBack = to.terminal() && slots != null && file.falSlot() != null;
        if (to.terminal() && slots != null) {
            // The slot read with the file is the one given back: a file that took one since is refused here (read again).
            if (givesSlotBack) {
                all.put(":slot", s(file.falSlot()));
                condition += " AND falSlot = :slot";
            } else {
                condition += " AND attribute_not_exists(falSlot)";
            }
        }
        String fileCondition = condition;
        TableTransaction items = TableTransaction.empty();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(file.companyId(), fileSk(file.jobId(), file.fileId())))
                .updateExpression(update).conditionExpression(fileCondition).expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(all)).build());
        if (givesSlotBack) {
            items.add(slots.release(file.falSlot()));
        }
        if (counter != null) {
            Map<String, AttributeValue> jobAll = new HashMap<>(jobValues);
            jobAll.put(":one", n(1));
            jobAll.put(":at", s(now()));
            items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(file.companyId(), "JOB#" + file.jobId()))
                    .updateExpression("ADD " + counter + " :one SET updatedAt = :at" + (jobSet == null ? "" : jobSet))
                    .expressionAttributeValues(jobAll)).build());
        }
        return items;
    }

    // ------------------------------------------------------------------ reads

    public Optional<Job> job(String companyId, String jobId) {
        Map<String, AttributeValue> item = get(companyId, "JOB#" + jobId);
        return item == null ? Optional.empty() : Optional.of(toJob(companyId, item));
    }

    public Optional<JobFile> file(String companyId, String jobId, String fileId) {
        Map<String, AttributeValue> item = get(companyId, fileSk(jobId, fileId));
        return item == null ? Optional.empty() : Optional.of(toFile(companyId, item));
    }

    public List<JobFile> files(String companyId, String jobId) {
        List<JobFile> files = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":prefix", s("JOBFILE#" + jobId + "#"))))
                .items().forEach(item -> files.add(toFile(companyId, item)));
        return files;
    }

    /** Jobs newest first (job ids sort by creation time); {@code cursor} is the last job id of the previous page. */
    public Page jobs(String companyId, String cursor, int limit) {
        Map<String, AttributeValue> start = cursor == null ? null : key(companyId, "JOB#" + cursor);
        QueryResponse page = db.query(q -> q.tableName(table).keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":prefix", s("JOB#")))
                .scanIndexForward(false).limit(limit).exclusiveStartKey(start));
        List<Job> jobs = page.items().stream().map(item -> toJob(companyId, item)).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() && jobs.size() == limit
                ? jobs.get(jobs.size() - 1).jobId() : null;
        return new Page(jobs, next);
    }

    /** A finished model as the gallery lists it; {@code cursor} is its place for the next page. */
    public record Model(String jobId, String fileId, String name, String quality, String completedAt, long faces, String thumbnailKey,
                        String cursor) {
    }

    public record ModelPage(List<Model> models, String nextCursor) {
    }

    /**
     * The company's finished models, newest first: {@code quality} (null: any), completed on days
     * {@code fromDay}..{@code toDay} (ISO dates, inclusive; null: open), after {@code cursor} (the
     * last model of the previous page). The days are the key's range; the quality is a filter, so
     * reading goes on (a bounded number of pages) until the page is full.
     */
    public ModelPage models(String companyId, String cursor, int limit, String quality, String projectId, String fromDay, String toDay) {
        String low = GALLERY_PREFIX + (fromDay == null ? "" : fromDay);
        String high = GALLERY_PREFIX + (toDay == null ? "~" : toDay + "~");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(TableKeys.company(companyId)), ":low", s(low), ":high", s(high)));
        List<String> filters = new ArrayList<>();
        if (quality != null) {
            values.put(":q", s(quality));
            filters.add("quality = :q");
        }
        if (projectId != null) {
            values.put(":p", s(projectId));
            // Models made before projects existed have none: they are General's.
            filters.add(projectId.equals(com.image2model.projects.Project.GENERAL) ? "(projectId = :p OR attribute_not_exists(projectId))"
                    : "projectId = :p");
        }
        List<Model> models = new ArrayList<>();
        Map<String, AttributeValue> start = cursor == null ? null : key(companyId, GALLERY_PREFIX + cursor);
        for (int read = 0; read < 10 && models.size() < limit; read++) {
            Map<String, AttributeValue> from = start;
            int wanted = limit - models.size();
            QueryResponse page = db.query(q -> {
                q.tableName(table).keyConditionExpression("PK = :pk AND SK BETWEEN :low AND :high").expressionAttributeValues(values)
                        .scanIndexForward(false).limit(wanted).exclusiveStartKey(from);
                if (!filters.isEmpty()) {
                    q.filterExpression(String.join(" AND ", filters));
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                models.add(new Model(str(item, "jobId"), str(item, "fileId"), str(item, "name"), str(item, "quality"), str(item, "completedAt"),
                        num(item, "faces"), str(item, "thumbnailKey"), item.get("SK").s().substring(GALLERY_PREFIX.length())));
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return new ModelPage(models, null);
            }
            start = page.lastEvaluatedKey();
        }
        // Full, or read as far as one request may: the next page starts after what was last read.
        String next = models.size() == limit ? models.get(models.size() - 1).cursor()
                : start.get("SK").s().substring(GALLERY_PREFIX.length());
        return new ModelPage(models, next);
    }

    /** A job id made at {@code millis}: time first (hex milliseconds), so ids sort by creation; the random part keeps them apart. */
    public static String jobIdAt(long millis, String random) {
        return "j" + String.format("%011x", millis) + random;
    }

    /** The company's jobs created in [from, to): job ids begin with their creation time. */
    public List<Job> createdBetween(String companyId, Instant from, Instant to) {
        List<Job> jobs = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk AND SK BETWEEN :a AND :b")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":a", s("JOB#" + jobIdAt(from.toEpochMilli(), "")),
                                ":b", s("JOB#" + jobIdAt(to.toEpochMilli() - 1, "~")))))
                .items().forEach(item -> jobs.add(toJob(companyId, item)));
        return jobs;
    }

    /** Files waiting on FAL whose poll is due, across companies: (company, job, file). */
    public List<String[]> duePolls(Instant now, int limit) {
        List<String[]> due = new ArrayList<>();
        for (int shard = 0; shard < POLL_SHARDS && due.size() < limit; shard++) {
            String partition = "FALPOLL#" + shard;
            int remaining = limit - due.size();
            db.query(q -> q.tableName(table).indexName("Due").keyConditionExpression("DuePK = :p AND DueAt <= :now")
                            .expressionAttributeValues(Map.of(":p", s(partition), ":now", n(now.getEpochSecond()))).limit(remaining))
                    .items().forEach(item -> due.add(new String[] {item.get("companyId").s(), item.get("jobId").s(), item.get("fileId").s()}));
        }
        return due;
    }

    static String pollShard(String companyId) {
        return "FALPOLL#" + Math.floorMod(companyId.hashCode(), POLL_SHARDS);
    }

    private static String fileSk(String jobId, String fileId) {
        return "JOBFILE#" + jobId + "#" + fileId;
    }

    private Map<String, AttributeValue> get(String companyId, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(companyId, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Job toJob(String companyId, Map<String, AttributeValue> item) {
        return new Job(companyId, str(item, "jobId"), str(item, "name"), str(item, "quality"), (int) num(item, "files"),
                num(item, "costPerFile"), num(item, "cost"), str(item, "createdAt"), str(item, "createdBy"), str(item, "updatedAt"),
                (int) num(item, "uploaded"), (int) num(item, "done"), (int) num(item, "failed"), (int) num(item, "cancelled"),
                item.containsKey("cancelRequested") && Boolean.TRUE.equals(item.get("cancelRequested").bool()), str(item, "coverKey"),
                projectOf(item), optionsOf(item), optNum(item, "falCents") == null ? 0 : optNum(item, "falCents"));
    }

    private static AttributeValue optionsItem(ModelOptions options) {
        return AttributeValue.fromM(Map.of("quality", s(options.quality()), "polycount", n(options.polycount()),
                "pbr", AttributeValue.fromBool(options.pbr()), "topology", s(options.topology().word()),
                "textureQuality", s(options.textureQuality().word())));
    }

    /** The options stored on a job or file; null on items made before options existed (their job's quality says). */
    private static ModelOptions optionsOf(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("options");
        if (value == null || !value.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        String quality = str(m, "quality");
        try {
            return new ModelOptions("custom".equals(quality) ? null : quality, (int) num(m, "polycount"),
                    m.containsKey("pbr") && Boolean.TRUE.equals(m.get("pbr").bool()),
                    ModelOptions.Topology.valueOf(str(m, "topology").toUpperCase(java.util.Locale.ROOT)),
                    ModelOptions.TextureQuality.valueOf(str(m, "textureQuality").toUpperCase(java.util.Locale.ROOT)));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static List<View> viewsOf(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("views");
        if (value == null || !value.hasL()) {
            return List.of();
        }
        List<View> views = new ArrayList<>();
        for (AttributeValue v : value.l()) {
            Map<String, AttributeValue> m = v.m();
            views.add(new View(ViewRole.of(str(m, "role")), str(m, "name"), str(m, "contentType"), num(m, "size")));
        }
        return List.copyOf(views);
    }

    private static Set<ViewRole> checkedOf(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("viewsChecked");
        if (value == null || !value.hasSs()) {
            return Set.of();
        }
        return value.ss().stream().map(ViewRole::of).filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static JobFile toFile(String companyId, Map<String, AttributeValue> item) {
        return new JobFile(companyId, str(item, "jobId"), str(item, "fileId"), str(item, "name"), str(item, "contentType"), num(item, "size"),
                FileState.valueOf(str(item, "status")), str(item, "reason"), str(item, "holdId"), num(item, "cost"), str(item, "createdAt"),
                str(item, "uploadedAt"), str(item, "submittedAt"), str(item, "completedAt"), str(item, "falRequestId"),
                blankToNull(str(item, "falStatusUrl")), blankToNull(str(item, "falResponseUrl")), blankToNull(str(item, "falCancelUrl")),
                str(item, "model"), optNum(item, "faces"), optNum(item, "vertices"), optNum(item, "glbBytes"),
                optNum(item, "width") == null ? null : optNum(item, "width").intValue(),
                optNum(item, "height") == null ? null : optNum(item, "height").intValue(), str(item, "report"), str(item, "thumbnailKey"),
                str(item, "reviewDecision"), str(item, "reviewComment"), str(item, "reviewAt"), str(item, "retriedIn"), projectOf(item),
                str(item, "falSlot"), str(item, "WaitSK"), optionsOf(item), viewsOf(item), checkedOf(item));
    }

    /** Jobs made before projects existed are General's. */
    private static String projectOf(Map<String, AttributeValue> item) {
        String project = str(item, "projectId");
        return project == null ? com.image2model.projects.Project.GENERAL : project;
    }

    private String now() {
        return clock.instant().toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static Map<String, AttributeValue> key(String companyId, String sk) {
        return Map.of("PK", s(TableKeys.company(companyId)), "SK", s(sk));
    }
}
