package com.image2model.company;

import com.image2model.tenancy.TenantContext.Role;

/** A person's membership of a company; its id is the user's Cognito sub. */
public record Member(String id, String companyId, String email, Role role, boolean active, String joinedAt) {

    public boolean activeAdmin() {
        return active && role == Role.ADMIN;
    }
}
