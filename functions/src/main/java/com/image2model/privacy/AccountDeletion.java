package com.image2model.privacy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.company.Memberships;
import com.image2model.platform.ApiException;
import com.image2model.tenancy.TenantContext;

/**
 * The right to be forgotten, as asked for: {@code DELETE /account} (at once: a person's items are
 * few) and {@code DELETE /company} (admins; checked here, then carried out by {@link CompanyErasure}
 * from the erasure queue). {@link Erasure} holds the rules; a refusal becomes its 4xx.
 */
public final class AccountDeletion {

    private static final Logger LOG = LoggerFactory.getLogger(AccountDeletion.class);

    /** What billing tells erasure: whether a plan runs, and how much is held. */
    public interface Standing {
        boolean planActive(String companyId);

        long held(String companyId);
    }

    /** Sends one email. */
    public interface Mail {
        void send(List<String> to, String subject, String text);
    }

    private final CompanyStore companies;
    private final Memberships memberships;
    private final PrivacyStore store;
    private final Standing standing;
    private final Consumer<String> eraseLater;
    private final Mail mail;
    private final Clock clock;

    /** {@code eraseLater} queues a company's erasure (its id), which {@link CompanyErasure} carries out. */
    public AccountDeletion(CompanyStore companies, Memberships memberships, PrivacyStore store, Standing standing,
                           Consumer<String> eraseLater, Mail mail, Clock clock) {
        this.companies = companies;
        this.memberships = memberships;
        this.store = store;
        this.standing = standing;
        this.eraseLater = eraseLater;
        this.mail = mail;
        this.clock = clock;
    }

    private Company company(TenantContext caller) {
        return companies.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
    }

    private Member self(TenantContext caller) {
        return companies.member(caller.companyId(), caller.userId()).orElseThrow(() -> ApiException.notFound("Member"));
    }

    /**
     * Deletes the caller's account now: the membership and the Cognito user go, and every trace in
     * the company's items is replaced by an anonymous id. A person's items are few (one partition),
     * so this needs no queue.
     */
    public Map<String, Object> deleteAccount(TenantContext caller, String typedEmail, Consumer<String> seatsChanged) {
        Member self = self(caller);
        Erasure.mayDeleteAccount(self, companies.members(caller.companyId()), typedEmail);
        // The conditional removal first: a concurrent demotion of the last other admin refuses it here.
        memberships.leave(self);
        String anonymous = Erasure.anonymousId();
        int changed = store.anonymise(caller.companyId(), self.id(), Map.of(self.id(), anonymous, self.email(), anonymous));
        seatsChanged.accept(caller.companyId());
        LOG.info("Account erased: {} items of the company now name {}", changed, anonymous);
        sendQuietly(List.of(self.email()), "Your Image2Model account was deleted",
                "Your Image2Model account and your personal data were deleted on " + clock.instant() + ".\n\n"
                        + "Your company keeps the models you made for it. Its credit ledger keeps the entries you caused, "
                        + "with your name replaced by an anonymous id, as accounting law requires.\n");
        return Map.of("deleted", true, "anonymousId", anonymous);
    }

    /** Starts the erasure of the whole company (after the checks); {@link CompanyErasure} does it and emails the admins. */
    public Map<String, Object> deleteCompany(TenantContext caller, String typedName) {
        caller.requireAdmin();
        Company company = company(caller);
        Erasure.mayDeleteCompany(company.name(), typedName, standing.planActive(company.id()), standing.held(company.id()));
        boolean first = companies.markErasing(company.id(), caller.userId(), clock.instant().toString());
        if (first) {
            eraseLater.accept(company.id());
        }
        return Map.of("status", "erasing", "message",
                "The company and everything stored about it are being deleted. Its admins get an email when it is done.");
    }

    private void sendQuietly(List<String> to, String subject, String text) {
        try {
            mail.send(to, subject, text);
        } catch (RuntimeException e) {
            LOG.warn("The erasure email was not sent: {}", e.getMessage());
        }
    }
}
