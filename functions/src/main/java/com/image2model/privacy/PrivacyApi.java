package com.image2model.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

/**
 * The GDPR routes: {@code GET /account/export}, {@code GET /company/export} (admins),
 * {@code DELETE /account} and {@code DELETE /company} (admins, asynchronous: the erasure queue).
 */
public final class PrivacyApi {

    private final CompanyStore companies;
    private final Exports exports;
    private final AccountDeletion deletion;

    public PrivacyApi(CompanyStore companies, Exports exports, AccountDeletion deletion) {
        this.companies = companies;
        this.exports = exports;
        this.deletion = deletion;
    }

    /** The GDPR routes; {@code seatsChanged} is told when an account's deletion frees a seat. */
    public Map<String, MemberRoutes.Route> routes(Consumer<String> seatsChanged) {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /account/export", (caller, event) -> ApiResponses.json(200, exportAccount(caller)));
        routes.put("GET /company/export", (caller, event) -> ApiResponses.json(200, exportCompany(caller)));
        routes.put("DELETE /account", (caller, event) -> ApiResponses.json(200,
                deletion.deleteAccount(caller, ApiRequests.optionalText(ApiRequests.jsonBody(event), "confirm", "confirm"), seatsChanged)));
        routes.put("DELETE /company", (caller, event) -> ApiResponses.json(202,
                deletion.deleteCompany(caller, ApiRequests.optionalText(ApiRequests.jsonBody(event), "confirm", "confirm"))));
        return routes;
    }

    private Company company(TenantContext caller) {
        return companies.company(caller.companyId()).orElseThrow(() -> ApiException.notFound("Company"));
    }

    private Member self(TenantContext caller) {
        return companies.member(caller.companyId(), caller.userId()).orElseThrow(() -> ApiException.notFound("Member"));
    }

    public Map<String, Object> exportAccount(TenantContext caller) {
        return exports.person(company(caller), self(caller));
    }

    public Map<String, Object> exportCompany(TenantContext caller) {
        caller.requireAdmin();
        return exports.company(company(caller), companies.members(caller.companyId()));
    }
}
