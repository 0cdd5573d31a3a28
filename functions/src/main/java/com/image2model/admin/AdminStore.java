package com.image2model.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.company.CompanyStore;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/** What operators read and change in the table besides the ledger: the company directory, suspensions, blocked people. */
public final class AdminStore {

    static final int PAGE = 25;

    /** A company as the directory lists it. */
    public record Listed(String companyId, String name, String domain, String plan, String status, boolean suspended, int members,
                         long available, long held, long imagesThisMonth, long revenueToDateCents, String createdAt) {
    }

    public record Page(List<Listed> companies, String nextCursor) {
    }

    private final DynamoDbClient db;
    private final String table;

    public AdminStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    /**
     * Companies by name, a page at a time; {@code query} keeps those whose name or domain starts
     * with it (case-insensitive). The cursor is the last listed company's id.
     */
    public Page companies(String query, String cursorCompanyId) {
        String prefix = query == null ? "" : query.trim().toLowerCase(java.util.Locale.ROOT);
        Map<String, AttributeValue> start = null;
        if (cursorCompanyId != null) {
            Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(TableKeys.company(cursorCompanyId), "COMPANY"))).item();
            if (item == null || !item.containsKey("GSI1SK")) {
                throw new IllegalArgumentException("unknown cursor");
            }
            start = Map.of("PK", item.get("PK"), "SK", item.get("SK"), "GSI1PK", item.get("GSI1PK"), "GSI1SK", item.get("GSI1SK"));
        }
        List<Listed> out = new ArrayList<>();
        Map<String, AttributeValue> next = start;
        // A filtered query may answer short pages: read on until a page is full or the index ends.
        do {
            Map<String, AttributeValue> from = next;
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(CompanyStore.COMPANIES)));
            String filter = null;
            if (!prefix.isEmpty()) {
                values.put(":q", s(prefix));
                filter = "begins_with(GSI1SK, :q) OR begins_with(#domain, :q)";
            }
            String filterExpression = filter;
            QueryResponse page = db.query(q -> {
                q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p").expressionAttributeValues(values)
                        .limit(PAGE).exclusiveStartKey(from);
                if (filterExpression != null) {
                    q.filterExpression(filterExpression).expressionAttributeNames(Map.of("#domain", "domain"));
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                if (out.size() < PAGE) {
                    out.add(listed(item, java.time.YearMonth.now(java.time.ZoneOffset.UTC)));
                }
            }
            next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (next != null && out.size() < PAGE);
        String cursor = out.size() == PAGE && next != null ? out.get(PAGE - 1).companyId() : null;
        return new Page(out, cursor);
    }

    /** A directory row: the company item, its balance, and its images of {@code month} (the day totals of its usage). */
    private Listed listed(Map<String, AttributeValue> item, java.time.YearMonth month) {
        String id = str(item, "companyId");
        Map<String, AttributeValue> balance = db.getItem(g -> g.tableName(table).key(key(TableKeys.company(id), "BALANCE"))).item();
        long images = db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk AND SK BETWEEN :a AND :b")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(id)), ":a", s("USAGE#D#" + month.atDay(1)),
                                ":b", s("USAGE#D#" + month.atEndOfMonth() + "#~"))))
                .items().stream().filter(u -> u.get("SK").s().split("#").length == 3).mapToLong(u -> num(u, "images")).sum();
        AttributeValue members = item.get("memberCount");
        return new Listed(id, str(item, "name"), str(item, "domain"), str(item, "plan"), str(item, "subscriptionStatus"),
                item.containsKey(CompanyStore.SUSPENDED), members == null ? 0 : Integer.parseInt(members.n()),
                balance == null ? 0 : num(balance, "available"), balance == null ? 0 : num(balance, "held"), images,
                num(item, "revenueCents"), str(item, "createdAt"));
    }

    /** The company a person belongs to (through the GSI1 entry of their member item). */
    public Optional<String> companyOf(String userId) {
        var items = db.query(q -> q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :u")
                .expressionAttributeValues(Map.of(":u", s("USER#" + userId)))).items();
        return items.isEmpty() ? Optional.empty() : Optional.ofNullable(str(items.get(0), "companyId"));
    }

    /** Blocks or unblocks a member; answers whether they were blocked before. */
    public boolean block(String companyId, String userId, boolean blocked) {
        Map<String, AttributeValue> before = db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "MEMBER#" + userId))
                .conditionExpression("attribute_exists(PK)")
                .updateExpression("SET #b = :b").expressionAttributeNames(Map.of("#b", CompanyStore.BLOCKED))
                .expressionAttributeValues(Map.of(":b", AttributeValue.fromBool(blocked)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        AttributeValue old = before == null ? null : before.get(CompanyStore.BLOCKED);
        return old != null && Boolean.TRUE.equals(old.bool());
    }
}
