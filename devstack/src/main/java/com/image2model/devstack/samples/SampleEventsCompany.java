package com.image2model.devstack.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.tenancy.TenantContext.Role;

/**
 * The company and admin that the API sample events in events/ are signed in as. The functions
 * check every caller's membership in the table, so the samples answer (as `invoke` and the tests
 * replay them) only once this company and member exist: made here, once, with the trial credits.
 */
public final class SampleEventsCompany {

    private SampleEventsCompany() {
    }

    /** Makes sure the member named by events/company.json's claims exists; answers the company id. */
    public static String seed(com.image2model.devstack.aws.LocalAws aws, String table, Path root) throws Exception {
        JsonNode claims = new ObjectMapper().readTree(Files.readAllBytes(root.resolve("events/company.json")))
                .at("/requestContext/authorizer/lambda");
        String companyId = claims.path("company_id").asText();
        String userId = claims.path("sub").asText();
        String email = claims.path("email").asText();
        CompanyStore store = new CompanyStore(aws.dynamoDb(), table, Clock.systemUTC());
        if (store.member(companyId, userId).isPresent()) {
            return companyId;
        }
        String now = Clock.systemUTC().instant().toString();
        String domain = email.substring(email.indexOf('@') + 1);
        try {
            store.createCompany(new Company(companyId, "Sample Agency", domain, false, false, 1, 1, now, null, false),
                    new Member(userId, companyId, email, Role.ADMIN, true, now), 100);
        } catch (CompanyStore.Refused raced) {
            // Made by a parallel seed a moment ago.
        }
        return companyId;
    }
}
