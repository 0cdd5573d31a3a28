package com.image2model.devstack.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What the product relies on from DynamoDB, SQS and S3, checked against an implementation of
 * them (the devstack's emulators; LocalStack where Docker exists), through the SDK clients.
 */
abstract class AwsContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The clients and the template's resources, as provisioned in the implementation under test. */
    protected record Under(DynamoDbClient dynamoDb, SqsClient sqs, S3Client s3, S3Presigner presigner, String table,
                           String jobsQueueUrl, String jobsDlqUrl, String uploadsBucket, int maxReceiveCount) {
    }

    protected abstract Under under();

    @Test
    void aConditionalWriteHappensOnce() {
        Under u = under();
        Map<String, AttributeValue> item = Map.of("PK", s("C#" + UUID.randomUUID()), "SK", s("BALANCE"), "available", n(100));
        u.dynamoDb().putItem(r -> r.tableName(u.table()).item(item).conditionExpression("attribute_not_exists(PK)"));

        assertThatThrownBy(() -> u.dynamoDb().putItem(r -> r.tableName(u.table()).item(item)
                .conditionExpression("attribute_not_exists(PK)")))
                .isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void aFailedTransactionSaysWhyAndChangesNothing() {
        Under u = under();
        String company = "C#" + UUID.randomUUID();
        u.dynamoDb().putItem(r -> r.tableName(u.table()).item(Map.of("PK", s(company), "SK", s("BALANCE"), "available", n(10))));

        TransactionCanceledException cancelled = org.junit.jupiter.api.Assertions.assertThrows(TransactionCanceledException.class,
                () -> u.dynamoDb().transactWriteItems(t -> t.transactItems(
                        i -> i.update(up -> up.tableName(u.table())
                                .key(Map.of("PK", s(company), "SK", s("BALANCE")))
                                .updateExpression("SET available = available - :cost")
                                .conditionExpression("available >= :cost")
                                .expressionAttributeValues(Map.of(":cost", n(35)))),
                        i -> i.put(p -> p.tableName(u.table())
                                .item(Map.of("PK", s(company), "SK", s("HOLD#1"), "amount", n(35)))
                                .conditionExpression("attribute_not_exists(PK)")))));

        assertThat(cancelled.cancellationReasons()).extracting(CancellationReason::code)
                .containsExactly("ConditionalCheckFailed", "None");
        assertThat(u.dynamoDb().getItem(r -> r.tableName(u.table()).key(Map.of("PK", s(company), "SK", s("HOLD#1")))).hasItem())
                .isFalse();
        assertThat(u.dynamoDb().getItem(r -> r.tableName(u.table()).key(Map.of("PK", s(company), "SK", s("BALANCE"))))
                .item().get("available").n()).isEqualTo("10");
    }

    @Test
    void aMessageReceivedTooOftenLandsInTheDeadLetterQueue() {
        Under u = under();
        String body = "poison-" + UUID.randomUUID();
        u.sqs().sendMessage(r -> r.queueUrl(u.jobsQueueUrl()).messageBody(body));

        int received = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && received < u.maxReceiveCount() + 3) {
            // Visibility 0: the message is back at once, as if the worker had failed on it.
            List<Message> messages = u.sqs().receiveMessage(r -> r.queueUrl(u.jobsQueueUrl()).maxNumberOfMessages(10)
                    .visibilityTimeout(0).waitTimeSeconds(1)).messages();
            boolean seen = messages.stream().anyMatch(m -> m.body().equals(body));
            if (seen) {
                received++;
            } else if (received >= u.maxReceiveCount()) {
                break;
            }
        }
        assertThat(received).as("receives before the redrive").isEqualTo(u.maxReceiveCount());

        List<Message> dead = receiveUntil(u.sqs(), u.jobsDlqUrl(), m -> m.body().equals(body), Duration.ofSeconds(10));
        assertThat(dead).hasSize(1);
        u.sqs().deleteMessage(r -> r.queueUrl(u.jobsDlqUrl()).receiptHandle(dead.get(0).receiptHandle()));
    }

    @Test
    void aPresignedPutWithSignedTypeAndSizeStoresTheObjectAndSendsOneS3Event() throws Exception {
        Under u = under();
        String key = "uploads/C-" + UUID.randomUUID() + "/job 1/file-1.png";
        byte[] body = "not really a png, but 34 bytes....".getBytes(StandardCharsets.UTF_8);
        URI url = presignedPut(u, key, "image/png", body.length);

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(url).header("Content-Type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(u.s3().headObject(r -> r.bucket(u.uploadsBucket()).key(key)).contentLength()).isEqualTo(body.length);

        List<Message> events = receiveUntil(u.sqs(), u.jobsQueueUrl(), m -> eventKey(m).equals(key), Duration.ofSeconds(10));
        assertThat(events).as("one event for the upload").hasSize(1);
        JsonNode record = JSON.readTree(events.get(0).body()).get("Records").get(0);
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(record.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(record.at("/s3/bucket/name").asText()).isEqualTo(u.uploadsBucket());
        assertThat(record.at("/s3/object/size").asLong()).isEqualTo(body.length);
        // S3 URL-encodes the key in events: a space arrives as '+'.
        assertThat(record.at("/s3/object/key").asText()).contains("job+1");
        for (Message event : events) {
            u.sqs().deleteMessage(r -> r.queueUrl(u.jobsQueueUrl()).receiptHandle(event.receiptHandle()));
        }
        // And no second event for the same upload shows up later.
        assertThat(receiveUntil(u.sqs(), u.jobsQueueUrl(), m -> eventKey(m).equals(key), Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void s3RefusesATamperedPresignedUrlAndAnUnsignedTypeOrSize() throws Exception {
        Under u = under();
        String key = "uploads/C-" + UUID.randomUUID() + "/job/file.png";
        byte[] body = new byte[64];
        URI url = presignedPut(u, key, "image/png", body.length);

        URI tampered = URI.create(url.toString().replace(key.substring(key.lastIndexOf('/') + 1), "other.png"));
        assertThat(put(tampered, "image/png", body)).isEqualTo(403);
        assertThat(put(url, "text/html", body)).as("another content type").isEqualTo(403);
        assertThat(put(url, "image/png", new byte[65])).as("another size").isEqualTo(403);
        assertThat(u.s3().listObjectsV2(r -> r.bucket(u.uploadsBucket()).prefix(key)).contents()).isEmpty();
    }

    private static URI presignedPut(Under u, String key, String type, long size) throws Exception {
        return u.presigner().presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(15))
                .putObjectRequest(o -> o.bucket(u.uploadsBucket()).key(key).contentType(type).contentLength(size)))
                .url().toURI();
    }

    private static int put(URI url, String type, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException closed) {
            // S3 may close a connection after refusing a request whose body it did not read; a
            // client sends the (idempotent) PUT again on a new connection, as browsers and the SDK do.
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static String eventKey(Message message) {
        try {
            JsonNode key = JSON.readTree(message.body()).at("/Records/0/s3/object/key");
            return key.isMissingNode() ? "" : URLDecoder.decode(key.asText(), StandardCharsets.UTF_8);
        } catch (Exception notAnEvent) {
            return "";
        }
    }

    /** Receives from a queue for a while, keeping the matching messages (others go back at once). */
    private static List<Message> receiveUntil(SqsClient sqs, String queueUrl, java.util.function.Predicate<Message> wanted,
                                              Duration patience) {
        List<Message> found = new ArrayList<>();
        long deadline = System.currentTimeMillis() + patience.toMillis();
        while (System.currentTimeMillis() < deadline) {
            for (Message m : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(30)).messages()) {
                if (wanted.test(m)) {
                    found.add(m);
                } else {
                    sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                }
            }
            if (!found.isEmpty() && patience.toMillis() > 2_000) {
                // Give a duplicate the chance to show before answering.
                patience = Duration.ofMillis(0);
                deadline = System.currentTimeMillis() + 1_500;
            }
        }
        return found;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
