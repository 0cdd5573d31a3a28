package com.image2model.devstack.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer of the DynamoDB API: its {@code __type} (the SDKs map it to their exception
 * classes), the message, and for some types more fields (the item of a failed condition, the
 * cancellation reasons of a transaction).
 */
public final class DynamoException extends RuntimeException {

    private final String type;
    private final int status;
    private final transient ObjectNode extra;

    public DynamoException(String type, String message) {
        this(type, 400, message, null);
    }

    public DynamoException(String type, int status, String message, ObjectNode extra) {
        super(message);
        this.type = type;
        this.status = status;
        this.extra = extra;
    }

    public static DynamoException validation(String message) {
        return new DynamoException("ValidationException", message);
    }

    public static DynamoException notFound(String message) {
        return new DynamoException("ResourceNotFoundException", message);
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public ObjectNode extra() {
        return extra;
    }
}
