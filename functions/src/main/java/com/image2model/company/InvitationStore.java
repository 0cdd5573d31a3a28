package com.image2model.company;

import static com.image2model.company.CompanyStore.key;
import static com.image2model.company.CompanyStore.n;
import static com.image2model.company.CompanyStore.s;
import static com.image2model.platform.DynamoItems.str;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.platform.TableKeys;
import com.image2model.tenancy.TenantContext.Role;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Invitations in DynamoDB, under the inviting company: {@code C#{companyId}} / {@code INVITE#{id}}.
 * The accept link's secret is kept only as its hash. An accepted invitation stays (without the
 * address) so a second click of its link is told it was used; expired ones go by the table's TTL.
 */
public final class InvitationStore {

    static final String PREFIX = "INVITE#";
    /** Expired or accepted invitations are deleted by DynamoDB's TTL this long after their link stopped working. */
    private static final long KEEP_SECONDS = 30L * 86_400;

    /** An invitation with the hash of its link's secret. */
    record Stored(Invitation invitation, String tokenHash) {
    }

    private final DynamoDbClient db;
    private final String table;

    public InvitationStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    /**
     * Stores a new offer. Refused with {@code ALREADY_INVITED} while an unexpired, unaccepted
     * invitation of the same address waits (an expired one is replaced).
     */
    void offer(Invitation invitation, String tokenHash, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "PK", s(TableKeys.company(invitation.companyId())), "SK", s(PREFIX + invitation.id()),
                "invitationId", s(invitation.id()), "companyId", s(invitation.companyId()), "email", s(invitation.email()),
                "role", s(invitation.role().wire()), "invitedBy", s(invitation.invitedBy()), "invitedAt", s(invitation.invitedAt()),
                "expiresAt", s(invitation.expiresAt()), "tokenHash", s(tokenHash)));
        item.put("ttl", n(ttl(invitation.expiresAt())));
        try {
            db.putItem(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK) OR (attribute_not_exists(acceptedAt) AND expiresAt <= :now)")
                    .expressionAttributeValues(Map.of(":now", s(now.toString()))));
        } catch (ConditionalCheckFailedException e) {
            throw new CompanyStore.Refused(CompanyStore.Refusal.ALREADY_INVITED);
        }
    }

    /** The company's invitations not yet accepted (waiting or expired), newest first. */
    List<Invitation> open(String companyId) {
        List<Invitation> out = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :invite)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":invite", s(PREFIX))))
                .items().forEach(item -> {
                    if (!item.containsKey("acceptedAt")) {
                        out.add(toInvitation(item));
                    }
                });
        out.sort((a, b) -> b.invitedAt().compareTo(a.invitedAt()));
        return out;
    }

    Optional<Stored> find(String companyId, String invitationId) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(TableKeys.company(companyId), PREFIX + invitationId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(new Stored(toInvitation(item), str(item, "tokenHash")));
    }

    /** A new link and a new week for an invitation not yet accepted (the old link stops working). */
    void renew(Invitation invitation, String tokenHash, String expiresAt) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(invitation.companyId()), PREFIX + invitation.id()))
                    .updateExpression("SET tokenHash = :hash, expiresAt = :expires, #ttl = :ttl")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(acceptedAt)")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":hash", s(tokenHash), ":expires", s(expiresAt), ":ttl", n(ttl(expiresAt)))));
        } catch (ConditionalCheckFailedException e) {
            throw new CompanyStore.Refused(CompanyStore.Refusal.NO_INVITATION);
        }
    }

    /** Withdraws an invitation not yet accepted: its link stops working. */
    void revoke(String companyId, String invitationId) {
        try {
            db.deleteItem(d -> d.tableName(table).key(key(TableKeys.company(companyId), PREFIX + invitationId))
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(acceptedAt)"));
        } catch (ConditionalCheckFailedException e) {
            throw new CompanyStore.Refused(CompanyStore.Refusal.NO_INVITATION);
        }
    }

    /**
     * The person accepts: in one transaction the invitation is used (only with the link's secret,
     * before it expires, once), their address becomes the company's and they become a member.
     * {@code replacing} is the person's claim as read when they already have an account without a
     * company (a join request waiting or declined, which goes); null for a new account.
     */
    void accept(Stored stored, Member member, CompanyStore.EmailClaim replacing, Instant now) {
        Invitation invitation = stored.invitation();
        List<TransactWriteItem> items = new ArrayList<>();
        List<CompanyStore.Refusal> refusals = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(TableKeys.company(invitation.companyId()), PREFIX + invitation.id()))
                // The address goes with the offer: the member item is where it lives from now on.
                .updateExpression("SET acceptedAt = :now, userId = :user, #ttl = :ttl REMOVE email")
                .conditionExpression("tokenHash = :hash AND attribute_not_exists(acceptedAt) AND expiresAt > :now")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":now", s(now.toString()), ":user", s(member.id()), ":hash", s(stored.tokenHash()),
                        ":ttl", n(now.getEpochSecond() + KEEP_SECONDS)))).build());
        refusals.add(CompanyStore.Refusal.NO_INVITATION);
        if (replacing == null) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(CompanyStore.emailClaimItem(member))
                    .conditionExpression("attribute_not_exists(PK)")).build());
        } else {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(CompanyStore.emailClaimItem(member))
                    .conditionExpression("userId = :user AND companyId = :requested AND joinStatus = :status")
                    .expressionAttributeValues(Map.of(":user", s(member.id()), ":requested", s(replacing.companyId()),
                            ":status", s(replacing.joinStatus().name())))).build());
        }
        refusals.add(CompanyStore.Refusal.EMAIL_TAKEN);
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(CompanyStore.memberItem(member))
                .conditionExpression("attribute_not_exists(PK)")).build());
        refusals.add(CompanyStore.Refusal.CHANGED_MEANWHILE);
        String update = member.activeAdmin() ? "ADD memberCount :one, adminCount :one" : "ADD memberCount :one";
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(TableKeys.company(invitation.companyId()), "COMPANY"))
                .updateExpression(update).conditionExpression("attribute_exists(PK) AND attribute_not_exists(erasureRequestedAt)")
                .expressionAttributeValues(Map.of(":one", n(1)))).build());
        refusals.add(CompanyStore.Refusal.NO_COMPANY);
        if (replacing != null) {
            items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                    .key(key(TableKeys.company(replacing.companyId()), CompanyStore.JOIN_REQUEST + member.id()))).build());
            refusals.add(CompanyStore.Refusal.CHANGED_MEANWHILE);
        }
        CompanyStore.write(db, items, refusals);
    }

    private static long ttl(String expiresAt) {
        return Instant.parse(expiresAt).getEpochSecond() + KEEP_SECONDS;
    }

    private static Invitation toInvitation(Map<String, AttributeValue> item) {
        return new Invitation(str(item, "invitationId"), str(item, "companyId"), str(item, "email"), Role.parse(str(item, "role")),
                str(item, "invitedBy"), str(item, "invitedAt"), str(item, "expiresAt"), str(item, "acceptedAt"));
    }
}
