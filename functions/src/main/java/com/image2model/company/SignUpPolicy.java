package com.image2model.company;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.image2model.platform.Settings;

/**
 * Who may sign up, and into which company: people of one email domain share a company; free-mail
 * addresses each get a personal company; blocked domains may not sign up at all.
 */
public final class SignUpPolicy {

    /** The production defaults (kept with every other default in Settings). */
    public static final String DEFAULT_FREE_MAIL = Settings.DEFAULTS.get(Settings.FREE_MAIL_DOMAINS);
    public static final String DEFAULT_BLOCKED = Settings.DEFAULTS.get(Settings.BLOCKED_EMAIL_DOMAINS);

    private final Set<String> freeMail;
    private final Set<String> blocked;

    public SignUpPolicy(String freeMailDomains, String blockedDomains) {
        this.freeMail = domains(freeMailDomains);
        this.blocked = domains(blockedDomains);
    }

    /** Where a confirmed sign-up belongs: a personal company, or the company of its domain. */
    public enum Placement {
        PERSONAL, DOMAIN
    }

    public boolean isBlocked(EmailAddress email) {
        return blocked.contains(email.domain());
    }

    public Placement placement(EmailAddress email) {
        return freeMail.contains(email.domain()) ? Placement.PERSONAL : Placement.DOMAIN;
    }

    /** The name of a company created from a domain, when the founder gave none: acme-labs.test is "Acme Labs". */
    public static String nameFromDomain(String domain) {
        String label = domain.contains(".") ? domain.substring(0, domain.indexOf('.')) : domain;
        return Arrays.stream(label.split("[-_]+")).filter(p -> !p.isEmpty())
                .map(p -> p.substring(0, 1).toUpperCase(Locale.ROOT) + p.substring(1))
                .collect(Collectors.joining(" "));
    }

    private static Set<String> domains(String list) {
        if (list == null) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
