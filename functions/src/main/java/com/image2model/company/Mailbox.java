package com.image2model.company;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The mailbox behind an address: variants that one person reads in one inbox are one mailbox, so
 * that a trial is granted once per mailbox, not once per address.
 */
public final class Mailbox {

    /** Providers that ignore dots in the local part (and whose two domains are one mailbox). */
    private static final Set<String> DOTS_IGNORED = Set.of("gmail.com", "googlemail.com");

    private Mailbox() {
    }

    /** Lower case, without a {@code +tag}, and for Gmail without dots and at gmail.com. */
    public static String normalised(EmailAddress email) {
        String local = email.localPart();
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        String domain = email.domain();
        if (DOTS_IGNORED.contains(domain)) {
            local = local.replace(".", "");
            domain = "gmail.com";
        }
        return local + "@" + domain;
    }

    /**
     * What the table keeps of a mailbox that had a trial: a salted SHA-256 of its normalised form,
     * which says nothing of the address to anyone without the salt, and is kept after erasure for
     * this one purpose.
     */
    public static String trialKey(EmailAddress email, String salt) {
        if (salt == null || salt.isBlank()) {
            throw new IllegalArgumentException("The trial key needs a salt");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((salt + "\n" + normalised(email)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
