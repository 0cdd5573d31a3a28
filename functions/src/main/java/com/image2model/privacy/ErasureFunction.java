package com.image2model.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.company.UserDirectory;
import com.image2model.platform.LogKeys;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Erases a company, one SQS message per company ({"companyId": ...}, sent by DELETE /company):
 * its people's accounts, its Stripe customer, its images and models, and every item of it except
 * the ledger's entries, which stay with each person replaced by an anonymous id. Each step can run
 * again, so a failure half-way is finished by SQS's next delivery; the admins are emailed at the end.
 */
public final class ErasureFunction implements Function<Map<String, Object>, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The company's billing account at Stripe: deleted there, and its link here. */
    public interface StripeCustomers {
        void forget(String companyId);
    }

    private final CompanyStore companies;
    private final UserDirectory users;
    private final PrivacyStore store;
    private final StripeCustomers stripe;
    private final PrivacyApi.Mail mail;
    private final String uploadsBucket;
    private final String resultsBucket;

    public ErasureFunction(CompanyStore companies, UserDirectory users, PrivacyStore store, StripeCustomers stripe, PrivacyApi.Mail mail,
                           String uploadsBucket, String resultsBucket) {
        this.companies = companies;
        this.users = users;
        this.store = store;
        this.stripe = stripe;
        this.mail = mail;
        this.uploadsBucket = uploadsBucket;
        this.resultsBucket = resultsBucket;
    }

    @Override
    public SQSBatchResponse apply(Map<String, Object> event) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Object records = event == null ? null : event.get("Records");
        if (records instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> record)) {
                    continue;
                }
                String messageId = String.valueOf(record.get("messageId"));
                try {
                    erase(companyOf(record.get("body")));
                } catch (RuntimeException e) {
                    LOG.warn("Erasure from message {} will be retried: {}", messageId, e.getMessage());
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(messageId).build());
                }
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static String companyOf(Object body) {
        try {
            JsonNode node = JSON.readTree(String.valueOf(body));
            String companyId = node.path("companyId").asString("");
            if (!companyId.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("no company id");
            }
            return companyId;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The message is not an erasure request: " + e.getMessage(), e);
        }
    }

    /** Erases one company; a company already erased (or never asked to be) is left as it is. */
    public void erase(String companyId) {
        LogKeys.company(companyId);
        Optional<Company> found = companies.company(companyId);
        if (found.isEmpty()) {
            LOG.info("Nothing left to erase");
            return;
        }
        if (!store.erasing(companyId)) {
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
