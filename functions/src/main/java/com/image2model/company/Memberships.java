package com.image2model.company;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.image2model.platform.ApiException;
import com.image2model.tenancy.TenantContext.Role;
import com.image2model.tenancy.TenantContext;

/**
 * The rules of companies and members: where a sign-up lands, what its tokens say, and what company
 * admins may do to their members. Plain Java over the store and the user directory.
 */
public final class Memberships {

    /** A sign-up the pool must refuse, with the message the person sees. */
    public static final class SignUpRefused extends RuntimeException {
        public SignUpRefused(String message) {
            super(message);
        }
    }

    /** The user may not have tokens (no membership, or deactivated), with the message the person sees. */
    public static final class NoAccess extends RuntimeException {
        public NoAccess(String message) {
            super(message);
        }
    }

    private final CompanyStore store;
    private final UserDirectory users;
    private final SignUpPolicy policy;
    private final long trialCredits;
    private final Clock clock;

    public Memberships(CompanyStore store, UserDirectory users, SignUpPolicy policy, long trialCredits, Clock clock) {
        this.store = store;
        this.users = users;
        this.policy = policy;
        this.trialCredits = trialCredits;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ sign-up and tokens

    /** Before the pool creates a self-service account: refuse blocked domains and closed companies. */
    public void checkSignUp(EmailAddress email) {
        if (policy.isBlocked(email)) {
            throw new SignUpRefused("Sign-ups from " + email.domain() + " are not accepted. Please use your work email.");
        }
        if (policy.placement(email) == SignUpPolicy.Placement.DOMAIN) {
            Optional<String> existing = store.companyOfDomain(email.domain());
            if (existing.isPresent()) {
                Company company = store.company(existing.get()).orElse(null);
                if (company != null && !company.autoJoin()) {
                    throw new SignUpRefused(company.name() + " admits new members by invitation only. "
                            + "Please ask an admin of " + company.name() + " to invite you.");
                }
            }
        }
    }

    /**
     * After the person confirmed their account: their personal company, a new company for their
     * domain (they become its admin, it gets its trial credits), or the existing company of their
     * domain. A repeated call for the same person changes nothing.
     */
    public Member confirm(String userId, EmailAddress email, String companyName) {
        Optional<CompanyStore.EmailClaim> claimed = store.emailClaim(email);
        if (claimed.isPresent()) {
            return existing(claimed.get(), email);
        }
        String now = clock.instant().toString();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (policy.placement(email) == SignUpPolicy.Placement.PERSONAL) {
                    return found(new Company(newCompanyId(), personalName(email), null, true, false, 1, 1, now, null), userId, email);
                }
                Optional<String> domainCompany = store.companyOfDomain(email.domain());
                if (domainCompany.isEmpty()) {
                    String given = companyName == null ? "" : com.image2model.platform.DisplayNames.text(companyName);
                    String name = given.isBlank() ? SignUpPolicy.nameFromDomain(email.domain()) : given;
                    return found(new Company(newCompanyId(), name, email.domain(), false, true, 1, 1, now, null), userId, email);
                }
                Member member = new Member(userId, domainCompany.get(), email.value(), Role.MEMBER, true, now);
                store.addMember(member, true);
                return member;
            } catch (CompanyStore.Refused refused) {
                switch (refused.reason()) {
                    // Someone else finished first (a retry of this same call, or the domain's first sign-up).
                    case EMAIL_TAKEN -> {
                        return existing(store.emailClaim(email).orElseThrow(), email);
                    }
                    case DOMAIN_TAKEN -> {
                        // The next attempt joins the company that was just created.
                    }
                    case JOIN_CLOSED -> throw new SignUpRefused("This company admits new members by invitation only.");
                    default -> throw refused;
                }
            }
        }
        throw new IllegalStateException("Could not place " + email.value() + " in a company after 3 attempts");
    }

    private Member found(Company company, String userId, EmailAddress email) {
        Member founder = new Member(userId, company.id(), email.value(), Role.ADMIN, true, company.createdAt());
        store.createCompany(company, founder, trialCredits);
        return founder;
    }

    private Member existing(CompanyStore.EmailClaim claim, EmailAddress email) {
        return store.member(claim.companyId(), claim.userId())
                .orElseThrow(() -> new IllegalStateException(email.value() + " is claimed but has no membership"));
    }

    /** The claims every token of this user carries: their company and role. */
    public Map<String, String> tokenClaims(String userId, EmailAddress email) {
        CompanyStore.EmailClaim claim = store.emailClaim(email)
                .filter(c -> c.userId().equals(userId))
                .orElseThrow(() -> new NoAccess("This account does not belong to any company."));
        CompanyStore.MemberRecord record = store.memberRecord(claim.companyId(), userId)
                .orElseThrow(() -> new NoAccess("This account does not belong to any company."));
        Member member = record.member();
        if (!member.active()) {
            throw new NoAccess("This account has been deactivated by an admin of your company.");
        }
        if (record.blocked()) {
            throw new NoAccess("This account has been disabled. Contact Image2Model support.");
        }
        if (record.companySuspended()) {
            throw new NoAccess("Your company's account is suspended. Contact Image2Model support.");
        }
        store.signedIn(member.companyId(), userId, clock.instant().toString());
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put(TenantContext.COMPANY_CLAIM, member.companyId());
        claims.put(TenantContext.ROLE_CLAIM, member.role().wire());
        claims.put("email", member.email());
        return claims;
    }

    // ------------------------------------------------------------------ company API

    public Company company(TenantContext caller) {
        return store.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
    }

    /** Whether people of the company's domain join by signing up (else by invitation only). */
    public Company setAutoJoin(TenantContext caller, boolean autoJoin) {
        caller.requireAdmin();
        Company company = company(caller);
        if (company.personal()) {
            throw ApiException.badRequest("personal_company", "A personal company has no domain for others to join.");
        }
        store.setAutoJoin(caller.companyId(), autoJoin);
        return company(caller);
    }

    public List<Member> members(TenantContext caller) {
        return store.members(caller.companyId());
    }

    /** Invites a person: their account and their membership are made here (Cognito sends no PostConfirmation for it). */
    public Member invite(TenantContext caller, String rawEmail, Role role) {
        caller.requireAdmin();
        EmailAddress email;
        try {
            email = EmailAddress.parse(rawEmail);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_email", e.getMessage() + ".");
        }
        if (policy.isBlocked(email)) {
            throw ApiException.badRequest("blocked_domain", "Addresses at " + email.domain() + " cannot be invited.");
        }
        Optional<CompanyStore.EmailClaim> claim = store.emailClaim(email);
        if (claim.isPresent()) {
            if (claim.get().companyId().equals(caller.companyId())) {
                throw ApiException.conflict("already_member", email.value() + " is already a member of this company.");
            }
            throw cannotInvite(email);
        }
        String userId;
        try {
            userId = users.createInvitedUser(email);
        } catch (UserDirectory.UserExists e) {
            throw cannotInvite(email);
        }
        Member member = new Member(userId, caller.companyId(), email.value(), role, true, clock.instant().toString());
        try {
            store.addMember(member, false);
        } catch (RuntimeException e) {
            users.delete(userId);
            if (e instanceof CompanyStore.Refused refused && refused.reason() == CompanyStore.Refusal.EMAIL_TAKEN) {
                throw cannotInvite(email);
            }
            throw e;
        }
        return member;
    }

    /**
     * The one answer for an address that has an account elsewhere, whatever the reason: it names
     * no company and does not say whether the account is in a company, and its owner is told
     * nothing, so an admin learns no more than that this address cannot be invited.
     */
    private static ApiException cannotInvite(EmailAddress email) {
        return ApiException.conflict("cannot_invite", email.value() + " cannot be invited to this company. "
                + "Ask the person to sign up with this address, or invite another address of theirs.");
    }

    /** Changes a member's role and/or active flag (an admin only; never the last active admin away). */
    public Member change(TenantContext caller, String memberId, Role role, Boolean active) {
        caller.requireAdmin();
        if (role == null && active == null) {
            throw ApiException.badRequest("nothing_to_change", "Send {\"role\": \"admin\"|\"member\"} or {\"active\": true|false}.");
        }
        Member before = store.member(caller.companyId(), memberId).orElseThrow(() -> ApiException.notFound("Member"));
        Member after = new Member(before.id(), before.companyId(), before.email(), role == null ? before.role() : role,
                active == null ? before.active() : active, before.joinedAt());
        if (after.equals(before)) {
            return before;
        }
        try {
            store.change(before, after);
        } catch (CompanyStore.Refused refused) {
            throw refusal(refused);
        }
        if (before.active() && !after.active()) {
            users.disable(after.id());
            users.signOutEverywhere(after.id());
        } else if (!before.active() && after.active()) {
            users.enable(after.id());
        }
        return after;
    }

    /** Removes a member from the company and deletes their account (never the last active admin). */
    public void remove(TenantContext caller, String memberId) {
        caller.requireAdmin();
        Member member = store.member(caller.companyId(), memberId).orElseThrow(() -> ApiException.notFound("Member"));
        try {
            store.remove(member);
        } catch (CompanyStore.Refused refused) {
            throw refusal(refused);
        }
        users.delete(member.id());
    }

    /** Removes a person's own membership and deletes their account (erasing the account; the caller checked the rules). */
    public void leave(Member self) {
        try {
            store.remove(self);
        } catch (CompanyStore.Refused refused) {
            throw refusal(refused);
        }
        users.delete(self.id());
    }

    private static ApiException refusal(CompanyStore.Refused refused) {
        return switch (refused.reason()) {
            case LAST_ADMIN -> ApiException.conflict("last_admin", new Roster.LastAdmin().getMessage());
            case CHANGED_MEANWHILE -> ApiException.conflict("changed_meanwhile",
                    "This member was changed by someone else just now; reload and try again.");
            default -> ApiException.conflict(refused.reason().name().toLowerCase(), refused.getMessage());
        };
    }

    private static String newCompanyId() {
        return UUID.randomUUID().toString();
    }

    private static String personalName(EmailAddress email) {
        return email.localPart() + "'s workspace";
    }
}
