package com.image2model.privacy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.image2model.company.Member;
import com.image2model.platform.Refusal;

/**
 * The rules of erasure (GDPR's right to be forgotten), apart from where the data lives: who may
 * delete an account or a company and when, and what a person's traces become. Money records stay
 * (the ledger must add up for the tax years it covers), with the person in them replaced by an
 * anonymous id that is random, so nothing leads back from it to the person.
 */
public final class Erasure {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** What separates the parts of the table's keys ({@code C#…}, {@code RATE#user#…}). */
    private static final String SEGMENT = "#";

    /** Why an erasure may not go ahead now: a code and words for the person. */
    public static final class Refused extends Refusal {
        Refused(int status, String code, String message) {
            super(status, code, message);
        }
    }


    private Erasure() {
    }

    /** A new anonymous id to stand for one person in what is kept. */
    public static String anonymousId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return "former-member-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * Whether {@code self} may delete their own account: not the company's last member (deleting
     * the company is the way), and not its last active admin while others remain.
     */
    public static void mayDeleteAccount(Member self, List<Member> members, String typedEmail) {
        if (typedEmail == null || !typedEmail.trim().equalsIgnoreCase(self.email())) {
            throw new Refused(400, "confirmation_mismatch", "Type your email address (" + self.email() + ") to confirm the deletion of your account.");
        }
        if (members.stream().noneMatch(m -> !m.id().equals(self.id()))) {
            throw new Refused(409, "delete_company_instead",
                    "You are the company's only member: delete the company instead (Team page), which deletes your account with it.");
        }
        long otherActiveAdmins = members.stream().filter(m -> !m.id().equals(self.id()) && m.activeAdmin()).count();
        if (self.activeAdmin() && otherActiveAdmins == 0) {
            throw new Refused(409, "last_admin", "A company needs at least one active admin: make someone else an admin first.");
        }
    }

    /**
     * Whether a company may be deleted: its exact name typed, no plan running (cancel it first, so
     * Stripe stops charging), and no credits held by work in progress (let it finish or cancel it).
     */
    public static void mayDeleteCompany(String companyName, String typedName, boolean planActive, long held) {
        if (typedName == null || !typedName.trim().equals(companyName)) {
            throw new Refused(400, "confirmation_mismatch", "Type the company's name exactly (" + companyName + ") to confirm its deletion.");
        }
        if (planActive) {
            throw new Refused(409, "plan_active", "The company has an active plan: cancel it in the billing portal first.");
        }
        if (held > 0) {
            throw new Refused(409, "credits_held", held + " credits are held by work in progress: wait for it to finish or cancel it first.");
        }
    }

    /**
     * {@code value} with a person replaced: a value that is one of the keys (their id, their
     * email) whole, or a key's segment ({@code USAGE#D#2026-12-01#U#u-123}) whole. Never a part of
     * a word: erasing {@code x@acme.test} leaves {@code max@acme.test} and free text that merely
     * contains an address (a job's name) as they are.
     */
    public static String scrub(String value, Map<String, String> replacements) {
        String[] segments = value.split(SEGMENT, -1);
        for (int i = 0; i < segments.length; i++) {
            String replacement = replacements.get(segments[i]);
            if (replacement != null && !segments[i].isEmpty()) {
                segments[i] = replacement;
            }
        }
        return String.join(SEGMENT, segments);
    }

    /** Whether {@code value} is, or has a key segment that is, one of the keys. */
    public static boolean mentions(String value, Map<String, String> replacements) {
        for (String segment : value.split(SEGMENT, -1)) {
            if (!segment.isEmpty() && replacements.containsKey(segment)) {
                return true;
            }
        }
        return false;
    }
}
