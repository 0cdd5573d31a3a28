package com.image2model.devstack.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gaul.s3proxy.CrossOriginResourceSharing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.template.Intrinsics;
import com.image2model.devstack.template.SamTemplate;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates in the local emulators what template.yaml declares: tables (keys, GSIs, TTL), queues
 * (attributes, redrive to their DLQ), buckets, and the buckets' notifications to queues. It reads
 * the template; nothing here repeats a name or a setting of it.
 */
public final class Provisioner implements Intrinsics.Resources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SamTemplate template;
    private final Map<String, String> parameters;
    /** Where resources are created: SDK clients, and how a bucket's queue notification is put in place. */
    public record Target(DynamoDbClient dynamoDb, SqsClient sqs, S3Client s3, NotificationSink notifications) {
        public static Target of(LocalAws aws) {
            return new Target(aws.dynamoDb(), aws.sqs(), aws.s3(), aws.notifications()::addRule);
        }
    }

    @FunctionalInterface
    public interface NotificationSink {
        void addRule(String bucket, S3Notifications.QueueRule rule);
    }

    private final Endpoints endpoints;
    private final Target aws;
    private final Intrinsics intrinsics;
    private final Map<String, String> queueArns = new LinkedHashMap<>();

    public Provisioner(SamTemplate template, Map<String, String> parameters, LocalAws aws) {
        this(template, parameters, aws, Target.of(aws));
    }

    /** Answers Ref and GetAtt for a devstack at these endpoints; provisions only with {@code aws}. */
    public Provisioner(SamTemplate template, Map<String, String> parameters, Endpoints endpoints, Target aws) {
        this.template = template;
        this.parameters = withPseudoParameters(parameters);
        this.endpoints = endpoints;
        this.aws = aws;
        this.intrinsics = new Intrinsics(this.parameters, template.conditions(), this);
    }

    public static Map<String, String> withPseudoParameters(Map<String, String> parameters) {
        Map<String, String> all = new LinkedHashMap<>(parameters);
        all.put("AWS::AccountId", LocalAws.ACCOUNT_ID);
        all.put("AWS::Region", LocalAws.REGION);
        all.put("AWS::Partition", "aws");
        all.put("AWS::URLSuffix", "amazonaws.com");
        all.put("AWS::StackName", parameters.getOrDefault("AppName", "image2model") + "-" + parameters.getOrDefault("Stage", "dev"));
        all.put("AWS::StackId", "arn:aws:cloudformation:us-east-1:000000000000:stack/devstack/local");
        return all;
    }

    public Intrinsics intrinsics() {
        return intrinsics;
    }

    /** The CORS answer of the local S3 server: the union of the buckets' CORS rules (S3Proxy has one set). */
    public static CrossOriginResourceSharing cors(SamTemplate template, Map<String, String> parameters) {
        Intrinsics noResources = new Intrinsics(withPseudoParameters(parameters), template.conditions(), new Intrinsics.Resources() {
            @Override
            public String ref(String logicalId) {
                throw new IllegalArgumentException("CORS rules may only use parameters, not " + logicalId);
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                throw new IllegalArgumentException("CORS rules may only use parameters, not " + logicalId);
            }
        });
        Set<String> origins = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        Set<String> headers = new LinkedHashSet<>();
        Set<String> exposed = new LinkedHashSet<>();
        template.resourcesOfType("AWS::S3::Bucket").values().forEach(bucket -> {
            Object rules = noResources.evaluate(map(SamTemplate.properties(bucket).get("CorsConfiguration")).get("CorsRules"));
            if (rules instanceof List<?> list) {
                for (Object rule : list) {
                    Map<String, Object> r = map(rule);
                    origins.addAll(strings(r.get("AllowedOrigins")));
                    methods.addAll(strings(r.get("AllowedMethods")));
                    headers.addAll(strings(r.get("AllowedHeaders")));
                    exposed.addAll(strings(r.get("ExposedHeaders")));
                }
            }
        });
        if (origins.isEmpty()) {
            return CrossOriginResourceSharing.disabled();
        }
        return new CrossOriginResourceSharing(List.copyOf(origins), List.copyOf(methods), List.copyOf(headers),
                List.copyOf(exposed), "false");
    }

    /** Creates everything; safe to call on emulators that already have some of it. */
    public void provisionAll() {
        if (aws == null) {
            throw new IllegalStateException("This provisioner only answers names: it has no emulators to create things in");
        }
        template.resourcesOfType("AWS::DynamoDB::Table").forEach(this::createTable);
        createQueues();
        template.resourcesOfType("AWS::S3::Bucket").forEach(this::createBucket);
    }

    private void createTable(String id, Map<String, Object> resource) {
        Map<String, Object> p = evaluated(resource);
        String name = ref(id);
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Object index : list(p.get("GlobalSecondaryIndexes"))) {
            Map<String, Object> i = map(index);
            Map<String, Object> projection = map(i.get("Projection"));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(String.valueOf(i.get("IndexName")))
                    .keySchema(keySchema(i.get("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")))
                            .nonKeyAttributes(strings(projection.get("NonKeyAttributes")).isEmpty() ? null : strings(projection.get("NonKeyAttributes")))
                            .build())
                    .build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.fromValue(String.valueOf(p.getOrDefault("BillingMode", "PAY_PER_REQUEST"))))
                .keySchema(keySchema(p.get("KeySchema")))
                .attributeDefinitions(list(p.get("AttributeDefinitions")).stream().map(Provisioner::map)
                        .map(a -> AttributeDefinition.builder().attributeName(String.valueOf(a.get("AttributeName")))
                                .attributeType(String.valueOf(a.get("AttributeType"))).build())
                        .toList());
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        try {
            aws.dynamoDb().createTable(request.build());
        } catch (ResourceInUseException alreadyThere) {
            // Kept from an earlier run: what a CloudFormation update would add to it (an index the template gained).
            addMissingIndexes(name, indexes, request.build().attributeDefinitions());
            return;
        }
        Map<String, Object> ttl = map(p.get("TimeToLiveSpecification"));
        if (Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))) {
            aws.dynamoDb().updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(
                    t -> t.attributeName(String.valueOf(ttl.get("AttributeName"))).enabled(true)));
        }
    }

    /** Creates each of {@code indexes} the table lacks, one UpdateTable each (as DynamoDB takes them), filled from its items. */
    private void addMissingIndexes(String table, List<GlobalSecondaryIndex> indexes, List<AttributeDefinition> definitions) {
        java.util.Set<String> existing = new java.util.HashSet<>();
        aws.dynamoDb().describeTable(d -> d.tableName(table)).table().globalSecondaryIndexes().forEach(i -> existing.add(i.indexName()));
        for (GlobalSecondaryIndex index : indexes) {
            if (existing.contains(index.indexName())) {
                continue;
            }
            java.util.Set<String> keys = new java.util.HashSet<>();
            index.keySchema().forEach(k -> keys.add(k.attributeName()));
            aws.dynamoDb().updateTable(u -> u.tableName(table)
                    .attributeDefinitions(definitions.stream().filter(d -> keys.contains(d.attributeName())).toList())
                    .globalSecondaryIndexUpdates(g -> g.create(c -> c.indexName(index.indexName()).keySchema(index.keySchema())
                            .projection(index.projection()))));
        }
    }

    private static List<KeySchemaElement> keySchema(Object schema) {
        return list(schema).stream().map(Provisioner::map)
                .map(k -> KeySchemaElement.builder().attributeName(String.valueOf(k.get("AttributeName")))
                        .keyType(String.valueOf(k.get("KeyType"))).build())
                .toList();
    }

    private void createQueues() {
        Map<String, Map<String, Object>> queues = template.resourcesOfType("AWS::SQS::Queue");
        // A queue's redrive names its DLQ by ARN: create the queues without a redrive first.
        List<String> order = new ArrayList<>();
        queues.forEach((id, q) -> {
            if (!SamTemplate.properties(q).containsKey("RedrivePolicy")) {
                order.add(id);
            }
        });
        queues.keySet().stream().filter(id -> !order.contains(id)).forEach(order::add);
        for (String id : order) {
            Map<String, Object> p = evaluated(queues.get(id));
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            copyAttribute(p, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attributes);
            copyAttribute(p, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attributes);
            copyAttribute(p, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attributes);
            copyAttribute(p, "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, attributes);
            copyAttribute(p, "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, attributes);
            copyAttribute(p, "FifoQueue", QueueAttributeName.FIFO_QUEUE, attributes);
            copyAttribute(p, "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, attributes);
            if (p.containsKey("RedrivePolicy")) {
                try {
                    attributes.put(QueueAttributeName.REDRIVE_POLICY, JSON.writeValueAsString(p.get("RedrivePolicy")));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("RedrivePolicy of " + id, e);
                }
            }
            String name = queueName(id);
            String url = aws.sqs().createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
            queueArns.put(id, aws.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN));
        }
    }

    /** The emulator's URL of a queue the template declares, by its ARN. */
    public String queueUrlOfArn(String arn) {
        return queueArns.entrySet().stream().filter(e -> e.getValue().equals(arn)).map(e -> ref(e.getKey())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(arn + " is not a queue of the template"));
    }

    private static void copyAttribute(Map<String, Object> p, String property, QueueAttributeName attribute,
                                      Map<QueueAttributeName, String> into) {
        if (p.containsKey(property)) {
            into.put(attribute, String.valueOf(p.get(property)));
        }
    }

    private void createBucket(String id, Map<String, Object> resource) {
        String name = ref(id);
        if (aws.s3().listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) {
            aws.s3().createBucket(r -> r.bucket(name));
        }
        Map<String, Object> p = evaluated(resource);
        for (Object configuration : list(map(p.get("NotificationConfiguration")).get("QueueConfigurations"))) {
            Map<String, Object> c = map(configuration);
            String arn = String.valueOf(c.get("Queue"));
            String queueId = queueArns.entrySet().stream().filter(e -> e.getValue().equals(arn)).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "Bucket " + id + " notifies " + arn + ", which is not a queue of the template"));
            String prefix = "";
            String suffix = "";
            for (Object rule : list(map(map(c.get("Filter")).get("S3Key")).get("Rules"))) {
                Map<String, Object> r = map(rule);
                if ("prefix".equalsIgnoreCase(String.valueOf(r.get("Name")))) {
                    prefix = String.valueOf(r.get("Value"));
                } else if ("suffix".equalsIgnoreCase(String.valueOf(r.get("Name")))) {
                    suffix = String.valueOf(r.get("Value"));
                }
            }
            aws.notifications().addRule(name, new S3Notifications.QueueRule(id + "-" + queueId,
                    String.valueOf(c.get("Event")), prefix, suffix, ref(queueId), arn));
        }
    }

    // ------------------------------------------------------------ Ref and GetAtt, locally

    /** The devstack's Cognito names (the functions' defaults expect the pool id). */
    public static final String LOCAL_USER_POOL_ID = "us-east-1_devstack";
    public static final String LOCAL_CLIENT_ID = "devstack-web-client";

    @Override
    public String ref(String logicalId) {
        if (logicalId.endsWith(".Alias") || logicalId.endsWith(".Version")) {
            // SAM's FunctionName.Alias: locally, the function itself answers.
            return ref(logicalId.substring(0, logicalId.lastIndexOf('.')));
        }
        Map<String, Object> resource = template.resources().get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("Ref to " + logicalId + ", which the template does not declare");
        }
        String type = String.valueOf(resource.get("Type"));
        Map<String, Object> p = SamTemplate.properties(resource);
        return switch (type) {
            case "AWS::DynamoDB::Table" -> nameOr(p.get("TableName"), logicalId);
            case "AWS::S3::Bucket" -> nameOr(p.get("BucketName"), logicalId.toLowerCase());
            case "AWS::SQS::Queue" -> endpoints.sqsEndpoint() + "/" + LocalAws.ACCOUNT_ID + "/" + queueName(logicalId);
            case "AWS::Cognito::UserPool" -> LOCAL_USER_POOL_ID;
            case "AWS::Cognito::UserPoolClient" -> LOCAL_CLIENT_ID;
            case "AWS::Cognito::UserPoolDomain" -> nameOr(p.get("Domain"), logicalId.toLowerCase());
            // Ref of a secret is its ARN.
            case "AWS::SecretsManager::Secret" -> LocalSecretsManager.arnOf(secretName(logicalId));
            default -> logicalId;
        };
    }

    @Override
    public String getAtt(String logicalId, String attribute) {
        Map<String, Object> resource = template.resources().get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("GetAtt of " + logicalId + ", which the template does not declare");
        }
        String type = String.valueOf(resource.get("Type"));
        String key = type + "." + attribute;
        return switch (key) {
            case "AWS::DynamoDB::Table.Arn" -> "arn:aws:dynamodb:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":table/" + ref(logicalId);
            case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + ref(logicalId);
            case "AWS::S3::Bucket.DomainName", "AWS::S3::Bucket.RegionalDomainName" -> endpoints.s3Endpoint().getAuthority() + "/" + ref(logicalId);
            case "AWS::SQS::Queue.Arn" -> queueArns.getOrDefault(logicalId,
                    "arn:aws:sqs:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":" + queueName(logicalId));
            case "AWS::SQS::Queue.QueueName" -> queueName(logicalId);
            case "AWS::Cognito::UserPool.Arn" -> "arn:aws:cognito-idp:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":userpool/" + ref(logicalId);
            case "AWS::Cognito::UserPool.ProviderURL" -> "cognito-idp." + LocalAws.REGION + ".amazonaws.com/" + ref(logicalId);
            case "AWS::SQS::Queue.QueueUrl" -> ref(logicalId);
            default -> "local-" + logicalId + "-" + attribute;
        };
    }

    private String queueName(String logicalId) {
        return nameOr(SamTemplate.properties(template.resources().get(logicalId)).get("QueueName"), logicalId);
    }

    /** A secret's name: its Name property, else the logical id. */
    public String secretName(String logicalId) {
        return nameOr(SamTemplate.properties(template.resources().get(logicalId)).get("Name"), logicalId);
    }

    private String nameOr(Object nameProperty, String fallback) {
        return nameProperty == null ? fallback : intrinsics.evaluateString(nameProperty);
    }

    private Map<String, Object> evaluated(Map<String, Object> resource) {
        return map(intrinsics.evaluate(SamTemplate.properties(resource)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }
}
