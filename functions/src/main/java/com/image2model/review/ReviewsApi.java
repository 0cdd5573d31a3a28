package com.image2model.review;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.company.CompanyStore;
import com.image2model.company.Mailer;
import com.image2model.company.Member;
import com.image2model.jobs.JobStore;
import com.image2model.jobs.JobViews;
import com.image2model.jobs.Jobs;
import com.image2model.jobs.ModelDownloads;
import com.image2model.limits.LimitExceeded;
import com.image2model.limits.RateLimit;
import com.image2model.limits.RateLimiter;
import com.image2model.limits.TooManyRequests;
import com.image2model.models.Exports;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.LinkToken;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/**
 * Review links: a member shares a job's models with a client through a link that needs no
 * sign-in (POST /jobs/{id}/share), sees and withdraws the job's links; whoever holds a link sees
 * that job's finished models only (pictures, the 3D models, downloads if the link allows) and
 * approves each or asks for changes with a comment, which the job page shows and the job's creator
 * is emailed. A link shows nothing else of the company: no other job, no email, no balance.
 */
public final class ReviewsApi {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewsApi.class);
    private static final Pattern JOB_ID = Pattern.compile("j[0-9a-f]{19}");
    private static final Pattern SHARE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern FILE_ID = Pattern.compile("f[0-9]{3}");
    /** What one link may be asked a minute (viewing and deciding together): a person reviewing needs a few. */
    static final RateLimit PER_LINK = new RateLimit("review", 60, Duration.ofMinutes(1), "requests");
    /** How long the reviewer's model and picture URLs live: a review session. */
    private static final Duration VIEW_URLS = Duration.ofHours(1);

    private final ReviewStore reviews;
    private final JobStore jobs;
    private final JobViews views;
    private final ModelDownloads downloads;
    private final CompanyStore companies;
    private final Mailer mail;
    private final RateLimiter limiter;
    private final String siteOrigin;
    private final Clock clock;

    public ReviewsApi(ReviewStore reviews, JobStore jobs, JobViews views, ModelDownloads downloads, CompanyStore companies, Mailer mail,
                      RateLimiter limiter, String siteOrigin, Clock clock) {
        this.reviews = reviews;
        this.jobs = jobs;
        this.views = views;
        this.downloads = downloads;
        this.companies = companies;
        this.mail = mail;
        this.limiter = limiter;
        this.siteOrigin = siteOrigin;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("POST /jobs/{id}/share", (caller, event) -> ApiResponses.json(201, share(caller, job(caller, MemberRoutes.pathId(event)),
                ApiRequests.jsonBody(event))));
        routes.put("GET /jobs/{id}/shares", (caller, event) -> {
            Jobs.Job job = job(caller, MemberRoutes.pathId(event));
            Instant now = clock.instant();
            List<Map<String, Object>> out = reviews.shares(caller.companyId(), job.jobId()).stream().map(s -> view(s, now)).toList();
            return ApiResponses.json(200, Map.of("shares", out));
        });
        routes.put("DELETE /jobs/{id}/shares/{shareId}", (caller, event) -> {
            Jobs.Job job = job(caller, MemberRoutes.pathId(event));
            String shareId = event.getPathParameters() == null ? null : event.getPathParameters().get("shareId");
            if (shareId == null || !SHARE_ID.matcher(shareId).matches()
                    || !reviews.revoke(caller.companyId(), job.jobId(), shareId, clock.instant())) {
                throw ApiException.notFound("Review link " + shareId);
            }
            LOG.info("Review link {} of job {} withdrawn by {}", shareId, job.jobId(), caller.userId());
            return ApiResponses.json(200, Map.of("revoked", shareId));
        });
        return routes;
    }

    public Map<String, MemberRoutes.PublicRoute> publicRoutes() {
        Map<String, MemberRoutes.PublicRoute> routes = new LinkedHashMap<>();
        routes.put("POST /reviews/view", event -> {
            Opened opened = open(ApiRequests.jsonBody(event));
            return ApiResponses.json(200, review(opened));
        });
        routes.put("POST /reviews/decide", event -> {
            JsonNode body = ApiRequests.jsonBody(event);
            Opened opened = open(body);
            String fileId = ApiRequests.optionalText(body, "fileId", "fileId");
            Share.Decision decision = Share.Decision.named(ApiRequests.optionalText(body, "decision", "decision"));
            String comment = ApiRequests.optionalText(body, "comment", "comment");
            String refusal = Share.refusal(decision, comment);
            if (refusal != null) {
                throw ApiException.badRequest("invalid_decision", refusal);
            }
            String text = comment == null ? "" : comment.trim();
            if (fileId == null || !FILE_ID.matcher(fileId).matches()
                    || !reviews.decide(opened.share().companyId(), opened.job().jobId(), fileId, decision, text, opened.share().shareId(),
                    clock.instant())) {
                throw ApiException.notFound("Model " + fileId);
            }
            notifyCreator(opened, fileId, decision, text);
            return ApiResponses.json(200, review(opened));
        });
        return routes;
    }

    private Jobs.Job job(TenantContext caller, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw ApiException.notFound("Job " + jobId);
        }
        return jobs.job(caller.companyId(), jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
    }

    private Map<String, Object> share(TenantContext caller, Jobs.Job job, JsonNode body) {
        int days = Share.DEFAULT_DAYS;
        JsonNode asked = body == null ? null : body.get("expiresInDays");
        if (asked != null && !asked.isNull()) {
            // canConvertToInt: a huge number must not wrap around into a valid one.
            if (!asked.isIntegralNumber() || !asked.canConvertToInt() || asked.asInt() < Share.MIN_DAYS || asked.asInt() > Share.MAX_DAYS) {
                throw ApiException.badRequest("invalid_expiry", "expiresInDays must be a whole number of days from 1 to 30.");
            }
            days = asked.asInt();
        }
        JsonNode download = body == null ? null : body.get("allowDownload");
        if (download != null && !download.isNull() && !download.isBoolean()) {
            throw ApiException.badRequest("invalid_allow_download", "allowDownload must be true or false.");
        }
        if (job.done() == 0) {
            throw new ApiException(409, "nothing_to_review", "No model of this job is ready yet: share it once one is.");
        }
        Instant now = clock.instant();
        LinkToken token = LinkToken.fresh(caller.companyId(), LinkToken.newId());
        Share share = new Share(caller.companyId(), token.id(), job.jobId(), token.secretHash(), now, caller.userId(),
                now.plus(Duration.ofDays(days)), download != null && download.asBoolean(), null);
        reviews.put(share);
        LOG.info("Review link {} of job {} made by {} for {} days", share.shareId(), job.jobId(), caller.userId(), days);
        Map<String, Object> out = view(share, now);
        // The token is in the URL's fragment: no server, proxy or log on the way sees it.
        out.put("url", siteOrigin + "/#/review/" + token.text());
        return out;
    }

    private static Map<String, Object> view(Share share, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shareId", share.shareId());
        out.put("status", share.status(now).name().toLowerCase());
        out.put("createdAt", share.createdAt().toString());
        out.put("expiresAt", share.expiresAt().toString());
        out.put("allowDownload", share.allowDownload());
        if (share.revokedAt() != null) {
            out.put("revokedAt", share.revokedAt().toString());
        }
        return out;
    }

    private record Opened(Share share, Jobs.Job job) {
    }

    /** The link's share and job, or the refusal a holder of a bad, ended or withdrawn link gets. */
    private Opened open(JsonNode body) {
        String text = ApiRequests.optionalText(body, "token", "token");
        LinkToken token = LinkToken.parse(text).orElseThrow(ReviewsApi::notFound);
        try {
            limiter.take(token.companyId(), "review-" + token.id(), PER_LINK);
        } catch (LimitExceeded e) {
            throw TooManyRequests.of(e);
        }
        Share share = reviews.share(token.companyId(), token.id()).filter(s -> token.matches(s.secretHash())).orElseThrow(ReviewsApi::notFound);
        switch (share.status(clock.instant())) {
            case REVOKED -> throw new ApiException(410, "share_revoked", "This review link was withdrawn. Ask whoever sent it for a new one.");
            case EXPIRED -> throw new ApiException(410, "share_expired", "This review link has expired. Ask whoever sent it for a new one.");
            default -> {
            }
        }
        Jobs.Job job = jobs.job(share.companyId(), share.jobId()).orElseThrow(ReviewsApi::notFound);
        return new Opened(share, job);
    }

    private static ApiException notFound() {
        // One answer for a malformed, unknown or wrong link: nothing tells them apart.
        return new ApiException(404, "share_not_found", "This review link does not exist. Check that it was copied whole.");
    }

    /** What a reviewer sees: the job's name, the sharer's company name, and its finished models. Nothing else. */
    private Map<String, Object> review(Opened opened) {
        Share share = opened.share();
        List<Map<String, Object>> models = new ArrayList<>();
        for (Jobs.JobFile file : jobs.files(share.companyId(), share.jobId())) {
            if (file.state() != Jobs.FileState.DONE) {
                continue;
            }
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("fileId", file.fileId());
            model.put("name", file.name());
            model.put("faces", file.faces());
            model.put("thumbnail", views.signed(share.companyId(), file.thumbnailKey()));
            model.put("model", downloads.view(file, VIEW_URLS));
            if (share.allowDownload()) {
                model.put("download", downloads.download(file, Exports.Format.GLB, VIEW_URLS));
            }
            if (file.reviewDecision() != null) {
                model.put("review", Map.of("decision", file.reviewDecision(), "comment", file.reviewComment() == null ? "" : file.reviewComment(),
                        "at", file.reviewAt()));
            }
            models.add(model);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobName", opened.job().name());
        out.put("companyName", companies.company(share.companyId()).map(c -> c.name()).orElse(""));
        out.put("expiresAt", share.expiresAt().toString());
        out.put("allowDownload", share.allowDownload());
        out.put("models", models);
        return out;
    }

    private void notifyCreator(Opened opened, String fileId, Share.Decision decision, String comment) {
        Jobs.Job job = opened.job();
        String fileName = jobs.file(job.companyId(), job.jobId(), fileId).map(Jobs.JobFile::name).orElse(fileId);
        List<String> to = companies.member(job.companyId(), job.createdBy()).filter(Member::active).map(Member::email).stream().toList();
        if (to.isEmpty()) {
            return;
        }
        String name = job.name() == null ? "your job" : job.name();
        try {
            mail.send(to, name + ": " + fileName + " " + decision.words(), "A reviewer marked " + fileName + " in " + name + " as "
                    + decision.words() + (comment.isEmpty() ? "." : ":\n\n" + comment) + "\n\nSee the job: " + siteOrigin + "/#/jobs/" + job.jobId()
                    + "\n");
        } catch (RuntimeException e) {
            // The decision is kept and shows on the job page; a lost email must not refuse the reviewer.
            LOG.warn("The review email for job {} could not be sent: {}", job.jobId(), e.toString());
        }
    }
}
