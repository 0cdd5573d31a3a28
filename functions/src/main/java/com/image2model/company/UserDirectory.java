package com.image2model.company;

/** The identity provider's side of a membership (Cognito in AWS, its stand-in in the devstack). */
public interface UserDirectory {

    /**
     * Creates the account of a person who accepted an invitation, with the password they chose and
     * their address verified (the invitation's link was received there); nothing is emailed.
     * Answers the user's id (sub).
     */
    String createWithPassword(EmailAddress email, String password) throws UserExists, WeakPassword;

    void disable(String userId);

    void enable(String userId);

    /** Ends every session of the user (refresh tokens revoked). */
    void signOutEverywhere(String userId);

    void delete(String userId);

    /** Whether the user is in the group now (the operators' group: re-checked on every operator request). */
    boolean inGroup(String userId, String group);

    /** The password breaks the pool's policy; the message says what it needs. */
    final class WeakPassword extends Exception {
        public WeakPassword(String message) {
            super(message);
        }
    }

    final class UserExists extends Exception {
        public UserExists(String message) {
            super(message);
        }
    }
}
