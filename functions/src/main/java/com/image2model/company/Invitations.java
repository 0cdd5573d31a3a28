package com.image2model.company;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.image2model.platform.ApiException;
import com.image2model.tenancy.TenantContext;
import com.image2model.tenancy.TenantContext.Role;

/**
 * Invitations are offers, not accounts: an admin's invitation stores an offer and emails its
 * accept link; nothing of the person exists until they open the link and accept it (choosing a
 * password, or with the account they already have). An offer never blocks anyone: the address
 * stays free for its own company's invitations and automatic joining until it is accepted.
 */
public final class Invitations {

    /** What the accept page shows before the person decides. */
    public record Offer(String companyName, String email, Role role, String expiresAt, Account account) {
    }

    /** Where the invited address stands: no account yet, an account without a company, or a member already. */
    public enum Account {
        NEW, EXISTING, MEMBER_HERE, MEMBER_ELSEWHERE
    }

    /** The outcome of an accepted invitation: the new member, and whether their account was made now. */
    public record Accepted(Member member, String companyName, boolean newAccount) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Invitations.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final CompanyStore companies;
    private final InvitationStore invitations;
    private final UserDirectory users;
    private final SignUpPolicy policy;
    private final Clock clock;
    private final Mailer mail;
    private final String siteOrigin;

    /** {@code siteOrigin}: the web app's origin, where the accept links point. */
    public Invitations(CompanyStore companies, InvitationStore invitations, UserDirectory users, SignUpPolicy policy, Clock clock,
                       Mailer mail, String siteOrigin) {
        this.companies = companies;
        this.invitations = invitations;
        this.users = users;
        this.policy = policy;
        this.clock = clock;
        this.mail = mail;
        this.siteOrigin = siteOrigin.endsWith("/") ? siteOrigin.substring(0, siteOrigin.length() - 1) : siteOrigin;
    }

    /** The rules' clock: an invitation's status is read against it. */
    public java.time.Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ the company's side (admins)

    /** Offers {@code role} in the caller's company to an address, and emails the link. */
    public Invitation invite(TenantContext caller, String rawEmail, Role role) {
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
        Optional<CompanyStore.EmailClaim> claim = companies.emailClaim(email).filter(c -> c.companyId().equals(caller.companyId()));
        if (claim.isPresent()) {
            throw claim.get().member()
                    ? ApiException.conflict("already_member", email.value() + " is already a member of this company.")
                    : ApiException.conflict("join_requested", email.value() + " has asked to join already: approve their request instead.");
        }
        refuseDomainOfAnother(email, caller.companyId());
        Company company = companies.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
        Instant now = clock.instant();
        Invitation invitation = new Invitation(Invitation.idOf(email), company.id(), email.value(), role, caller.userId(), now.toString(),
                now.plus(Invitation.VALID_FOR).toString(), null);
        InvitationToken token = InvitationToken.fresh(company.id(), invitation.id());
        try {
            invitations.offer(invitation, token.secretHash(), now);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.conflict("already_invited", email.value() + " was invited already and has not answered yet: "
                    + "send the invitation again from the Team page instead.");
        }
        try {
            send(invitation, token, company, caller.email());
        } catch (RuntimeException e) {
            // An offer nobody was told of would block a new invitation for a week: it goes again.
            invitations.revoke(company.id(), invitation.id());
            throw e;
        }
        return invitation;
    }

    /** The company's invitations not yet accepted: waiting, or expired (which can be sent again). */
    public List<Invitation> open(TenantContext caller) {
        caller.requireAdmin();
        return invitations.open(caller.companyId());
    }

    /** A new link, valid for another week, emailed again; the previous link stops working. */
    public Invitation resend(TenantContext caller, String invitationId) {
        caller.requireAdmin();
        InvitationStore.Stored stored = openInvitation(caller, invitationId);
        Company company = companies.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
        refuseDomainOfAnother(EmailAddress.parse(stored.invitation().email()), caller.companyId());
        Instant now = clock.instant();
        InvitationToken token = InvitationToken.fresh(company.id(), invitationId);
        String expiresAt = now.plus(Invitation.VALID_FOR).toString();
        try {
            invitations.renew(stored.invitation(), token.secretHash(), expiresAt);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.notFound("Invitation");
        }
        Invitation renewed = new Invitation(invitationId, company.id(), stored.invitation().email(), stored.invitation().role(),
                stored.invitation().invitedBy(), stored.invitation().invitedAt(), expiresAt, null);
        send(renewed, token, company, caller.email());
        return renewed;
    }

    /** Withdraws an invitation: its link stops working at once. */
    public void revoke(TenantContext caller, String invitationId) {
        caller.requireAdmin();
        openInvitation(caller, invitationId);
        try {
            invitations.revoke(caller.companyId(), invitationId);
        } catch (CompanyStore.Refused refused) {
            throw ApiException.notFound("Invitation");
        }
    }

    private InvitationStore.Stored openInvitation(TenantContext caller, String invitationId) {
        if (invitationId == null || !invitationId.matches("[0-9a-f]{32}")) {
            throw ApiException.notFound("Invitation");
        }
        return invitations.find(caller.companyId(), invitationId).filter(s -> !s.invitation().accepted())
                .orElseThrow(() -> ApiException.notFound("Invitation"));
    }

    private void send(Invitation invitation, InvitationToken token, Company company, String inviter) {
        String by = inviter == null || inviter.isBlank() ? "An admin of " + company.name() : inviter;
        mail.send(List.of(invitation.email()), "Image2Model: " + by + " invited you to " + company.name(),
                by + " invited you to join " + company.name() + " on Image2Model, where the team turns images into 3D models"
                        + (invitation.role() == Role.ADMIN ? ", as an admin" : "") + ".\n\n"
                        + "Accept the invitation here:\n" + siteOrigin + "/#/invitation/" + token.text() + "\n\n"
                        + "The link works until " + DAY.format(Instant.parse(invitation.expiresAt())) + ". "
                        + "If you did not expect this invitation, ignore this email: nothing is created unless you accept it.\n");
    }

    /** An address at a domain another company proved it owns belongs to that company's people: 409 {@code domain_owned_elsewhere}. */
    private void refuseDomainOfAnother(EmailAddress email, String companyId) {
        Optional<String> owner = companies.companyOfDomain(email.domain()).filter(id -> !id.equals(companyId));
        if (owner.isPresent() && companies.domainProof(owner.get()).map(CompanyStore.DomainProof::verified).orElse(false)) {
            throw ApiException.conflict("domain_owned_elsewhere", email.domain() + " is a domain another company on Image2Model has "
                    + "verified as its own, so its addresses cannot be invited here. Invite another address of the person.");
        }
    }

    // ------------------------------------------------------------------ the invited person's side (the link)

    /** What the link offers, for the page that asks the person to accept it. */
    public Offer view(String tokenText) {
        InvitationStore.Stored stored = valid(tokenText);
        Invitation invitation = stored.invitation();
        Company company = companies.company(invitation.companyId()).orElseThrow(Invitations::notFound);
        return new Offer(company.name(), invitation.email(), invitation.role(), invitation.expiresAt(),
                account(companies.emailClaim(EmailAddress.parse(invitation.email())), invitation.companyId()));
    }

    /**
     * The person accepts: with no account yet, one is made with {@code password} (its address is
     * verified: the link was received there); with an account that has no company (a join request
     * waiting or declined), that account joins and the request goes. Then they sign in as usual.
     */
    public Accepted accept(String tokenText, String password) {
        InvitationStore.Stored stored = valid(tokenText);
        Invitation invitation = stored.invitation();
        Company company = companies.company(invitation.companyId()).orElseThrow(Invitations::notFound);
        EmailAddress email = EmailAddress.parse(invitation.email());
        refuseDomainOfAnother(email, company.id());
        Optional<CompanyStore.EmailClaim> claim = companies.emailClaim(email);
        switch (account(claim, company.id())) {
            case MEMBER_HERE -> throw ApiException.conflict("already_member", "You are a member of " + company.name() + " already: sign in.");
            case MEMBER_ELSEWHERE -> throw ApiException.conflict("member_elsewhere", email.value() + " belongs to another company on "
                    + "Image2Model. One address is in one company: delete that account first (Team page, \"Delete my account\"), "
                    + "or ask " + company.name() + " to invite another address of yours.");
            default -> {
            }
        }
        boolean newAccount = claim.isEmpty();
        String userId = newAccount ? createAccount(email, password) : claim.get().userId();
        Instant now = clock.instant();
        Member member = new Member(userId, company.id(), email.value(), invitation.role(), true, now.toString());
        try {
            invitations.accept(stored, member, claim.orElse(null), now);
        } catch (RuntimeException e) {
            if (newAccount) {
                users.delete(userId);
            }
            if (e instanceof CompanyStore.Refused refused) {
                throw switch (refused.reason()) {
                    case NO_COMPANY -> notFound();
                    case NO_INVITATION -> ApiException.conflict("changed_meanwhile", "This invitation was used, withdrawn or sent "
                            + "again just now. Open the newest invitation email, or ask for a new one.");
                    default -> ApiException.conflict("changed_meanwhile", "Your account changed just now: open the link again.");
                };
            }
            throw e;
        }
        LOG.info("Invitation {} to company {} accepted by user {}", invitation.id(), company.id(), userId);
        return new Accepted(member, company.name(), newAccount);
    }

    private String createAccount(EmailAddress email, String password) {
        if (password == null || password.isEmpty()) {
            throw ApiException.badRequest("password_required", "Choose a password for your new account.");
        }
        if (password.length() > 256) {
            throw ApiException.badRequest("weak_password", "A password has at most 256 characters.");
        }
        try {
            return users.createWithPassword(email, password);
        } catch (UserDirectory.WeakPassword e) {
            throw ApiException.badRequest("weak_password", e.getMessage());
        } catch (UserDirectory.UserExists e) {
            throw ApiException.conflict("account_exists", "An account for " + email.value() + " is being set up: finish signing up "
                    + "(the code we emailed you), then open this link again.");
        }
    }

    /** The stored invitation the token opens, unused and unexpired; anything else is the same 404 (or 410 for an expired link). */
    private InvitationStore.Stored valid(String tokenText) {
        InvitationToken token = InvitationToken.parse(tokenText).orElseThrow(Invitations::notFound);
        InvitationStore.Stored stored = invitations.find(token.companyId(), token.invitationId())
                .filter(s -> token.matches(s.tokenHash())).orElseThrow(Invitations::notFound);
        if (stored.invitation().accepted()) {
            throw ApiException.conflict("already_accepted", "This invitation was accepted already: sign in to use Image2Model.");
        }
        if (stored.invitation().expired(clock.instant())) {
            throw new ApiException(410, "invitation_expired", "This invitation expired on "
                    + DAY.format(Instant.parse(stored.invitation().expiresAt())) + ". Ask an admin of the company to send it again.");
        }
        return stored;
    }

    private static Account account(Optional<CompanyStore.EmailClaim> claim, String companyId) {
        if (claim.isEmpty()) {
            return Account.NEW;
        }
        if (!claim.get().member()) {
            return Account.EXISTING;
        }
        return claim.get().companyId().equals(companyId) ? Account.MEMBER_HERE : Account.MEMBER_ELSEWHERE;
    }

    private static ApiException notFound() {
        return new ApiException(404, "invitation_not_found", "This invitation link does not work: it may have been withdrawn, "
                + "or replaced by a newer email. Ask an admin of the company for a new invitation.");
    }
}
