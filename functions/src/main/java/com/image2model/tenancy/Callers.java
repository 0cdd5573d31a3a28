package com.image2model.tenancy;

import java.util.Optional;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;
import com.image2model.tenancy.TenantContext.Role;

/**
 * Who is calling, checked against the membership as it is stored now, in the same request.
 *
 * <p>Why: an access token lives up to 15 minutes, and the HTTP API's authorizer keeps accepting
 * it after the person was removed, deactivated or demoted (a global sign-out does not reach it).
 * So the company and role claims only say who the caller was when the token was made; every API
 * request reads the member record (strongly consistent) and refuses with 403
 * {@code membership_revoked} when it is gone, inactive, or lower than the token claims. A caller
 * acts with the lesser of the two roles: someone promoted since keeps the old role until the next
 * token, someone demoted loses the old one at once.
 */
public final class Callers {

    /** A member's standing as stored. */
    public record Standing(Role role, boolean active, boolean companySuspended) {
        public Standing(Role role, boolean active) {
            this(role, active, false);
        }
    }

    /** The stored standing of a person in a company (a consistent read), empty when they are not a member. */
    @FunctionalInterface
    public interface Standings {
        Optional<Standing> of(String companyId, String userId);
    }

    /** Counts a verified caller's request against their limits; throws (an API refusal) when none are left. */
    @FunctionalInterface
    public interface Meter {
        void count(TenantContext caller);
    }

    /** An API key as stored now: the role it was given, who made it, and why it cannot be used (null when it can). */
    public record KeyStanding(Role role, String creatorId, String refusal) {
    }

    /** The company's API keys as stored (a consistent read), and the record of each use. */
    public interface Keys {
        Optional<KeyStanding> of(String companyId, String keyId);

        /** Records one request made with the key (its last use and today's count). */
        void used(String companyId, String keyId);

        /** A deployment without API keys: every key is refused. */
        Keys NONE = new Keys() {
            @Override
            public Optional<KeyStanding> of(String companyId, String keyId) {
                return Optional.empty();
            }

            @Override
            public void used(String companyId, String keyId) {
            }
        };
    }

    private final Standings standings;
    private final Meter meter;
    private final Keys keys;

    public Callers(Standings standings) {
        this(standings, caller -> { });
    }

    public Callers(Standings standings, Meter meter) {
        this(standings, meter, Keys.NONE);
    }

    public Callers(Standings standings, Meter meter, Keys keys) {
        this.standings = standings;
        this.meter = meter;
        this.keys = keys;
    }

    /** The caller of an API request: verified claims, and a membership that still holds. */
    public TenantContext verify(APIGatewayV2HTTPEvent event) {
        return verify(TenantContext.from(event));
    }

    public TenantContext verify(TenantContext claimed) {
        if (claimed.isApiKey()) {
            return verifyKey(claimed);
        }
        Standing standing = standings.of(claimed.companyId(), claimed.userId()).orElseThrow(() -> revoked(
                "This account is no longer a member of this company."));
        if (standing.companySuspended()) {
            throw ApiException.forbidden("company_suspended", "This company's account is suspended. Contact Image2Model support.");
        }
        if (!standing.active()) {
            throw revoked("This account has been deactivated by an admin of your company.");
        }
        if (claimed.role() == Role.ADMIN && standing.role() != Role.ADMIN) {
            throw revoked("Your role in this company has changed: sign in again.");
        }
        Role role = standing.role() == Role.ADMIN && claimed.role() == Role.ADMIN ? Role.ADMIN : Role.MEMBER;
        com.image2model.platform.LogKeys.company(claimed.companyId());
        TenantContext caller = new TenantContext(claimed.companyId(), claimed.userId(), claimed.email(), role);
        // Counted only once the membership holds: a removed person's requests cannot use up anyone's limit.
        meter.count(caller);
        return caller;
    }

    /**
     * An API key: it must still be usable as stored now (revoked or rotated out: 401 at once, whatever
     * the authorizer's cache says), and it acts for the admin who made it, so that person must still
     * be an active member; an admin key also needs them still an admin. Its requests are counted per key.
     */
    private TenantContext verifyKey(TenantContext claimed) {
        KeyStanding key = keys.of(claimed.companyId(), claimed.keyId()).orElseThrow(() -> new ApiException(401, "api_key_invalid",
                "This API key is not valid."));
        if (key.refusal() != null) {
            throw new ApiException(401, key.refusal(), key.refusal().equals("api_key_expired")
                    ? "This API key was replaced and its grace period is over: use the new key."
                    : "This API key was revoked by an admin of your company.");
        }
        Standing creator = standings.of(claimed.companyId(), key.creatorId()).orElse(null);
        if (creator != null && creator.companySuspended()) {
            throw ApiException.forbidden("company_suspended", "This company's account is suspended. Contact Image2Model support.");
        }
        if (creator == null || !creator.active()) {
            throw ApiException.forbidden("api_key_owner_gone", "The person who made this API key is no longer an active member: "
                    + "an admin must make a new key.");
        }
        if (key.role() == Role.ADMIN && creator.role() != Role.ADMIN) {
            throw ApiException.forbidden("api_key_owner_demoted", "This admin key's maker is no longer an admin: an admin must make a new key.");
        }
        com.image2model.platform.LogKeys.company(claimed.companyId());
        TenantContext caller = new TenantContext(claimed.companyId(), key.creatorId(), claimed.email(), key.role(), claimed.keyId());
        meter.count(caller);
        keys.used(claimed.companyId(), claimed.keyId());
        return caller;
    }

    private static ApiException revoked(String message) {
        return ApiException.forbidden("membership_revoked", message);
    }
}
