package com.image2model.company;

/**
 * A customer company (a tenant). A personal company belongs to one person and has no domain. Its
 * domain is {@code domainVerified} once a DNS TXT record proved the company controls it; only then
 * may {@code autoJoin} let people of the domain join by signing up.
 */
public record Company(String id, String name, String domain, boolean personal, boolean autoJoin, int adminCount,
                      int memberCount, String createdAt, String plan, boolean domainVerified) {

    /** Whether a sign-up at the domain joins at once: automatic joining, on a verified domain only. */
    public boolean joinsBySignUp() {
        return autoJoin && domainVerified && domain != null && !personal;
    }
}
