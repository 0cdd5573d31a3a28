package com.image2model.company;

import java.util.List;

/** Sends one plain-text email (SES in AWS, the devstack's outbox locally). */
@FunctionalInterface
public interface Mailer {
    void send(List<String> to, String subject, String text);
}
