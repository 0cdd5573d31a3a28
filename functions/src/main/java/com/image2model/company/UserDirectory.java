package com.image2model.company;

/** The identity provider's side of a membership (Cognito in AWS, its stand-in in the devstack). */
public interface UserDirectory {

    /** Creates a user who will receive an invitation email with a temporary password; answers the user's id (sub). */
    String createInvitedUser(EmailAddress email) throws UserExists;

    void disable(String userId);

    void enable(String userId);

    /** Ends every session of the user (refresh tokens revoked). */
    void signOutEverywhere(String userId);

    void delete(String userId);

    /** Whether the user is in the group now (the operators' group: re-checked on every operator request). */
    boolean inGroup(String userId, String group);

    final class UserExists extends Exception {
        public UserExists(String message) {
            super(message);
        }
    }
}
