package com.image2model.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.image2model.jobs.Jobs.FileState;
import com.image2model.jobs.Jobs.Job;
import com.image2model.jobs.Jobs.JobFile;
import com.image2model.webhooks.WebhookEndpoint;
import com.image2model.webhooks.WebhookEvents;
import com.image2model.webhooks.WebhookOutbox;

/**
 * Tells a company's webhooks what became of its files and jobs: {@code file.completed} or {@code
 * file.failed} when a file ends, and {@code job.completed} when its last file does. Each event's
 * id comes from its job or file, so two files ending one job at once, or a redelivered message,
 * still make one {@code job.completed}. Nothing is read for a company without endpoints.
 */
public final class JobNotices {

    private final JobStore store;
    private final WebhookOutbox outbox;

    public JobNotices(JobStore store, WebhookOutbox outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    /** {@code ended}: the file as it was before the transition this call made (its ids are what count). */
    public void fileEnded(JobFile ended) {
        try {
            List<WebhookEndpoint> endpoints = outbox.endpoints(ended.companyId());
            if (endpoints.stream().noneMatch(WebhookEndpoint::enabled)) {
                return;
            }
            Optional<JobFile> found = store.file(ended.companyId(), ended.jobId(), ended.fileId());
            if (found.isEmpty()) {
                return;
            }
            JobFile file = found.get();
            String now = outbox.clock().instant().toString();
            if (file.state() == FileState.DONE || file.state() == FileState.FAILED) {
                String type = file.state() == FileState.DONE ? WebhookEvents.FILE_COMPLETED : WebhookEvents.FILE_FAILED;
                outbox.publish(endpoints, new WebhookEvents.Event(WebhookEvents.idOf(file.companyId(), type, file.jobId() + "/" + file.fileId()),
                        type, now, fileData(file)));
            }
            Optional<Job> job = store.job(file.companyId(), file.jobId());
            if (job.isPresent() && job.get().done() + job.get().failed() + job.get().cancelled() >= job.get().files()) {
                outbox.publish(endpoints, new WebhookEvents.Event(WebhookEvents.idOf(file.companyId(), WebhookEvents.JOB_COMPLETED,
                        file.jobId()), WebhookEvents.JOB_COMPLETED, now, jobData(job.get(), store.files(file.companyId(), file.jobId()))));
            }
        } catch (RuntimeException e) {
            // The file's end is stored; a notice that cannot be made is logged by the outbox's caller, never undone.
            org.slf4j.LoggerFactory.getLogger(JobNotices.class).error("No webhook notice for {}/{}: {}", ended.jobId(), ended.fileId(),
                    e.toString());
        }
    }

    static Map<String, Object> fileData(JobFile file) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", file.jobId());
        data.put("fileId", file.fileId());
        data.put("name", file.name());
        data.put("state", file.state().name().toLowerCase(Locale.ROOT));
        data.put("projectId", file.projectId());
        if (file.state() == FileState.DONE) {
            data.put("creditsCharged", file.cost());
            data.put("faces", file.faces());
            data.put("vertices", file.vertices());
            data.put("glbBytes", file.glbBytes());
            data.put("_modelKey", file.resultKey());
            if (file.thumbnailKey() != null) {
                data.put("_thumbnailKey", file.thumbnailKey());
            }
        } else {
            data.put("creditsReleased", file.cost());
            data.put("reason", file.reason());
        }
        return data;
    }

    static Map<String, Object> jobData(Job job, List<JobFile> files) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", job.jobId());
        data.put("name", job.name());
        data.put("state", job.state().toLowerCase(Locale.ROOT));
        data.put("quality", job.quality());
        data.put("projectId", job.projectId());
        data.put("files", job.files());
        data.put("done", job.done());
        data.put("failed", job.failed());
        data.put("cancelled", job.cancelled());
        data.put("creditsCharged", job.done() * job.costPerFile());
        List<Map<String, Object>> models = new ArrayList<>();
        List<Map<String, Object>> failures = new ArrayList<>();
        for (JobFile file : files) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("fileId", file.fileId());
            entry.put("name", file.name());
            if (file.state() == FileState.DONE) {
                entry.put("_modelKey", file.resultKey());
                if (file.thumbnailKey() != null) {
                    entry.put("_thumbnailKey", file.thumbnailKey());
                }
                models.add(entry);
            } else {
                entry.put("state", file.state().name().toLowerCase(Locale.ROOT));
                entry.put("reason", file.reason());
                failures.add(entry);
            }
        }
        data.put("models", models);
        data.put("notMade", failures);
        return data;
    }
}
