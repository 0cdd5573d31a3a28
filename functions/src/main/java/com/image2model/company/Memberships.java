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

    /** What the TXT record that proves a domain holds, before the company's token. */
    public static final String VERIFICATION_PREFIX = "image2model-verification=";
    /** The token claim that tells a person without a company where their join request stands. */
    public static final String JOIN_STATUS_CLAIM = TenantContext.JOIN_STATUS_CLAIM;

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Memberships.class);

    private final CompanyStore store;
    private final UserDirectory users;
    private final SignUpPolicy policy;
    private final long trialCredits;
    private final Clock clock;
    private final Mailer mail;
    private final DomainRecords dns;
    private final String trialSalt;

    /** {@code trialSalt}: salts the mailboxes' trial keys (required: each mailbox gets one trial). */
    public Memberships(CompanyStore store, UserDirectory users, SignUpPolicy policy, long trialCredits, Clock clock, Mailer mail,
                       DomainRecords dns, String trialSalt) {
        this.trialSalt = trialSalt;
        this.store = store;
        this.users = users;
        this.policy = policy;
        this.trialCredits = trialCredits;
        this.clock = clock;
        this.mail = mail;
        this.dns = dns;
    }

    // ------------------------------------------------------------------ sign-up and tokens

    /**
     * Before the pool creates a self-service account: refuse blocked domains. Everyone else may have
     * an account; where it lands (a company of their own, or a request to join their domain's) is
     * decided when it is confirmed.
     */
    public void checkSignUp(EmailAddress email) {
        if (policy.isBlocked(email)) {
            throw new SignUpRefused("Sign-ups from " + email.domain() + " are not accepted. Please use your work email.");
        }
    }

    /**
     * After the person confirmed their account: their personal workspace (a free or disposable mail
     * address), a new company for their domain (they become its admin, it gets its trial credits),
     * or, when their domain's company exists, a join request its admins decide on: nobody joins a
     * company without its decision, except at a domain the company verified and opened to
     * automatic joining. Answers the membership, or empty for a request. A repeat changes nothing.
     */
    public Optional<Member> confirm(String userId, EmailAddress email, String companyName) {
        Optional<CompanyStore.EmailClaim> claimed = store.emailClaim(email);
        if (claimed.isPresent()) {
            return claimed.get().member() ? Optional.of(existing(claimed.get(), email)) : Optional.empty();
        }
        String now = clock.instant().toString();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (policy.placement(email) == SignUpPolicy.Placement.PERSONAL) {
                    return Optional.of(found(personal(email, now), userId, email, null));
                }
                Optional<String> domainCompany = store.companyOfDomain(email.domain());
                if (domainCompany.isEmpty()) {
                    String given = companyName == null ? "" : com.image2model.platform.DisplayNames.text(companyName);
                    String name = given.isBlank() ? SignUpPolicy.nameFromDomain(email.domain()) : given;
                    return Optional.of(found(new Company(newCompanyId(), name, email.domain(), false, false, 1, 1, now, null, false),
                            userId, email, null));
                }
                Company company = store.company(domainCompany.get()).orElseThrow(() -> new CompanyStore.Refused(CompanyStore.Refusal.NO_COMPANY));
                if (company.joinsBySignUp()) {
                    Member member = new Member(userId, company.id(), email.value(), Role.MEMBER, true, now);
                    store.addMember(member, true);
                    return Optional.of(member);
                }
                store.requestToJoin(new CompanyStore.JoinRequest(company.id(), userId, email.value(), now));
                tellAdmins(company.id(), "Image2Model: " + email.value() + " asks to join " + company.name(),
                        email.value() + " signed up and asks to join " + company.name() + " on Image2Model.\n\n"
                                + "Approve or decline the request on the Team page. Until an admin approves it, they see nothing of the company.\n");
                return Optional.empty();
            } catch (CompanyStore.Refused refused) {
                switch (refused.reason()) {
                    // Someone else finished first (a retry of this same call, or the domain's first sign-up).
                    case EMAIL_TAKEN -> {
                        CompanyStore.EmailClaim claim = store.emailClaim(email).orElseThrow();
                        return claim.member() ? Optional.of(existing(claim, email)) : Optional.empty();
                    }
                    case DOMAIN_TAKEN, JOIN_CLOSED, NO_COMPANY -> {
                        // The next attempt sees the company just created, closed or erased, and places the person again.
                    }
                    default -> throw refused;
                }
            }
        }
        throw new IllegalStateException("Could not place " + email.value() + " in a company after 3 attempts");
    }

    private Company personal(EmailAddress email, String now) {
        return new Company(newCompanyId(), personalName(email), null, true, false, 1, 1, now, null, false);
    }

    /**
     * Creates the company with its founder. Its trial credits come once per mailbox: a second
     * company of the same mailbox (a {@code +tag}, Gmail's dots, or after an erasure) starts with none.
     */
    private Member found(Company company, String userId, EmailAddress email, CompanyStore.EmailClaim replacing) {
        Member founder = new Member(userId, company.id(), email.value(), Role.ADMIN, true, company.createdAt());
        try {
            store.createCompany(company, founder, trialCredits, replacing, Mailbox.trialKey(email, trialSalt));
        } catch (CompanyStore.Refused refused) {
            if (refused.reason() != CompanyStore.Refusal.TRIAL_USED) {
                throw refused;
            }
            LOG.info("Company {} starts without trial credits: its founder's mailbox had its trial", company.id());
            store.createCompany(company, founder, 0, replacing, null);
        }
        return founder;
    }

    private Member existing(CompanyStore.EmailClaim claim, EmailAddress email) {
        return store.member(claim.companyId(), claim.userId())
                .orElseThrow(() -> new IllegalStateException(email.value() + " is claimed but has no membership"));
    }

    /**
     * The claims every token of this user carries: their company and role; or, for a person whose
     * join request waits or was declined, only {@code join_status} (no company: the API refuses
     * everything but their own request and starting their own workspace).
     */
    public Map<String, String> tokenClaims(String userId, EmailAddress email) {
        CompanyStore.EmailClaim claim = store.emailClaim(email)
                .filter(c -> c.userId().equals(userId))
                .orElseThrow(() -> new NoAccess("This account does not belong to any company."));
        if (!claim.member()) {
            Map<String, String> claims = new LinkedHashMap<>();
            claims.put(JOIN_STATUS_CLAIM, claim.joinStatus().name().toLowerCase(java.util.Locale.ROOT));
            claims.put("email", email.value());
            return claims;
        }
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

    // ------------------------------------------------------------------ join requests

    /** Where the caller's own join request stands: {@code status} pending or declined, and the company's name. */
    public Map<String, Object> ownJoinRequest(String userId, EmailAddress email) {
        CompanyStore.EmailClaim claim = store.emailClaim(email).filter(c -> c.userId().equals(userId))
                .orElseThrow(() -> ApiException.notFound("Join request"));
        if (claim.member()) {
            return Map.of("status", "approved");
        }
        Optional<Company> company = store.company(claim.companyId());
        Map<String, Object> out = new LinkedHashMap<>();
        boolean waiting = claim.joinStatus() == CompanyStore.JoinStatus.PENDING && company.isPresent();
        out.put("status", waiting ? "pending" : "declined");
        out.put("companyName", company.map(Company::name).orElse("the company"));
        store.joinRequest(claim.companyId(), userId).ifPresent(r -> out.put("requestedAt", r.requestedAt()));
        return out;
    }

    /**
     * Instead of waiting (or after a decline): the person's own personal workspace, with them as its
     * admin; their request is withdrawn in the same transaction.
     */
    public Member startOwnWorkspace(String userId, EmailAddress email) {
        CompanyStore.EmailClaim claim = store.emailClaim(email).filter(c -> c.userId().equals(userId))
                .orElseThrow(() -> ApiException.notFound("Join request"));
        if (claim.member()) {
            throw ApiException.conflict("already_member", "You already belong to a company: sign in again to use it.");
        }
        try {
            return found(personal(email, clock.instant().toString()), userId, email, claim);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.conflict("changed_meanwhile", "Your request was answered just now: sign in again to see where you are.");
        }
    }

    /** The company's waiting join requests, oldest first (admins). */
    public List<CompanyStore.JoinRequest> joinRequests(TenantContext caller) {
        caller.requireAdmin();
        return store.joinRequests(caller.companyId());
    }

    /** An admin approves: the person becomes a member with {@code role}, and is emailed. */
    public Member approve(TenantContext caller, String userId, Role role) {
        caller.requireAdmin();
        CompanyStore.JoinRequest request = store.joinRequest(caller.companyId(), userId)
                .orElseThrow(() -> ApiException.notFound("Join request"));
        Member member = new Member(request.userId(), caller.companyId(), request.email(), role, true, clock.instant().toString());
        try {
            store.approveJoinRequest(request, member);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.conflict("changed_meanwhile", "This request was answered or withdrawn just now; reload the Team page.");
        }
        Company company = company(caller);
        sendQuietly(List.of(request.email()), "Image2Model: you joined " + company.name(),
                "An admin of " + company.name() + " approved your request. Sign in to Image2Model to start working with your team.\n");
        return member;
    }

    /** An admin declines: the request goes, the person is told and may start their own workspace. */
    public void decline(TenantContext caller, String userId) {
        caller.requireAdmin();
        CompanyStore.JoinRequest request = store.joinRequest(caller.companyId(), userId)
                .orElseThrow(() -> ApiException.notFound("Join request"));
        try {
            store.declineJoinRequest(request);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.conflict("changed_meanwhile", "This request was answered or withdrawn just now; reload the Team page.");
        }
        Company company = company(caller);
        sendQuietly(List.of(request.email()), "Image2Model: your request to join " + company.name(),
                "An admin of " + company.name() + " declined your request to join it. You can still use Image2Model "
                        + "in a workspace of your own: sign in and choose \"Start my own workspace\".\n");
    }

    // ------------------------------------------------------------------ the company's domain

    /** The TXT record that proves the company's domain, made once; with whether it was found. */
    public CompanyStore.DomainProof domainProof(TenantContext caller) {
        caller.requireAdmin();
        Company company = company(caller);
        if (company.personal() || company.domain() == null) {
            throw ApiException.badRequest("personal_company", "A personal workspace has no domain to verify.");
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String token = store.domainToken(company.id(), java.util.HexFormat.of().formatHex(bytes));
        return store.domainProof(company.id()).map(p -> new CompanyStore.DomainProof(p.domain(), token, p.verified(), p.verifiedAt(),
                p.checkedAt())).orElseThrow();
    }

    /** Looks the TXT record up now: found, the domain is verified; not, 409 {@code domain_not_verified} saying what to add. */
    public CompanyStore.DomainProof verifyDomain(TenantContext caller) {
        CompanyStore.DomainProof proof = domainProof(caller);
        String expected = VERIFICATION_PREFIX + proof.token();
        boolean found;
        try {
            found = dns.txt(proof.domain()).stream().anyMatch(v -> v.trim().equals(expected));
        } catch (DomainRecords.Unavailable e) {
            throw new ApiException(503, "dns_unavailable", "DNS did not answer for " + proof.domain() + " just now; try again in a minute.");
        }
        if (!found) {
            throw ApiException.conflict("domain_not_verified", "No TXT record \"" + expected + "\" was found at " + proof.domain()
                    + " yet. Add it at your DNS provider; changes can take up to an hour to be seen.");
        }
        store.recordDomainCheck(caller.companyId(), true, clock.instant().toString());
        return store.domainProof(caller.companyId()).orElseThrow();
    }

    /**
     * The periodic re-check of every verified domain (and the migration of companies that joined
     * automatically before domains were verified): a record that is gone turns verification and
     * automatic joining off, and the admins are told. DNS that does not answer changes nothing.
     * Answers how many companies lost automatic joining.
     */
    public int recheckDomains() {
        int turnedOff = 0;
        for (String companyId : store.companiesToRecheck()) {
            Optional<CompanyStore.DomainProof> proof = store.domainProof(companyId);
            boolean found = false;
            if (proof.isPresent() && proof.get().token() != null && proof.get().verified()) {
                try {
                    String expected = VERIFICATION_PREFIX + proof.get().token();
                    found = dns.txt(proof.get().domain()).stream().anyMatch(v -> v.trim().equals(expected));
                } catch (DomainRecords.Unavailable e) {
                    LOG.warn("Domain of company {} not re-checked: {}", companyId, e.getMessage());
                    continue;
                }
            }
            boolean wasOpen = store.recordDomainCheck(companyId, found, clock.instant().toString());
            if (!found && wasOpen) {
                turnedOff++;
                tellAdmins(companyId, "Image2Model: automatic joining was turned off",
                        "The DNS record that proves your company's domain" + proof.map(p -> " (" + p.domain() + ")").orElse("")
                                + " could not be found, so people of the domain no longer join automatically: they ask to join, "
                                + "and an admin decides. Verify the domain again on the Team page to turn automatic joining back on.\n");
            }
        }
        return turnedOff;
    }

    private void tellAdmins(String companyId, String subject, String text) {
        List<String> admins = store.members(companyId).stream().filter(Member::activeAdmin).map(Member::email).toList();
        sendQuietly(admins, subject, text);
    }

    private void sendQuietly(List<String> to, String subject, String text) {
        try {
            mail.send(to, subject, text);
        } catch (RuntimeException e) {
            LOG.warn("Email '{}' not sent: {}", subject, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ company API

    public Company company(TenantContext caller) {
        return store.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
    }

    /**
     * Whether people of the company's domain join by signing up (else they ask to join, and an admin
     * decides). On only for a verified domain: 409 {@code domain_not_verified}.
     */
    public Company setAutoJoin(TenantContext caller, boolean autoJoin) {
        caller.requireAdmin();
        Company company = company(caller);
        if (company.personal()) {
            throw ApiException.badRequest("personal_company", "A personal company has no domain for others to join.");
        }
        try {
            store.setAutoJoin(caller.companyId(), autoJoin);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.conflict("domain_not_verified", "Verify that " + company.domain()
                    + " is yours (a DNS TXT record, on the Team page) before anyone at it may join automatically.");
        }
        return company(caller);
    }

    public List<Member> members(TenantContext caller) {
        return store.members(caller.companyId());
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
