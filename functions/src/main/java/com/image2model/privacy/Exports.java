package com.image2model.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.image2model.company.Company;
import com.image2model.company.Member;
import com.image2model.credits.CreditLedger;
import com.image2model.jobs.JobStore;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Everything stored about a person, or about a whole company, as one JSON manifest (GDPR's right
 * of access): the records themselves, and for each image and model a download URL that works for
 * {@link #URL_TTL}, so the manifest stays small and nothing is copied to a second place.
 */
public final class Exports {

    public static final Duration URL_TTL = Duration.ofHours(1);
    private static final int PAGE = 100;

    private final JobStore jobs;
    private final CreditLedger ledger;
    private final S3Presigner presigner;
    private final String uploadsBucket;
    private final String resultsBucket;
    private final Clock clock;

    public Exports(JobStore jobs, CreditLedger ledger, S3Presigner presigner, String uploadsBucket, String resultsBucket, Clock clock) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.presigner = presigner;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
        this.clock = clock;
    }

    /** One person: their profile and membership, the jobs they created with their files, their usage and the ledger entries they caused. */
    public Map<String, Object> person(Company company, Member member) {
        Map<String, Object> out = header("account");
        out.put("profile", member(member));
        out.put("memberships", List.of(Map.of("companyId", company.id(), "companyName", company.name(), "role", member.role().wire(),
                "active", member.active())));
        out.put("jobs", jobs(company.id(), job -> member.id().equals(job.createdBy())));
        out.put("usage", ledger.usage(company.id(), "0000-00-00", "9999-12-31", true).stream()
                .filter(u -> member.id().equals(u.member())).map(Exports::usage).toList());
        out.put("ledger", entries(company.id(), e -> member.id().equals(e.actor())));
        return out;
    }

    /** A whole company: itself, its members, every job and file, its usage by day and member, its whole ledger and balance. */
    public Map<String, Object> company(Company company, List<Member> members) {
        Map<String, Object> out = header("company");
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("id", company.id());
        about.put("name", company.name());
        about.put("domain", company.domain());
        about.put("plan", company.plan());
        about.put("createdAt", company.createdAt());
        out.put("company", about);
        out.put("members", members.stream().map(Exports::member).toList());
        out.put("jobs", jobs(company.id(), job -> true));
        out.put("usageByDay", ledger.usage(company.id(), "0000-00-00", "9999-12-31", false).stream().map(Exports::usage).toList());
        out.put("usageByMember", ledger.usage(company.id(), "0000-00-00", "9999-12-31", true).stream().map(Exports::usage).toList());
        CreditLedger.Balance balance = ledger.balance(company.id());
        out.put("balance", Map.of("available", balance.available(), "held", balance.held()));
        out.put("ledger", entries(company.id(), e -> true));
        return out;
    }

    private Map<String, Object> header(String kind) {
        Map<String, Object> out = new LinkedHashMap<>();
        Instant now = clock.instant();
        out.put("export", kind);
        out.put("generatedAt", now.toString());
        out.put("urlsExpireAt", now.plus(URL_TTL).toString());
        return out;
    }

    private static Map<String, Object> member(Member m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("userId", m.id());
        out.put("email", m.email());
        out.put("role", m.role().wire());
        out.put("active", m.active());
        out.put("joinedAt", m.joinedAt());
        return out;
    }

    private static Map<String, Object> usage(CreditLedger.Usage u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("day", u.day());
        if (u.member() != null) {
            out.put("member", u.member());
        }
        out.put("images", u.images());
        out.put("credits", u.credits());
        return out;
    }

    private List<Map<String, Object>> entries(String companyId, Predicate<CreditLedger.Entry> wanted) {
        List<Map<String, Object>> out = new ArrayList<>();
        Long before = null;
        while (true) {
            List<CreditLedger.Entry> page = ledger.entries(companyId, before, PAGE);
            for (CreditLedger.Entry e : page) {
                if (wanted.test(e)) {
                    out.add(e.view());
                }
            }
            if (page.size() < PAGE) {
                return out;
            }
            before = page.get(page.size() - 1).sequence();
        }
    }

    private List<Map<String, Object>> jobs(String companyId, Predicate<JobStore.Job> wanted) {
        List<Map<String, Object>> out = new ArrayList<>();
        String cursor = null;
        do {
            JobStore.Page page = jobs.jobs(companyId, cursor, PAGE);
            for (JobStore.Job job : page.jobs()) {
                if (wanted.test(job)) {
                    out.add(job(job));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    private Map<String, Object> job(JobStore.Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.jobId());
        out.put("name", job.name());
        out.put("quality", job.quality());
        out.put("state", job.state());
        out.put("cost", job.cost());
        out.put("createdAt", job.createdAt());
        out.put("createdBy", job.createdBy());
        List<Map<String, Object>> files = new ArrayList<>();
        for (JobStore.JobFile file : jobs.files(job.companyId(), job.jobId())) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("fileId", file.fileId());
            f.put("name", file.name());
            f.put("contentType", file.contentType());
            f.put("size", file.size());
            f.put("state", file.state().name());
            f.put("reason", file.reason());
            if (file.state() != JobStore.FileState.AWAITING_UPLOAD) {
                f.put("imageUrl", url(uploadsBucket, file.uploadKey()));
            }
            if (file.state() == JobStore.FileState.DONE) {
                f.put("modelUrl", url(resultsBucket, file.resultKey()));
            }
            files.add(f);
        }
        out.put("files", files);
        return out;
    }

    private String url(String bucket, String key) {
        return presigner.presignGetObject(p -> p.signatureDuration(URL_TTL).getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}
