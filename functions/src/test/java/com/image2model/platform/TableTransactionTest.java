package com.image2model.platform;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parts of a transaction, and whose condition refused it. */
class TableTransactionTest {

    /** DynamoDB's answer to a transaction: done, or cancelled with one reason per write. */
    private static DynamoDbClient answering(AtomicReference<TransactWriteItemsRequest> sent, String... reasons) {
        return new DynamoDbClient() {
            @Override
            public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
                sent.set(request);
                if (reasons.length == 0) {
                    return TransactWriteItemsResponse.builder().build();
                }
                throw TransactionCanceledException.builder().message("cancelled")
                        .cancellationReasons(java.util.Arrays.stream(reasons).map(code -> CancellationReason.builder().code(code).build()).toList())
                        .build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
            }
        };
    }

    private static TransactWriteItem write(String sk) {
        return TransactWriteItem.builder().put(p -> p.tableName("t").item(java.util.Map.of("SK",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(sk)))).build();
    }

    private static TableTransaction twoParts() {
        return TableTransaction.empty().add(write("a")).add(write("b")).join(TableTransaction.empty().add(write("c")).add(write("d")));
    }

    @Test
    void partsCommitTogetherInOrder() {
        AtomicReference<TransactWriteItemsRequest> sent = new AtomicReference<>();
        assertThat(twoParts().commit(answering(sent)).committed()).isTrue();
        assertThat(sent.get().transactItems()).extracting(w -> w.put().item().get("SK").s()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aJoinedPartsRefusalNamesThePartAndItsWrite() {
        TableTransaction.Outcome outcome = twoParts().commit(answering(new AtomicReference<>(), "None", "None", "None", "ConditionalCheckFailed"));
        assertThat(outcome.committed()).isFalse();
        assertThat(outcome.refusedPart()).isEqualTo(1);
        assertThat(outcome.refusedWrite()).isEqualTo(1);
    }

    @Test
    void theJoinedPartsRefusalIsToldBeforeTheFirstParts() {
        TableTransaction.Outcome outcome = twoParts().commit(answering(new AtomicReference<>(), "ConditionalCheckFailed", "None",
                "ConditionalCheckFailed", "None"));
        assertThat(outcome.refusedPart()).isEqualTo(1);
        assertThat(outcome.refusedWrite()).isZero();
    }

    @Test
    void theFirstPartsOwnRefusal() {
        TableTransaction.Outcome outcome = twoParts().commit(answering(new AtomicReference<>(), "None", "ConditionalCheckFailed", "None", "None"));
        assertThat(outcome.refusedPart()).isZero();
        assertThat(outcome.refusedWrite()).isEqualTo(1);
        assertThat(outcome.conflict()).isFalse();
    }

    @Test
    void aConflictIsNoRefusal() {
        TableTransaction.Outcome outcome = twoParts().commit(answering(new AtomicReference<>(), "None", "TransactionConflict", "None", "None"));
        assertThat(outcome.conflict()).isTrue();
        assertThat(outcome.refusedPart()).isEqualTo(-1);
    }

    @Test
    void anyOtherCancellationIsThrown() {
        assertThatThrownBy(() -> twoParts().commit(answering(new AtomicReference<>(), "None", "ValidationError", "None", "None")))
                .isInstanceOf(TransactionCanceledException.class);
    }

    @Test
    void joiningNothingAddsNoPart() {
        TableTransaction one = TableTransaction.empty().add(write("a")).join(TableTransaction.empty());
        TableTransaction.Outcome outcome = one.commit(answering(new AtomicReference<>(), "ConditionalCheckFailed"));
        assertThat(outcome.refusedPart()).isZero();
        assertThat(one.size()).isEqualTo(1);
        assertThat(TableTransaction.empty().isEmpty()).isTrue();
        assertThat(one.writes()).hasSize(1);
        assertThatThrownBy(() -> one.writes().add(write("x"))).isInstanceOf(UnsupportedOperationException.class);
    }
}
