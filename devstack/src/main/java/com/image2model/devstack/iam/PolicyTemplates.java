package com.image2model.devstack.iam;

import java.util.List;
import java.util.Map;

/**
 * The SAM policy templates this project's template uses, expanded as SAM documents them
 * (samtranslator's policy_templates.json: the same actions and resources). A template not listed
 * here stops the devstack at start: add its documented definition first.
 */
final class PolicyTemplates {

    private PolicyTemplates() {
    }

    private static final String TABLE = "arn:aws:dynamodb:%s:%s:table/%s";

    /** The statements of {@code name} with its parameters (already evaluated). */
    static List<Iam.Statement> expand(String name, Map<String, Object> parameters, String region, String account) {
        return switch (name) {
            case "DynamoDBCrudPolicy" -> List.of(Iam.Statement.allow(List.of("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
                    "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
                    "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"), tableResources(parameters, region, account)));
            case "DynamoDBReadPolicy" -> List.of(Iam.Statement.allow(List.of("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable"), tableResources(parameters, region, account)));
            case "SQSSendMessagePolicy" -> List.of(Iam.Statement.allow(List.of("sqs:SendMessage*"),
                    List.of("arn:aws:sqs:" + region + ":" + account + ":" + required(parameters, "QueueName", name))));
            case "SQSPollerPolicy" -> List.of(Iam.Statement.allow(List.of("sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch",
                    "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
                    List.of("arn:aws:sqs:" + region + ":" + account + ":" + required(parameters, "QueueName", name))));
            case "S3ReadPolicy" -> List.of(Iam.Statement.allow(List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
                    "s3:GetObjectVersion", "s3:GetLifecycleConfiguration"), bucketResources(parameters, name)));
            case "S3CrudPolicy" -> List.of(Iam.Statement.allow(List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
                    "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
                    "s3:DeleteObject"), bucketResources(parameters, name)));
            default -> throw new IllegalStateException("The devstack does not know the SAM policy template " + name
                    + ": add its documented statements to " + PolicyTemplates.class.getName());
        };
    }

    private static List<String> tableResources(Map<String, Object> parameters, String region, String account) {
        String table = required(parameters, "TableName", "a DynamoDB policy template");
        return List.of(TABLE.formatted(region, account, table), TABLE.formatted(region, account, table) + "/index/*");
    }

    private static List<String> bucketResources(Map<String, Object> parameters, String name) {
        String bucket = required(parameters, "BucketName", name);
        return List.of("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*");
    }

    private static String required(Map<String, Object> parameters, String parameter, String template) {
        Object value = parameters.get(parameter);
        if (value == null) {
            throw new IllegalStateException(template + " needs its parameter " + parameter);
        }
        return String.valueOf(value);
    }
}
