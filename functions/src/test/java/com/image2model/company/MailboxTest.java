package com.image2model.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Address variants of one inbox are one mailbox; the trial key says nothing without its salt. */
class MailboxTest {

    private static String norm(String address) {
        return Mailbox.normalised(EmailAddress.parse(address));
    }

    @Test
    void plusTagsCaseAndGmailDotsAreOneMailbox() {
        assertThat(norm("Mallory+1@Gmail.com")).isEqualTo("mallory@gmail.com");
        assertThat(norm("m.a.l.lory+promo@googlemail.com")).isEqualTo("mallory@gmail.com");
        assertThat(norm("ada.lovelace+x@acme.test")).as("dots matter elsewhere").isEqualTo("ada.lovelace@acme.test");
        assertThat(norm("+only@acme.test")).as("a leading plus is the name itself").isEqualTo("+only@acme.test");
    }

    @Test
    void theTrialKeyIsTheSameForEveryVariantAndDependsOnTheSalt() {
        String key = Mailbox.trialKey(EmailAddress.parse("mallory+1@gmail.com"), "salt-a");
        assertThat(Mailbox.trialKey(EmailAddress.parse("MALLORY+2@gmail.com"), "salt-a")).isEqualTo(key);
        assertThat(Mailbox.trialKey(EmailAddress.parse("m.allory@googlemail.com"), "salt-a")).isEqualTo(key);
        assertThat(Mailbox.trialKey(EmailAddress.parse("mallory@gmail.com"), "salt-b")).isNotEqualTo(key);
        assertThat(key).hasSize(64).doesNotContain("mallory");
        assertThatThrownBy(() -> Mailbox.trialKey(EmailAddress.parse("a@b.test"), " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
