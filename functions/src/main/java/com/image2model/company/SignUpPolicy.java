package com.image2model.company;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.image2model.platform.Settings;

/**
 * Who may sign up, and where they land: the first person of an email domain founds its company;
 * free and disposable mail addresses (the vendored list {@code free-email-domains.txt}, thousands of
 * domains, plus {@code FREE_MAIL_DOMAINS}) each get a personal workspace and never form or join a
 * company; blocked domains may not sign up at all.
 */
public final class SignUpPolicy {

    /** The production defaults (kept with every other default in Settings). */
    public static final String DEFAULT_FREE_MAIL = Settings.DEFAULTS.get(Settings.FREE_MAIL_DOMAINS);
    public static final String DEFAULT_BLOCKED = Settings.DEFAULTS.get(Settings.BLOCKED_EMAIL_DOMAINS);

    private final java.util.function.Supplier<Set<String>> personal;
    private final Set<String> freeMail;
    private final Set<String> blocked;

    /** The vendored list, read on the first placement (the token trigger, which places nobody, never reads it). */
    public SignUpPolicy(String freeMailDomains, String blockedDomains) {
        this(PersonalDomains::vendored, freeMailDomains, blockedDomains);
    }

    /** {@code personal}: the maintained list; {@code freeMailDomains}: this deployment's additions. */
    public SignUpPolicy(java.util.function.Supplier<Set<String>> personal, String freeMailDomains, String blockedDomains) {
        this.personal = personal;
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
        return isPersonal(email.domain()) ? Placement.PERSONAL : Placement.DOMAIN;
    }

    /** A personal mail domain (exactly: the list names the subdomains that are, e.g. {@code mail.ru}'s). */
    public boolean isPersonal(String domain) {
        return freeMail.contains(domain) || personal.get().contains(domain);
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
