package com.image2model.company;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.credits.TrialGrant;
import com.image2model.platform.TableKeys;
import com.image2model.platform.TableTransaction;
import com.image2model.tenancy.TenantContext.Role;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.str;

/**
 * Companies and their members in DynamoDB. Every tenant item lives under {@code C#{companyId}};
 * two platform items keep the uniqueness rules: {@code DOMAIN#{domain}} (one company per email
 * domain) and {@code EMAIL#{email}} (one company per person). Every change is one conditional
 * transaction, so a retried or concurrent call cannot create anything twice.
 */
public final class CompanyStore {

    /** Why a write did not happen. */
    public enum Refusal {
        DOMAIN_TAKEN, EMAIL_TAKEN, JOIN_CLOSED, NO_COMPANY, LAST_ADMIN, CHANGED_MEANWHILE, DOMAIN_NOT_VERIFIED, NO_JOIN_REQUEST, TRIAL_USED,
        ALREADY_INVITED, NO_INVITATION
    }

    public static final class Refused extends RuntimeException {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.name());
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    /**
     * Who an email address belongs to: a member of {@code companyId}, or (with a {@code joinStatus})
     * a person who asked to join it and is waiting, or was declined.
     */
    public record EmailClaim(String companyId, String userId, JoinStatus joinStatus) {
        public EmailClaim(String companyId, String userId) {
            this(companyId, userId, null);
        }

        public boolean member() {
            return joinStatus == null;
        }
    }

    /** Where a join request stands for the person who made it. */
    public enum JoinStatus {
        PENDING, DECLINED
    }

    /** A person's request to join a company, waiting for one of its admins. */
    public record JoinRequest(String companyId, String userId, String email, String requestedAt) {
    }

    /** The company's proof of its domain: the token its TXT record must hold, and whether it was found. */
    public record DomainProof(String domain, String token, boolean verified, String verifiedAt, String checkedAt) {
    }

    static final String JOIN_REQUEST = "JOINREQ#";
    static final String TRIAL_PREFIX = "TRIAL#";

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public CompanyStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ reads (strongly consistent)

    public Optional<Company> company(String companyId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), "COMPANY");
        return item == null ? Optional.empty() : Optional.of(toCompany(item));
    }

    public Optional<Member> member(String companyId, String userId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), "MEMBER#" + userId);
        return item == null ? Optional.empty() : Optional.of(toMember(item));
    }

    /** A member as stored, with what operators set: a block on them, a suspension of their company; and their last sign-in. */
    public record MemberRecord(Member member, boolean blocked, boolean companySuspended, String lastSignInAt) {
    }

    /** A member and their company's suspension, read together (one consistent round trip: the API and the pre-token trigger ask on every call). */
    public Optional<MemberRecord> memberRecord(String companyId, String userId) {
        Map<String, AttributeValue> memberKey = key(TableKeys.company(companyId), "MEMBER#" + userId);
        Map<String, AttributeValue> companyKey = key(TableKeys.company(companyId), "COMPANY");
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(memberKey, companyKey).consistentRead(true).build());
        Map<String, AttributeValue> member = null;
        Map<String, AttributeValue> company = null;
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> asked = request;
            var answer = db.batchGetItem(b -> b.requestItems(asked));
            for (Map<String, AttributeValue> item : answer.responses().getOrDefault(table, List.of())) {
                if (item.get("SK").s().equals("COMPANY")) {
                    company = item;
                } else {
                    member = item;
                }
            }
            request = answer.hasUnprocessedKeys() ? answer.unprocessedKeys() : Map.of();
            if (attempt >= 5 && !request.isEmpty()) {
                throw new IllegalStateException("DynamoDB left the member's read unprocessed");
            }
        }
        if (member == null) {
            return Optional.empty();
        }
        return Optional.of(record(member, company != null && company.containsKey(SUSPENDED)));
    }

    /** Every member of a company as stored (in the order of their sort keys). */
    public List<MemberRecord> memberRecords(String companyId) {
        boolean suspended = suspension(companyId).isPresent();
        List<MemberRecord> records = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :member)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":member", s("MEMBER#"))))
                .items().forEach(item -> records.add(record(item, suspended)));
        return records;
    }

    private static MemberRecord record(Map<String, AttributeValue> item, boolean companySuspended) {
        return new MemberRecord(toMember(item), flag(item, BLOCKED), companySuspended,
                item.containsKey("lastSignInAt") ? item.get("lastSignInAt").s() : null);
    }

    /**
     * A person's standing in a company as stored now, for {@link com.image2model.tenancy.Callers}:
     * their role, whether they may act (active, and not blocked by an operator), and whether an
     * operator suspended the company.
     */
    public Optional<com.image2model.tenancy.Callers.Standing> standing(String companyId, String userId) {
        return memberRecord(companyId, userId).map(r -> new com.image2model.tenancy.Callers.Standing(r.member().role(),
                r.member().active() && !r.blocked(), r.companySuspended()));
    }

    /** The GSI1 partition that lists every company. */
    public static final String COMPANIES = "COMPANIES";

    /** Set by an operator on a member item: the person can neither sign in nor call the API, whatever their company's admins do. */
    public static final String BLOCKED = "blockedByOperator";
    /** Set by an operator on a company item, with the reason: its members get no tokens and no API. */
    public static final String SUSPENDED = "suspendedReason";

    /** Why an operator suspended the company, when it is suspended. */
    public Optional<String> suspension(String companyId) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(TableKeys.company(companyId), "COMPANY")).consistentRead(true)
                .projectionExpression("#r").expressionAttributeNames(Map.of("#r", SUSPENDED))).item();
        return item == null || !item.containsKey(SUSPENDED) ? Optional.empty() : Optional.of(item.get(SUSPENDED).s());
    }

    /** Records that the member just got tokens (a sign-in or a refresh), for the operators' view; best effort. */
    public void signedIn(String companyId, String userId, String at) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "MEMBER#" + userId))
                    .conditionExpression("attribute_exists(PK)").updateExpression("SET lastSignInAt = :at")
                    .expressionAttributeValues(Map.of(":at", s(at))));
        } catch (RuntimeException e) {
            // Never a reason to refuse a sign-in.
            org.slf4j.LoggerFactory.getLogger(CompanyStore.class).warn("Last sign-in not recorded: {}", e.getClass().getSimpleName());
        }
    }

    private static boolean flag(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    public List<Member> members(String companyId) {
        List<Member> members = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :member)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":member", s("MEMBER#"))))
                .items().forEach(item -> members.add(toMember(item)));
        members.sort((a, b) -> a.joinedAt().compareTo(b.joinedAt()));
        return members;
    }

    public Optional<EmailClaim> emailClaim(EmailAddress email) {
        Map<String, AttributeValue> item = get("EMAIL#" + email.value(), "EMAIL");
        String status = item == null ? null : str(item, "joinStatus");
        return item == null ? Optional.empty()
                : Optional.of(new EmailClaim(item.get("companyId").s(), item.get("userId").s(), status == null ? null : JoinStatus.valueOf(status)));
    }

    public List<JoinRequest> joinRequests(String companyId) {
        List<JoinRequest> requests = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :req)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":req", s(JOIN_REQUEST))))
                .items().forEach(item -> requests.add(toJoinRequest(item)));
        requests.sort((a, b) -> a.requestedAt().compareTo(b.requestedAt()));
        return requests;
    }

    public Optional<JoinRequest> joinRequest(String companyId, String userId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), JOIN_REQUEST + userId);
        return item == null ? Optional.empty() : Optional.of(toJoinRequest(item));
    }

    private static JoinRequest toJoinRequest(Map<String, AttributeValue> item) {
        return new JoinRequest(str(item, "companyId"), str(item, "userId"), str(item, "email"), str(item, "requestedAt"));
    }

    /** The company's domain proof; empty for a company without a domain. */
    public Optional<DomainProof> domainProof(String companyId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), "COMPANY");
        if (item == null || str(item, "domain") == null) {
            return Optional.empty();
        }
        return Optional.of(new DomainProof(str(item, "domain"), str(item, "domainToken"), flag(item, "domainVerified"),
                str(item, "domainVerifiedAt"), str(item, "domainCheckedAt")));
    }

    public Optional<String> companyOfDomain(String domain) {
        Map<String, AttributeValue> item = get("DOMAIN#" + domain, "DOMAIN");
        return item == null ? Optional.empty() : Optional.of(item.get("companyId").s());
    }

    // ------------------------------------------------------------------ writes

    /** A new company with its founder as admin and its trial credits, all or nothing. */
    public void createCompany(Company company, Member founder, long trialCredits) {
        createCompany(company, founder, trialCredits, null, null);
    }

    /**
     * The same for a person who had asked to join another company ({@code replacing}, their claim
     * as read): their request goes and their claim becomes the new company's, only while it is
     * still the waiting or declined request that was read.
     */
    public void createCompany(Company company, Member founder, long trialCredits, EmailClaim replacing, String trialKey) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, AttributeValue> companyItem = new HashMap<>(Map.of(
                "PK", s(TableKeys.company(company.id())), "SK", s("COMPANY"),
                "companyId", s(company.id()), "name", s(company.name()),
                "personal", bool(company.personal()), "autoJoin", bool(company.autoJoin()),
                "adminCount", n(1), "memberCount", n(1), "createdAt", s(company.createdAt())));
        if (company.domain() != null) {
            companyItem.put("domain", s(company.domain()));
        }
        // Every company in one GSI1 partition, by lower-case name: the operators' directory.
        companyItem.put("GSI1PK", s(COMPANIES));
        companyItem.put("GSI1SK", s(company.name().toLowerCase(java.util.Locale.ROOT) + "#" + company.id()));
        items.add(put(companyItem, "attribute_not_exists(PK)"));                                   // 0
        items.add(company.domain() == null ? null : put(Map.of(                                       // 1
                "PK", s("DOMAIN#" + company.domain()), "SK", s("DOMAIN"), "companyId", s(company.id())),
                "attribute_not_exists(PK)"));
        items.add(replacing == null ? put(emailClaimItem(founder), "attribute_not_exists(PK)")       // 2
                : TransactWriteItem.builder().put(p -> p.tableName(table).item(emailClaimItem(founder))
                        .conditionExpression("userId = :user AND companyId = :requested AND joinStatus = :status")
                        .expressionAttributeValues(Map.of(":user", s(founder.id()), ":requested", s(replacing.companyId()),
                                ":status", s(replacing.joinStatus().name())))).build());
        items.add(put(memberItem(founder), "attribute_not_exists(PK)"));                              // 3
        List<Refusal> byIndex = new ArrayList<>(List.of(Refusal.CHANGED_MEANWHILE, Refusal.DOMAIN_TAKEN,
                Refusal.EMAIL_TAKEN, Refusal.CHANGED_MEANWHILE));
        if (trialCredits > 0) {
            items.addAll(TrialGrant.writes(table, company.id(), trialCredits, clock.instant()).writes());  // 4, 5
            byIndex.addAll(List.of(Refusal.CHANGED_MEANWHILE, Refusal.CHANGED_MEANWHILE));
        }
        if (trialKey != null && trialCredits > 0) {
            // The mailbox's one trial (Mailbox.trialKey): kept after erasure, so a second company of it starts with none.
            items.add(put(Map.of("PK", s(TRIAL_PREFIX + trialKey), "SK", s("TRIAL"), "at", s(company.createdAt())), "attribute_not_exists(PK)"));
            byIndex.add(Refusal.TRIAL_USED);
        }
        if (replacing != null) {
            items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                    .key(key(TableKeys.company(replacing.companyId()), JOIN_REQUEST + founder.id()))).build());
            byIndex.add(Refusal.CHANGED_MEANWHILE);
        }
        if (company.domain() == null) {
            items.remove(1);
            byIndex.remove(1);
        }
        write(items, byIndex);
    }

    /** A person asks to join the company of their domain: their claim says so, and its admins see the request. */
    public void requestToJoin(JoinRequest request) {
        Map<String, AttributeValue> claim = new HashMap<>(Map.of("PK", s("EMAIL#" + request.email()), "SK", s("EMAIL"),
                "companyId", s(request.companyId()), "userId", s(request.userId()), "joinStatus", s(JoinStatus.PENDING.name())));
        write(List.of(
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key(TableKeys.company(request.companyId()), "COMPANY"))
                        .conditionExpression("attribute_exists(PK)")).build(),
                put(claim, "attribute_not_exists(PK)"),
                put(Map.of("PK", s(TableKeys.company(request.companyId())), "SK", s(JOIN_REQUEST + request.userId()),
                        "companyId", s(request.companyId()), "userId", s(request.userId()), "email", s(request.email()),
                        "requestedAt", s(request.requestedAt())), "attribute_not_exists(PK)")),
                List.of(Refusal.NO_COMPANY, Refusal.EMAIL_TAKEN, Refusal.EMAIL_TAKEN));
    }

    /** An admin's yes: the request becomes a membership, all or nothing, only while it is still waiting. */
    public void approveJoinRequest(JoinRequest request, Member member) {
        String update = member.activeAdmin() ? "ADD memberCount :one, adminCount :one" : "ADD memberCount :one";
        write(List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(TableKeys.company(request.companyId()),
                        JOIN_REQUEST + request.userId())).conditionExpression("attribute_exists(PK)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key("EMAIL#" + request.email(), "EMAIL"))
                        .updateExpression("REMOVE joinStatus")
                        .conditionExpression("userId = :user AND companyId = :company AND joinStatus = :pending")
                        .expressionAttributeValues(Map.of(":user", s(request.userId()), ":company", s(request.companyId()),
                                ":pending", s(JoinStatus.PENDING.name())))).build(),
                put(memberItem(member), "attribute_not_exists(PK)"),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key(TableKeys.company(request.companyId()), "COMPANY"))
                        .updateExpression(update).conditionExpression("attribute_exists(PK)")
                        .expressionAttributeValues(Map.of(":one", n(1)))).build()),
                List.of(Refusal.NO_JOIN_REQUEST, Refusal.NO_JOIN_REQUEST, Refusal.CHANGED_MEANWHILE, Refusal.NO_COMPANY));
    }

    /** An admin's no: the request goes, and the person's claim says declined (they may start their own workspace). */
    public void declineJoinRequest(JoinRequest request) {
        write(List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(TableKeys.company(request.companyId()),
                        JOIN_REQUEST + request.userId())).conditionExpression("attribute_exists(PK)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key("EMAIL#" + request.email(), "EMAIL"))
                        .updateExpression("SET joinStatus = :declined")
                        .conditionExpression("userId = :user AND companyId = :company AND joinStatus = :pending")
                        .expressionAttributeValues(Map.of(":user", s(request.userId()), ":company", s(request.companyId()),
                                ":pending", s(JoinStatus.PENDING.name()), ":declined", s(JoinStatus.DECLINED.name())))).build()),
                List.of(Refusal.NO_JOIN_REQUEST, Refusal.NO_JOIN_REQUEST));
    }

    /** The token the company's TXT record must hold: made once, then kept (answers the stored one). */
    public String domainToken(String companyId, String fresh) {
        Map<String, AttributeValue> after = db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                .updateExpression("SET domainToken = if_not_exists(domainToken, :t)")
                .conditionExpression("attribute_exists(PK) AND attribute_exists(#domain)")
                .expressionAttributeNames(Map.of("#domain", "domain"))
                .expressionAttributeValues(Map.of(":t", s(fresh)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
        return str(after, "domainToken");
    }

    /**
     * Records a check of the company's TXT record: found, the domain is verified; not found, it is
     * not, and automatic joining goes off with it. Answers whether automatic joining was on and is now off.
     */
    public boolean recordDomainCheck(String companyId, boolean found, String at) {
        if (found) {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                    .updateExpression("SET domainVerified = :t, domainCheckedAt = :at, domainVerifiedAt = if_not_exists(domainVerifiedAt, :at)")
                    .conditionExpression("attribute_exists(PK)")
                    .expressionAttributeValues(Map.of(":t", bool(true), ":at", s(at))));
            return false;
        }
        Map<String, AttributeValue> before = db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                .updateExpression("SET domainVerified = :f, autoJoin = :f, domainCheckedAt = :at REMOVE domainVerifiedAt")
                .conditionExpression("attribute_exists(PK)")
                .expressionAttributeValues(Map.of(":f", bool(false), ":at", s(at)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        return flag(before, "autoJoin");
    }

    /** The ids of the companies whose domain was verified or that still join automatically (the periodic re-check). */
    public List<String> companiesToRecheck() {
        List<String> ids = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :c")
                        .expressionAttributeValues(Map.of(":c", s(COMPANIES))))
                .items().forEach(item -> {
                    if (flag(item, "domainVerified") || flag(item, "autoJoin")) {
                        ids.add(str(item, "companyId"));
                    }
                });
        return ids;
    }

    /** A member joins an existing company (sign-up at its verified domain with automatic joining on, or an invitation). */
    public void addMember(Member member, boolean onlyIfAutoJoin) {
        String condition = "attribute_exists(PK)" + (onlyIfAutoJoin ? " AND autoJoin = :true AND domainVerified = :true" : "");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1)));
        if (onlyIfAutoJoin) {
            values.put(":true", bool(true));
        }
        String update = member.activeAdmin() ? "ADD memberCount :one, adminCount :one" : "ADD memberCount :one";
        write(List.of(
                        TransactWriteItem.builder().update(u -> u.tableName(table)
                                .key(key(TableKeys.company(member.companyId()), "COMPANY"))
                                .updateExpression(update).conditionExpression(condition)
                                .expressionAttributeValues(values)).build(),
                        put(emailClaimItem(member), "attribute_not_exists(PK)"),
                        put(memberItem(member), "attribute_not_exists(PK)")),
                List.of(onlyIfAutoJoin ? Refusal.JOIN_CLOSED : Refusal.NO_COMPANY, Refusal.EMAIL_TAKEN, Refusal.EMAIL_TAKEN));
    }

    /**
     * Replaces a member's role or active flag, if it is still as {@code before} says, keeping the
     * company's count of active admins exact: the last active admin cannot stop being one.
     */
    public void change(Member before, Member after) {
        int adminDelta = Roster.adminDelta(before, after);
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(TableKeys.company(before.companyId()), "MEMBER#" + before.id()))
                .updateExpression("SET #role = :newRole, active = :newActive")
                .conditionExpression("#role = :oldRole AND active = :oldActive")
                .expressionAttributeNames(Map.of("#role", "role"))
                .expressionAttributeValues(Map.of(
                        ":newRole", s(after.role().wire()), ":newActive", bool(after.active()),
                        ":oldRole", s(before.role().wire()), ":oldActive", bool(before.active())))).build());
        if (adminDelta != 0) {
            items.add(adminCount(before.companyId(), adminDelta));
        }
        write(items, List.of(Refusal.CHANGED_MEANWHILE, Refusal.LAST_ADMIN));
    }

    /** Turns automatic joining on (only for a verified domain: {@code DOMAIN_NOT_VERIFIED}) or off. */
    public void setAutoJoin(String companyId, boolean autoJoin) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":autoJoin", bool(autoJoin)));
        if (autoJoin) {
            values.put(":true", bool(true));
        }
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                    .updateExpression("SET autoJoin = :autoJoin")
                    .conditionExpression("attribute_exists(PK)" + (autoJoin ? " AND domainVerified = :true" : ""))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new Refused(Refusal.DOMAIN_NOT_VERIFIED);
        }
    }

    /** Removes a member from the company (and frees their email for another company). */
    public void remove(Member member) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                .key(key(TableKeys.company(member.companyId()), "MEMBER#" + member.id()))
                .conditionExpression("#role = :role AND active = :active")
                .expressionAttributeNames(Map.of("#role", "role"))
                .expressionAttributeValues(Map.of(":role", s(member.role().wire()), ":active", bool(member.active()))))
                .build());
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                .key(key("EMAIL#" + member.email(), "EMAIL"))
                .conditionExpression("userId = :user")
                .expressionAttributeValues(Map.of(":user", s(member.id())))).build());
        items.add(Roster.adminDeltaOfRemoval(member) != 0 ? adminCount(member.companyId(), Roster.adminDeltaOfRemoval(member), -1)
                : TransactWriteItem.builder().update(u -> u.tableName(table).key(key(TableKeys.company(member.companyId()), "COMPANY"))
                .updateExpression("ADD memberCount :minus").expressionAttributeValues(Map.of(":minus", n(-1)))).build());
        write(items, List.of(Refusal.CHANGED_MEANWHILE, Refusal.CHANGED_MEANWHILE, Refusal.LAST_ADMIN));
    }

    private TransactWriteItem adminCount(String companyId, int delta) {
        return adminCount(companyId, delta, 0);
    }

    private TransactWriteItem adminCount(String companyId, int adminDelta, int memberDelta) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":delta", n(adminDelta)));
        String update = "ADD adminCount :delta";
        if (memberDelta != 0) {
            update += ", memberCount :members";
            values.put(":members", n(memberDelta));
        }
        String condition = "attribute_exists(PK)";
        if (Roster.adminsNeeded(adminDelta) > 0) {
            // The last-admin rule (Roster), as the write's condition.
            condition += " AND adminCount >= :needed";
            values.put(":needed", n(Roster.adminsNeeded(adminDelta)));
        }
        String finalUpdate = update;
        String finalCondition = condition;
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                .updateExpression(finalUpdate).conditionExpression(finalCondition).expressionAttributeValues(values)).build();
    }

    // ------------------------------------------------------------------ the company item's other fields
    // This class is the company item's one writer: billing, the operators and erasure set their fields through it.

    /** What billing keeps on the company item. */
    public record BillingFields(String customerId, String plan, int seats, String subscriptionId, String status, long currentPeriodEnd,
                                boolean cancelAtPeriodEnd, boolean pastDue, Long overdueSince) {
    }

    /** A subscription as Stripe described it when it was fetched (at {@code fetchedAtMillis}). */
    public record Subscription(String subscriptionId, String status, long seats, long currentPeriodEnd, boolean cancelAtPeriodEnd,
                               long startedAt, Long monthlyCents, String plan, boolean ended, long endedAt, long fetchedAtMillis) {
    }

    /** The company's billing fields; empty when the company does not exist. */
    public Optional<BillingFields> billing(String companyId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), "COMPANY");
        if (item == null) {
            return Optional.empty();
        }
        return Optional.of(new BillingFields(str(item, "stripeCustomerId"), str(item, "plan"), (int) num(item, "seats"),
                str(item, "subscriptionId"), str(item, "subscriptionStatus"), num(item, "currentPeriodEnd"), flag(item, "cancelAtPeriodEnd"),
                flag(item, "pastDue"), item.containsKey("overdueSince") ? num(item, "overdueSince") : null));
    }

    /** The write that links a Stripe customer to the company, if it has none yet (billing joins it to the customer's own item). */
    public TableTransaction linkCustomer(String companyId, String customer) {
        return TableTransaction.empty().add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                .updateExpression("SET stripeCustomerId = :c")
                .conditionExpression("attribute_exists(PK) AND attribute_not_exists(stripeCustomerId)")
                .expressionAttributeValues(Map.of(":c", s(customer)))).build());
    }

    /** Stores a fetched subscription, unless a later fetch was stored already (answers false then, or when the company is gone). */
    public boolean recordSubscription(String companyId, Subscription sub) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":sub", s(sub.subscriptionId()));
        values.put(":status", s(sub.status()));
        values.put(":seats", n(sub.seats()));
        values.put(":end", n(sub.currentPeriodEnd()));
        values.put(":cancel", bool(sub.cancelAtPeriodEnd()));
        values.put(":at", n(sub.fetchedAtMillis()));
        values.put(":started", n(sub.startedAt()));
        StringBuilder update = new StringBuilder("SET subscriptionId = :sub, subscriptionStatus = :status, seats = :seats, "
                + "currentPeriodEnd = :end, cancelAtPeriodEnd = :cancel, billingSyncedAt = :at, subscriptionStartedAt = :started");
        if (sub.monthlyCents() != null) {
            update.append(", subscriptionMonthlyCents = :monthly");
            values.put(":monthly", n(sub.monthlyCents()));
        }
        boolean overdue = com.image2model.credits.FairUseRule.OVERDUE.contains(sub.status());
        if (overdue) {
            // Since when Stripe has not been paid: the Unlimited plan's grace counts from here.
            update.append(", overdueSince = if_not_exists(overdueSince, :overdueSince)");
            values.put(":overdueSince", n(clock.instant().getEpochSecond()));
        }
        if (sub.ended()) {
            update.append(", subscriptionEndedAt = if_not_exists(subscriptionEndedAt, :endedAt) REMOVE #plan");
            values.put(":endedAt", n(sub.endedAt()));
        } else if (sub.plan() != null) {
            update.append(", #plan = :plan REMOVE subscriptionEndedAt");
            values.put(":plan", s(sub.plan()));
        }
        if (!overdue) {
            update.append(update.indexOf(" REMOVE ") >= 0 ? ", overdueSince" : " REMOVE overdueSince");
        }
        String expression = update.toString();
        try {
            var request = software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder().tableName(table)
                    .key(key(TableKeys.company(companyId), "COMPANY")).updateExpression(expression)
                    .conditionExpression("attribute_exists(PK) AND (attribute_not_exists(billingSyncedAt) OR billingSyncedAt <= :at)")
                    .expressionAttributeValues(values);
            if (expression.contains("#plan")) {
                // "plan" is one of DynamoDB's reserved words.
                request.expressionAttributeNames(Map.of("#plan", "plan"));
            }
            db.updateItem(request.build());
            return true;
        } catch (ConditionalCheckFailedException newer) {
            return false;
        }
    }

    /** Marks the company past due; answers whether it was not already (its admins are told once). */
    public boolean setPastDue(String companyId) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY")).updateExpression("SET pastDue = :t")
                    .conditionExpression("attribute_exists(PK) AND (attribute_not_exists(pastDue) OR pastDue = :f)")
                    .expressionAttributeValues(Map.of(":t", bool(true), ":f", bool(false))));
            return true;
        } catch (ConditionalCheckFailedException already) {
            return false;
        }
    }

    public void clearPastDue(String companyId) {
        db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY")).updateExpression("REMOVE pastDue"));
    }

    /** Adds to the company's revenue to date (the operators' directory); nothing for a company that is gone. */
    public void addRevenue(String companyId, long cents) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY")).conditionExpression("attribute_exists(PK)")
                    .updateExpression("ADD revenueCents :paid").expressionAttributeValues(Map.of(":paid", n(cents))));
        } catch (ConditionalCheckFailedException gone) {
            // An erased company: the billing month's record stands alone.
        }
    }

    /** Suspends the company with a reason (an operator); answers the reason it had before (empty when it was not suspended). */
    public Optional<String> suspend(String companyId, String reason, String operator, String at) {
        Map<String, AttributeValue> before = db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                .conditionExpression("attribute_exists(PK)")
                .updateExpression("SET #r = :r, suspendedBy = :by, suspendedAt = :at")
                .expressionAttributeNames(Map.of("#r", SUSPENDED))
                .expressionAttributeValues(Map.of(":r", s(reason), ":by", s(operator), ":at", s(at)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        return Optional.ofNullable(before == null ? null : str(before, SUSPENDED));
    }

    /** Lifts a suspension; answers whether there was one. */
    public boolean unsuspend(String companyId) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                    .conditionExpression("attribute_exists(PK) AND attribute_exists(#r)")
                    .updateExpression("REMOVE #r, suspendedBy, suspendedAt")
                    .expressionAttributeNames(Map.of("#r", SUSPENDED)));
            return true;
        } catch (ConditionalCheckFailedException notSuspended) {
            return false;
        }
    }

    /** Marks the company as being erased (once); answers false when it already is (or is gone). */
    public boolean markErasing(String companyId, String requestedBy, String at) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), "COMPANY"))
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(erasureRequestedAt)")
                    .updateExpression("SET erasureRequestedAt = :at, erasureRequestedBy = :by")
                    .expressionAttributeValues(Map.of(":at", s(at), ":by", s(requestedBy))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Whether an erasure of the company was requested. */
    public boolean erasing(String companyId) {
        Map<String, AttributeValue> item = get(TableKeys.company(companyId), "COMPANY");
        return item != null && item.containsKey("erasureRequestedAt");
    }

    private void write(List<TransactWriteItem> items, List<Refusal> refusalByIndex) {
        write(db, items, refusalByIndex);
    }

    /** One transaction; a failed condition becomes the refusal of the first item whose condition failed. */
    static void write(DynamoDbClient db, List<TransactWriteItem> items, List<Refusal> refusalByIndex) {
        try {
            db.transactWriteItems(t -> t.transactItems(items));
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    throw new Refused(refusalByIndex.get(i));
                }
            }
            throw cancelled;
        }
    }

    // ------------------------------------------------------------------ items

    static Map<String, AttributeValue> memberItem(Member m) {
        return Map.of(
                "PK", s(TableKeys.company(m.companyId())), "SK", s("MEMBER#" + m.id()),
                "userId", s(m.id()), "companyId", s(m.companyId()), "email", s(m.email()),
                "role", s(m.role().wire()), "active", bool(m.active()), "joinedAt", s(m.joinedAt()),
                "GSI1PK", s("USER#" + m.id()), "GSI1SK", s(TableKeys.company(m.companyId())));
    }

    static Map<String, AttributeValue> emailClaimItem(Member m) {
        return Map.of("PK", s("EMAIL#" + m.email()), "SK", s("EMAIL"), "companyId", s(m.companyId()), "userId", s(m.id()));
    }

    private static Company toCompany(Map<String, AttributeValue> item) {
        return new Company(item.get("companyId").s(), item.get("name").s(),
                item.containsKey("domain") ? item.get("domain").s() : null,
                item.get("personal").bool(), item.get("autoJoin").bool(),
                Integer.parseInt(item.get("adminCount").n()), Integer.parseInt(item.get("memberCount").n()),
                item.get("createdAt").s(), item.containsKey("plan") ? item.get("plan").s() : null, flag(item, "domainVerified"));
    }

    private static Member toMember(Map<String, AttributeValue> item) {
        return new Member(item.get("userId").s(), item.get("companyId").s(), item.get("email").s(),
                Role.parse(item.get("role").s()), item.get("active").bool(), item.get("joinedAt").s());
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression(condition)).build();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("PK", s(pk), "SK", s(sk));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }
}
