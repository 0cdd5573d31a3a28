package com.image2model.company;

/** A customer company (a tenant). A personal company belongs to one free-mail user and has no domain. */
public record Company(String id, String name, String domain, boolean personal, boolean autoJoin, int adminCount,
                      int memberCount, String createdAt, String plan) {
}
