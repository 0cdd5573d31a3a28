package com.image2model.devstack.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An index the template gains after the table holds data (a CloudFormation update's UpdateTable):
 * made from the items already there, kept through a restart, refused as DynamoDB refuses it.
 */
class UpdateTableIndexTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) Conformance.json(text);
    }

    private static void seed(Engine engine) {
        engine.handle("CreateTable", json("{'TableName':'tbl','BillingMode':'PAY_PER_REQUEST',"
                + "'AttributeDefinitions':[{'AttributeName':'PK','AttributeType':'S'},{'AttributeName':'SK','AttributeType':'S'}],"
                + "'KeySchema':[{'AttributeName':'PK','KeyType':'HASH'},{'AttributeName':'SK','KeyType':'RANGE'}]}"));
        engine.handle("PutItem", json("{'TableName':'tbl','Item':{'PK':{'S':'a'},'SK':{'S':'1'},'WaitPK':{'S':'q'},'WaitSK':{'S':'b#2'},'x':{'N':'1'}}}"));
        engine.handle("PutItem", json("{'TableName':'tbl','Item':{'PK':{'S':'a'},'SK':{'S':'2'},'WaitPK':{'S':'q'},'WaitSK':{'S':'a#1'}}}"));
        engine.handle("PutItem", json("{'TableName':'tbl','Item':{'PK':{'S':'a'},'SK':{'S':'3'}}}"));
    }

    private static final String CREATE = "{'TableName':'tbl','AttributeDefinitions':[{'AttributeName':'WaitPK','AttributeType':'S'},"
            + "{'AttributeName':'WaitSK','AttributeType':'S'}],'GlobalSecondaryIndexUpdates':[{'Create':{'IndexName':'Waiting',"
            + "'KeySchema':[{'AttributeName':'WaitPK','KeyType':'HASH'},{'AttributeName':'WaitSK','KeyType':'RANGE'}],"
            + "'Projection':{'ProjectionType':'KEYS_ONLY'}}}]}";

    private static JsonNode waiting(Engine engine) {
        return engine.handle("Query", json("{'TableName':'tbl','IndexName':'Waiting','KeyConditionExpression':'WaitPK = :q',"
                + "'ExpressionAttributeValues':{':q':{'S':'q'}}}")).path("Items");
    }

    @Test
    void aNewIndexHoldsTheItemsAlreadyThereAndLaterOnesAndSurvivesARestart(@TempDir Path dir) {
        Engine engine = new Engine(Clock.systemUTC());
        engine.attach(Journal.file(dir.resolve("dynamodb.journal")));
        seed(engine);
        engine.handle("UpdateTable", json(CREATE));

        JsonNode items = waiting(engine);
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("WaitSK").path("S").asText()).isEqualTo("a#1");
        assertThat(items.get(0).has("x")).as("keys only").isFalse();
        assertThat(items.get(1).has("x")).isFalse();
        engine.handle("PutItem", json("{'TableName':'tbl','Item':{'PK':{'S':'b'},'SK':{'S':'1'},'WaitPK':{'S':'q'},'WaitSK':{'S':'c#3'}}}"));
        assertThat(waiting(engine)).hasSize(3);

        Engine restarted = new Engine(Clock.systemUTC());
        restarted.attach(Journal.file(dir.resolve("dynamodb.journal")));
        assertThat(waiting(restarted)).hasSize(3);
        assertThat(restarted.handle("DescribeTable", json("{'TableName':'tbl'}")).at("/Table/GlobalSecondaryIndexes/0/IndexName").asText())
                .isEqualTo("Waiting");
    }

    @Test
    void anIndexThatExistsTwoAtOnceOrAnUnknownOneIsRefused() {
        Engine engine = new Engine(Clock.systemUTC());
        seed(engine);
        engine.handle("UpdateTable", json(CREATE));
        assertThatThrownBy(() -> engine.handle("UpdateTable", json(CREATE))).isInstanceOf(DynamoException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> engine.handle("UpdateTable", json("{'TableName':'tbl','GlobalSecondaryIndexUpdates':["
                + "{'Delete':{'IndexName':'Waiting'}},{'Delete':{'IndexName':'Other'}}]}"))).hasMessageContaining("Only 1 online index");
        assertThatThrownBy(() -> engine.handle("UpdateTable", json("{'TableName':'tbl','GlobalSecondaryIndexUpdates':["
                + "{'Delete':{'IndexName':'Other'}}]}"))).hasMessageContaining("not found");

        engine.handle("UpdateTable", json("{'TableName':'tbl','GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':'Waiting'}}]}"));
        assertThatThrownBy(() -> waiting(engine)).isInstanceOf(DynamoException.class);
        assertThat(engine.handle("DescribeTable", json("{'TableName':'tbl'}")).at("/Table/AttributeDefinitions")).hasSize(2);
    }
}
