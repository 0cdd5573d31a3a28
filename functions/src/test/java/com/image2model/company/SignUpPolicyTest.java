package com.image2model.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignUpPolicyTest {

    private final SignUpPolicy policy = new SignUpPolicy(SignUpPolicy.DEFAULT_FREE_MAIL, SignUpPolicy.DEFAULT_BLOCKED);

    @Test
    void freeMailIsPersonalWorkMailIsByDomain() {
        assertThat(policy.placement(EmailAddress.parse("Sam@GMail.com"))).isEqualTo(SignUpPolicy.Placement.PERSONAL);
        assertThat(policy.placement(EmailAddress.parse("ada@acme.test"))).isEqualTo(SignUpPolicy.Placement.DOMAIN);
    }

    @Test
    void blockedDomainsAreRecognised() {
        assertThat(policy.isBlocked(EmailAddress.parse("x@mailinator.com"))).isTrue();
        assertThat(policy.isBlocked(EmailAddress.parse("x@acme.test"))).isFalse();
    }

    @Test
    void theDeploymentAddsToTheList() {
        SignUpPolicy custom = new SignUpPolicy(java.util.Set::of, " Example.org ,", "evil.test");
        assertThat(custom.placement(EmailAddress.parse("a@example.org"))).isEqualTo(SignUpPolicy.Placement.PERSONAL);
        assertThat(custom.placement(EmailAddress.parse("a@gmail.com"))).isEqualTo(SignUpPolicy.Placement.DOMAIN);
        assertThat(custom.isBlocked(EmailAddress.parse("a@evil.test"))).isTrue();
        assertThat(new SignUpPolicy(" Example.org ,", "evil.test").placement(EmailAddress.parse("a@gmail.com")))
                .as("the vendored list always applies").isEqualTo(SignUpPolicy.Placement.PERSONAL);
    }

    /** ISPs' and regional webmail domains, which the old hand list missed, never form a company. */
    @Test
    void theVendoredListKnowsRegionalWebmailAndDisposableDomains() {
        assertThat(PersonalDomains.vendored()).hasSizeGreaterThan(10_000);
        for (String domain : new String[] {"hotmail.co.uk", "yahoo.fr", "t-online.de", "orange.fr", "libero.it", "mail.ru", "mailinator.com"}) {
            assertThat(policy.placement(EmailAddress.parse("someone@" + domain))).as(domain).isEqualTo(SignUpPolicy.Placement.PERSONAL);
        }
        assertThat(policy.placement(EmailAddress.parse("someone@acme-design.co.uk"))).isEqualTo(SignUpPolicy.Placement.DOMAIN);
    }

    @Test
    void companyNamesFromDomains() {
        assertThat(SignUpPolicy.nameFromDomain("acme.test")).isEqualTo("Acme");
        assertThat(SignUpPolicy.nameFromDomain("acme-labs.co.uk")).isEqualTo("Acme Labs");
    }

    @Test
    void emailAddressesAreNormalisedAndChecked() {
        EmailAddress email = EmailAddress.parse("  Ada.Lovelace@Acme.TEST ");
        assertThat(email.value()).isEqualTo("ada.lovelace@acme.test");
        assertThat(email.domain()).isEqualTo("acme.test");
        assertThat(email.localPart()).isEqualTo("ada.lovelace");
        for (String bad : new String[] {null, "", "ada", "ada@", "@acme.test", "a b@acme.test", "ada@acme"}) {
            assertThatThrownBy(() -> EmailAddress.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
