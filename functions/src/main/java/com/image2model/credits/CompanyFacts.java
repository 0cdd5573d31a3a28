package com.image2model.credits;

import java.util.Map;
import java.util.Optional;

/** What the credits routes need to know of a company, told by the company capability (which builds on credits, not the reverse). */
public interface CompanyFacts {

    /** The company's plan id, empty without one. */
    Optional<String> plan(String companyId);

    /** The members' emails by member id (the usage report names people). */
    Map<String, String> memberEmails(String companyId);
}
