package com.image2model.company;

import java.util.function.Supplier;

import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminCreateUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidPasswordException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UsernameExistsException;

/** The user pool's admin API. With email as the username attribute, a user's username is its sub. */
public final class CognitoUserDirectory implements UserDirectory {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Supplier<CognitoIdentityProviderClient> client;
    private final Supplier<String> poolId;

    /** Both looked up on first use: the Cognito triggers never call the directory and never pay for a client. */
    public CognitoUserDirectory(Supplier<CognitoIdentityProviderClient> client, Supplier<String> poolId) {
        this.client = client;
        this.poolId = poolId;
    }

    @Override
    public String createWithPassword(EmailAddress email, String password) throws UserExists, WeakPassword {
        AdminCreateUserResponse created;
        try {
            // Created quietly with a throw-away password, then given the person's own as permanent
            // (Cognito has no single call for both); a password the pool refuses removes the account again.
            created = client.get().adminCreateUser(r -> r.userPoolId(poolId.get()).username(email.value())
                    .userAttributes(AttributeType.builder().name("email").value(email.value()).build(),
                            AttributeType.builder().name("email_verified").value("true").build())
                    .temporaryPassword(throwAwayPassword())
                    .messageAction(MessageActionType.SUPPRESS));
        } catch (UsernameExistsException e) {
            throw new UserExists(email.value() + " already has an account");
        }
        String sub = created.user().attributes().stream().filter(a -> a.name().equals("sub")).map(AttributeType::value)
                .findFirst().orElse(created.user().username());
        try {
            client.get().adminSetUserPassword(r -> r.userPoolId(poolId.get()).username(sub).password(password).permanent(true));
        } catch (InvalidPasswordException e) {
            delete(sub);
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            throw new WeakPassword(message == null || message.isBlank() ? "This password is too weak." : message);
        } catch (RuntimeException e) {
            delete(sub);
            throw e;
        }
        return sub;
    }

    private static String throwAwayPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        // Upper, lower, digit and symbol whatever the random part holds: every pool policy accepts it.
        return "Aa1!" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void disable(String userId) {
        client.get().adminDisableUser(r -> r.userPoolId(poolId.get()).username(userId));
    }

    @Override
    public void enable(String userId) {
        client.get().adminEnableUser(r -> r.userPoolId(poolId.get()).username(userId));
    }

    @Override
    public void signOutEverywhere(String userId) {
        client.get().adminUserGlobalSignOut(r -> r.userPoolId(poolId.get()).username(userId));
    }

    @Override
    public boolean inGroup(String userId, String group) {
        try {
            return client.get().adminListGroupsForUserPaginator(r -> r.userPoolId(poolId.get()).username(userId)).groups().stream()
                    .anyMatch(g -> group.equals(g.groupName()));
        } catch (UserNotFoundException gone) {
            return false;
        }
    }

    @Override
    public void delete(String userId) {
        try {
            client.get().adminDeleteUser(r -> r.userPoolId(poolId.get()).username(userId));
        } catch (UserNotFoundException alreadyGone) {
            // Deleting is what was asked; a retry finds nothing left to delete.
        }
    }
}
