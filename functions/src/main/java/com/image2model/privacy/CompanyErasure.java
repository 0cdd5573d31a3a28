package com.image2model.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.company.UserDirectory;
import com.image2model.platform.LogKeys;

/**
 * Erases a company, one SQS message per company ({"companyId": ...}, sent by DELETE /company):
 * its people's accounts, its Stripe customer, its images and models, and every item of it except
 * the ledger's entries, which stay with each person replaced by an anonymous id. Each step can run
 * again, so a failure half-way is finished by SQS's next delivery; the admins are emailed at the end.
 */
public final class CompanyErasure {

    private static final Logger LOG = LoggerFactory.getLogger(CompanyErasure.class);

    /** The company's billing account at Stripe: deleted there, and its link here. */
    public interface StripeCustomers {
        void forget(String companyId);
    }

    private final CompanyStore companies;
    private final UserDirectory users;
    private final PrivacyStore store;
    private final StripeCustomers stripe;
    private final AccountDeletion.Mail mail;
    private final String uploadsBucket;
    private final String resultsBucket;

    public CompanyErasure(CompanyStore companies, UserDirectory users, PrivacyStore store, StripeCustomers stripe, AccountDeletion.Mail mail,
                           String uploadsBucket, String resultsBucket) {
        this.companies = companies;
        this.users = users;
        this.store = store;
        this.stripe = stripe;
        this.mail = mail;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
    }

    /** Erases one company; a company already erased (or never asked to be) is left as it is. */
    public void erase(String companyId) {
        LogKeys.company(companyId);
        Optional<Company> found = companies.company(companyId);
        if (found.isEmpty()) {
            LOG.info("Nothing left to erase");
            return;
        }
        if (!companies.erasing(companyId)) {
            LOG.warn("Erasure message for a company whose deletion was not requested: ignored");
            return;
        }
        Company company = found.get();
        List<Member> members = companies.members(companyId);
        List<String> admins = members.stream().filter(Member::activeAdmin).map(Member::email).toList();
        Map<String, String> replacements = new LinkedHashMap<>();
        for (Member member : members) {
            String anonymous = Erasure.anonymousId();
            replacements.put(member.id(), anonymous);
            replacements.put(member.email(), anonymous);
        }
        // People first: their tokens stop working at once (the membership check), and no one can sign in.
        for (Member member : members) {
            users.delete(member.id());
            store.deleteItem("EMAIL#" + member.email(), "EMAIL");
        }
        stripe.forget(companyId);
        int objects = store.deleteObjects(uploadsBucket, "uploads/" + companyId + "/") + store.deleteObjects(resultsBucket, "results/" + companyId + "/");
        if (company.domain() != null && !company.domain().isBlank()) {
            store.deleteItem("DOMAIN#" + company.domain(), "DOMAIN");
        }
        // The company item goes last: until then a retry knows the erasure was asked for.
        int items = store.eraseCompanyItems(companyId, replacements);
        LOG.info("Company erased: {} people, {} objects, {} items; the ledger kept, anonymised", members.size(), objects, items);
        if (!admins.isEmpty()) {
            try {
                mail.send(admins, "Your company was deleted from Image2Model",
                        "The company \"" + company.name() + "\" was deleted from Image2Model, with its members' accounts, images, "
                                + "models and records. Its credit ledger is kept, with every person in it replaced by an anonymous id, "
                                + "as accounting law requires. This is the last email you get from us.\n");
            } catch (RuntimeException e) {
                LOG.warn("The final email was not sent: {}", e.getMessage());
            }
        }
    }
}
