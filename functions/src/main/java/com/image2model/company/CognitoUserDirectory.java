package com.image2model.company;

import java.util.function.Supplier;

import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminCreateUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.DeliveryMediumType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UsernameExistsException;

/** The user pool's admin API. With email as the username attribute, a user's username is its sub. */
public final class CognitoUserDirectory implements UserDirectory {

    private final Supplier<CognitoIdentityProviderClient> client;
    private final Supplier<String> poolId;

    /** Both looked up on first use: the Cognito triggers never call the directory and never pay for a client. */
    public CognitoUserDirectory(Supplier<CognitoIdentityProviderClient> client, Supplier<String> poolId) {
        this.client = client;
        this.poolId = poolId;
    }

    @Override
    public String createInvitedUser(EmailAddress email) throws UserExists {
        AdminCreateUserResponse created;
        try {
            created = client.get().adminCreateUser(r -> r.userPoolId(poolId.get()).username(email.value())
                    .userAttributes(AttributeType.builder().name("email").value(email.value()).build(),
                            AttributeType.builder().name("email_verified").value("true").build())
                    .desiredDeliveryMediums(DeliveryMediumType.EMAIL));
        } catch (UsernameExistsException e) {
            throw new UserExists(email.value() + " already has an account");
        }
        return created.user().attributes().stream().filter(a -> a.name().equals("sub")).map(AttributeType::value)
                .findFirst().orElse(created.user().username());
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
