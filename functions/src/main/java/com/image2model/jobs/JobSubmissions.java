package com.image2model.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.image2model.credits.CreditLedger;
import com.image2model.credits.FairUse;
import com.image2model.credits.PaymentRequired;
import com.image2model.limits.PersonalLimits;
import com.image2model.platform.ApiException;
import com.image2model.platform.Metrics;
import com.image2model.platform.Refusal;
import com.image2model.projects.Project;
import com.image2model.projects.ProjectStore;
import com.image2model.tenancy.TenantContext;

/**
 * POST /jobs: a well-formed request takes the caller's job and image limits, then pays (an
 * Unlimited plan counts its fair use; any other holds each file's credits, all or none, drawing on
 * the project's budget in the same transactions), and only then is the job stored, its files
 * answered with their upload URLs. A refused job holds nothing.
 */
public final class JobSubmissions {

    /** Whether a company's plan is the Unlimited one (it pays with fair use, not credits). */
    @FunctionalInterface
    public interface Plans {
        boolean unlimited(String companyId);
    }

    /** Reads of a project whose budget moved under the holds before the job is refused as changed meanwhile. */
    private static final int BUDGET_ATTEMPTS = 4;

    private final JobStore store;
    private final IdempotencyKeys idempotency;
    private final ProjectStore projects;
    private final CreditLedger ledger;
    private final FairUse fairUse;
    private final Plans plans;
    private final PersonalLimits personal;
    private final JobViews views;
    private final Duration uploadWindow;
    private final Duration holdGrace;
    private final Clock clock;

    public JobSubmissions(JobStore store, IdempotencyKeys idempotency, ProjectStore projects, CreditLedger ledger, FairUse fairUse,
                          Plans plans, PersonalLimits personal, JobViews views, Duration uploadWindow, Duration holdGrace, Clock clock) {
        this.store = store;
        this.idempotency = idempotency;
        this.projects = projects;
        this.ledger = ledger;
        this.fairUse = fairUse;
        this.plans = plans;
        this.personal = personal;
        this.views = views;
        this.uploadWindow = uploadWindow;
        this.holdGrace = holdGrace;
        this.clock = clock;
    }

    Map<String, Object> submit(TenantContext caller, JobRequest request) {
        return make(caller, request, JobRequest.newJobId());
    }

    /**
     * As above under an {@code Idempotency-Key} (null: none): the first request with the key makes
     * the job; a repeat of it answers that job ({@code idempotentReplay}), whatever it became since.
     */
    Map<String, Object> submit(TenantContext caller, JobRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return submit(caller, request);
        }
        String key = IdempotencyKeys.checked(idempotencyKey);
        IdempotencyKeys.Claim claim = idempotency.claim(caller.companyId(), key, IdempotencyKeys.fingerprint(request), JobRequest.newJobId());
        if (!claim.owner()) {
            JobStore.Job job = store.job(caller.companyId(), claim.jobId())
                    .orElseThrow(() -> ApiException.conflict("idempotency_in_progress", "The job of this Idempotency-Key is not there yet."));
            Map<String, Object> out = answer(job);
            out.put("idempotentReplay", true);
            return out;
        }
        Map<String, Object> made;
        try {
            made = make(caller, request, claim.jobId());
        } catch (Refusal refused) {
            // Refused before anything was held (a limit, the balance, the budget): the key is free for the request once it can be made.
            idempotency.release(caller.companyId(), key);
            throw refused;
        }
        // Any other failure keeps the claim: holds may be written under its job id, and a retry after the
        // take-over time makes that same job, so nothing is held twice.
        idempotency.made(caller.companyId(), key);
        return made;
    }

    /** A job as POST /jobs answers it: its summary and files, each not uploaded yet with its upload URL. */
    private Map<String, Object> answer(JobStore.Job job) {
        Map<String, Object> out = views.summary(job);
        out.put("files", store.files(job.companyId(), job.jobId()).stream()
                .map(f -> f.state() == Jobs.FileState.AWAITING_UPLOAD ? views.withUpload(f) : views.fileView(f, false)).toList());
        return out;
    }

    private Map<String, Object> make(TenantContext caller, JobRequest request, String jobId) {
        // A project of another company, or none, is a 404 before anything is taken.
        Project project = projects.forWork(caller.companyId(), request.projectId());
        boolean unlimited = plans.unlimited(caller.companyId());
        // An Unlimited plan pays with fair use: its files hold no credits.
        List<JobStore.NewFile> files = unlimited ? request.files().stream()
                .map(f -> new JobStore.NewFile(f.fileId(), f.name(), f.contentType(), f.size(), f.options(), f.otherViews(), 0)).toList()
                : request.files();
        long total = files.stream().mapToLong(JobStore.NewFile::cost).reduce(0, Math::addExact);
        project.admit(total);
        personal.takeJob(caller.companyId(), caller.userId(), files.size());
        Instant uploadsUntil = clock.instant().plus(uploadWindow);
        try {
            if (unlimited) {
                fairUse.count(caller.companyId(), jobId, files.size());
            } else {
                List<CreditLedger.HoldRequest> holds = files.stream()
                        .map(f -> new CreditLedger.HoldRequest(JobStore.holdId(jobId, f.fileId()), f.cost())).toList();
                hold(caller, project, holds, uploadsUntil.plus(holdGrace));
            }
        } catch (FairUse.CapReached e) {
            Metrics.count("InsufficientCredits", 1);
            throw PaymentRequired.of(e);
        } catch (CreditLedger.InsufficientCredits e) {
            Metrics.count("InsufficientCredits", 1);
            throw PaymentRequired.of(e);
        }
        JobStore.Job job = store.create(caller.companyId(), jobId, request.name(), request.options(), unlimited ? 0 : request.costPerImage(),
                request.falCents(), caller.userId(), files, project.projectId());
        Metrics.count("ImagesAccepted", files.size());
        return answer(job);
    }

    /**
     * Holds the files' credits on the balance and the project's budget at once. The budget read a
     * moment ago may have moved (another job, an admin's change): read it again and decide again,
     * a few times, before answering that the project is too busy to tell.
     */
    private void hold(TenantContext caller, Project project, List<CreditLedger.HoldRequest> holds, Instant until) {
        Project current = project;
        for (int attempt = 1; ; attempt++) {
            try {
                ledger.reserveAll(caller.companyId(), holds, until, caller.userId(), new CreditLedger.Budget(current.projectId(), current.budget()));
                return;
            } catch (CreditLedger.BudgetRefused refused) {
                if (attempt == BUDGET_ATTEMPTS) {
                    throw ApiException.conflict("project_changed", "The project's budget changed while the job was being made: try again.");
                }
                current = projects.forWork(caller.companyId(), current.projectId());
                current.admit(com.image2model.credits.Ledger.total(holds));
            }
        }
    }
}
