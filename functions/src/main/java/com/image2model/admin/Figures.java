package com.image2model.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.image2model.company.CompanyStore;
import com.image2model.credits.Catalog;
import com.image2model.jobs.JobStore;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.optNum;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * The platform's figures for operators, read from the table: the month's companies, people, jobs
 * and images, its revenue (Stripe's payments as billing recorded them, refunds and disputes
 * negative), FAL's cost (the catalog's cost per generation, for every image FAL made or failed),
 * gross profit and margin, free credits at list price, daily series; and the subscription
 * revenue: MRR, ARR, subscribers per plan, churn, pack revenue by month.
 *
 * <p>Read by walking every company (the {@code COMPANIES} directory) and its month's jobs: right
 * for the platform's size today; a daily roll-up item is the next step when it is not.
 */
public final class Figures {

    private final DynamoDbClient db;
    private final String table;
    private final JobStore jobs;
    private final Catalog catalog;
    private final Clock clock;

    public Figures(DynamoDbClient db, String table, JobStore jobs, Catalog catalog, Clock clock) {
        this.db = db;
        this.table = table;
        this.jobs = jobs;
        this.catalog = catalog;
        this.clock = clock;
    }

    private List<Map<String, AttributeValue>> companies() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p")
                .expressionAttributeValues(Map.of(":p", s(CompanyStore.COMPANIES)))).items().forEach(items::add);
        return items;
    }

    private List<Map<String, AttributeValue>> partition(String pk, String fromSk, String toSk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk AND SK BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":a", s(fromSk), ":b", s(toSk)))).items().forEach(items::add);
        return items;
    }

    /** Percent with one decimal, 0 when there is nothing to divide by. */
    static double percent(long part, long whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    public Map<String, Object> month(YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, long[]> daily = new TreeMap<>();
        for (LocalDate day = month.atDay(1); day.isBefore(month.plusMonths(1).atDay(1)); day = day.plusDays(1)) {
            daily.put(day.toString(), new long[3]); // revenue cents, images done, new companies
        }
        long companies = 0;
        long newCompanies = 0;
        long activeCompanies = 0;
        long users = 0;
        Map<String, Long> jobsByState = new TreeMap<>();
        Map<String, Long> imagesByState = new TreeMap<>();
        Map<String, Long> doneByQuality = new TreeMap<>();
        long falBilledFailures = 0;
        long falCostCents = 0;
        long freeCredits = 0;
        for (Map<String, AttributeValue> company : companies()) {
            String id = str(company, "companyId");
            Instant created = Instant.parse(str(company, "createdAt"));
            if (created.isBefore(end)) {
                companies++;
                users += num(company, "memberCount");
            }
            if (!created.isBefore(start) && created.isBefore(end)) {
                newCompanies++;
                daily.get(created.atZone(ZoneOffset.UTC).toLocalDate().toString())[2]++;
            }
            List<JobStore.Job> jobs = this.jobs.createdBetween(id, start, end);
            if (!jobs.isEmpty()) {
                activeCompanies++;
            }
            for (JobStore.Job job : jobs) {
                jobsByState.merge(job.state(), 1L, Long::sum);
                imagesByState.merge("DONE", (long) job.done(), Long::sum);
                imagesByState.merge("FAILED", (long) job.failed(), Long::sum);
                imagesByState.merge("CANCELLED", (long) job.cancelled(), Long::sum);
                imagesByState.merge("IN_PROGRESS", (long) (job.files() - job.done() - job.failed() - job.cancelled()), Long::sum);
                doneByQuality.merge(job.quality(), (long) job.done(), Long::sum);
                // A job made with options knows its models' FAL cost (falCents, all its files); older ones, their preset's.
                double perImage = job.falCents() > 0 ? job.falCents() / (double) job.files()
                        : catalog.costPerImage(job.quality()).isPresent() ? catalog.generation(job.quality()).falCostCents() : 0;
                falCostCents += Math.round(job.done() * perImage);
                if (job.failed() > 0) {
                    // FAL bills a generation it ran, even when it failed: the failed files it had accepted.
                    long billed = this.jobs.files(id, job.jobId()).stream()
                            .filter(f -> f.state() == JobStore.FileState.FAILED && f.falRequestId() != null && !f.falRequestId().isBlank()).count();
                    falBilledFailures += billed;
                    falCostCents += Math.round(billed * perImage);
                }
            }
            for (Map<String, AttributeValue> usage : partition(TableKeys.company(id), "USAGE#D#" + month.atDay(1), "USAGE#D#" + month.atEndOfMonth() + "#~")) {
                String[] parts = str(usage, "SK").split("#");
                if (parts.length == 3 && daily.containsKey(parts[2])) {
                    daily.get(parts[2])[1] += num(usage, "images");
                }
            }
            // Free credits: trial grants and operators' grants of the month, at list price (1 credit = 1 cent).
            for (Map<String, AttributeValue> entry : partition(TableKeys.company(id), "LEDGER#", "LEDGER#~")) {
                String at = str(entry, "at");
                if (at == null || Instant.parse(at).isBefore(start) || !Instant.parse(at).isBefore(end)) {
                    continue;
                }
                String type = str(entry, "type");
                if (("GRANT".equals(type) && "trial".equals(str(entry, "reference"))) || ("ADJUST".equals(type) && isIncrease(entry))) {
                    freeCredits += num(entry, "amount");
                }
            }
        }
        long packCents = 0;
        long planCents = 0;
        long refundCents = 0;
        for (Map<String, AttributeValue> record : partition("BILLING#" + month, "A", "~")) {
            String sk = str(record, "SK");
            long paid = num(record, "paidCents");
            if (sk.startsWith("SESSION#")) {
                packCents += paid;
            } else if (sk.startsWith("INVOICE#")) {
                planCents += paid;
            } else {
                refundCents += paid;
            }
            String at = str(record, "at");
            if (at != null) {
                long[] day = daily.get(Instant.parse(at).atZone(ZoneOffset.UTC).toLocalDate().toString());
                if (day != null) {
                    day[0] += paid;
                }
            }
        }
        long revenue = packCents + planCents + refundCents;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("month", month.toString());
        out.put("companies", Map.of("total", companies, "new", newCompanies, "active", activeCompanies));
        out.put("users", users);
        out.put("jobsByState", jobsByState);
        out.put("imagesByState", imagesByState);
        out.put("imagesDoneByQuality", doneByQuality);
        out.put("revenueCents", Map.of("total", revenue, "packs", packCents, "plans", planCents, "refunds", refundCents));
        out.put("falCostCents", falCostCents);
        out.put("falBilledFailures", falBilledFailures);
        out.put("grossProfitCents", revenue - falCostCents);
        out.put("marginPercent", percent(revenue - falCostCents, revenue));
        out.put("freeCreditsAtListCents", freeCredits);
        List<Map<String, Object>> series = new ArrayList<>();
        daily.forEach((day, v) -> series.add(Map.of("day", day, "revenueCents", v[0], "imagesDone", v[1], "newCompanies", v[2])));
        out.put("daily", series);
        return out;
    }

    /** An ADJUST entry that raised the balance (its balance-after exceeds what it was before by the amount). */
    private boolean isIncrease(Map<String, AttributeValue> entry) {
        long sequence = num(entry, "sequence");
        if (sequence <= 1) {
            return true;
        }
        String pk = str(entry, "PK");
        Map<String, AttributeValue> previous = db.getItem(g -> g.tableName(table)
                .key(Map.of("PK", s(pk), "SK", s("LEDGER#" + String.format("%012d", sequence - 1))))).item();
        return previous == null || previous.isEmpty() || num(entry, "balanceAfter") > num(previous, "balanceAfter");
    }

    /**
     * MRR (the monthly amounts of the subscriptions Stripe charges now: active and past due), ARR,
     * subscribers per plan, churn of {@code churnMonth}, and pack revenue of the last 12 months.
     */
    public Map<String, Object> revenue(YearMonth churnMonth) {
        Instant start = churnMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = churnMonth.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long mrr = 0;
        Map<String, Long> mrrByPlan = new TreeMap<>();
        Map<String, Long> subscribersByPlan = new TreeMap<>();
        long atStart = 0;
        long mrrAtStart = 0;
        long churned = 0;
        long mrrChurned = 0;
        for (Map<String, AttributeValue> company : companies()) {
            String status = str(company, "subscriptionStatus");
            Long startedAt = optNum(company, "subscriptionStartedAt");
            Long endedAt = optNum(company, "subscriptionEndedAt");
            long monthly = num(company, "subscriptionMonthlyCents");
            if (status != null && (status.equals("active") || status.equals("past_due") || status.equals("trialing")) && str(company, "plan") != null) {
                mrr += monthly;
                mrrByPlan.merge(str(company, "plan"), monthly, Long::sum);
                subscribersByPlan.merge(str(company, "plan"), 1L, Long::sum);
            }
            if (startedAt == null) {
                continue;
            }
            boolean subscribedAtStart = startedAt < start.getEpochSecond() && (endedAt == null || endedAt >= start.getEpochSecond());
            if (subscribedAtStart) {
                atStart++;
                mrrAtStart += monthly;
                if (endedAt != null && endedAt < end.getEpochSecond()) {
                    churned++;
                    mrrChurned += monthly;
                }
            }
        }
        YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        List<Map<String, Object>> packs = new ArrayList<>();
        for (int i = 11; i >= 0; i--) {
            YearMonth m = now.minusMonths(i);
            long cents = partition("BILLING#" + m, "SESSION#", "SESSION#~").stream().mapToLong(r -> num(r, "paidCents")).sum();
            packs.add(Map.of("month", m.toString(), "packRevenueCents", cents));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mrrCents", mrr);
        out.put("arrCents", 12 * mrr);
        out.put("mrrByPlanCents", mrrByPlan);
        out.put("subscribersByPlan", subscribersByPlan);
        Map<String, Object> churn = new LinkedHashMap<>();
        churn.put("month", churnMonth.toString());
        churn.put("subscribersAtStart", atStart);
        churn.put("churned", churned);
        churn.put("logoChurnPercent", percent(churned, atStart));
        churn.put("mrrAtStartCents", mrrAtStart);
        churn.put("mrrChurnedCents", mrrChurned);
        churn.put("revenueChurnPercent", percent(mrrChurned, mrrAtStart));
        out.put("churn", churn);
        out.put("packRevenueByMonth", packs);
        return out;
    }
}
