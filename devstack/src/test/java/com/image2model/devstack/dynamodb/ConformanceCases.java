package com.image2model.devstack.dynamodb;

import static com.image2model.devstack.dynamodb.Conformance.c;
import static com.image2model.devstack.dynamodb.Conformance.call;
import static com.image2model.devstack.dynamodb.Conformance.fails;

import java.util.ArrayList;
import java.util.List;

import com.image2model.devstack.dynamodb.Conformance.Case;
import com.image2model.devstack.dynamodb.Conformance.Step;

/**
 * The cases, each citing the section of the Amazon DynamoDB API Reference (API_*) or Developer
 * Guide (Expressions.*, ServiceQuotas, ...) whose documented behaviour it checks.
 */
final class ConformanceCases {

    private ConformanceCases() {
    }

    // ------------------------------------------------------------------ tables the cases start from

    /** $s: partition key pk (S). */
    static final Step SIMPLE = call("CreateTable", "{'TableName':'$s','BillingMode':'PAY_PER_REQUEST',"
            + "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}",
            "{'TableDescription':{'TableName':'$s','TableStatus':'ACTIVE'}}");
    /** $r: pk (S) and sort key sk (N). */
    static final Step SORTED = call("CreateTable", "{'TableName':'$r','BillingMode':'PAY_PER_REQUEST',"
            + "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},{'AttributeName':'sk','AttributeType':'N'}],"
            + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},{'AttributeName':'sk','KeyType':'RANGE'}]}", null);
    /** $i: pk, sk (S), and three global secondary indexes on gpk (S) / gsk (N): ALL, KEYS_ONLY, INCLUDE extra. */
    static final Step INDEXED = call("CreateTable", "{'TableName':'$i','BillingMode':'PAY_PER_REQUEST',"
            + "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},{'AttributeName':'sk','AttributeType':'S'},"
            + "{'AttributeName':'gpk','AttributeType':'S'},{'AttributeName':'gsk','AttributeType':'N'}],"
            + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},{'AttributeName':'sk','KeyType':'RANGE'}],"
            + "'GlobalSecondaryIndexes':["
            + "{'IndexName':'byG','KeySchema':[{'AttributeName':'gpk','KeyType':'HASH'},{'AttributeName':'gsk','KeyType':'RANGE'}],'Projection':{'ProjectionType':'ALL'}},"
            + "{'IndexName':'keysOnly','KeySchema':[{'AttributeName':'gpk','KeyType':'HASH'}],'Projection':{'ProjectionType':'KEYS_ONLY'}},"
            + "{'IndexName':'incl','KeySchema':[{'AttributeName':'gpk','KeyType':'HASH'},{'AttributeName':'gsk','KeyType':'RANGE'}],"
            + "'Projection':{'ProjectionType':'INCLUDE','NonKeyAttributes':['extra']}}]}", null);

    static Step put(String table, String item) {
        return call("PutItem", "{'TableName':'" + table + "','Item':" + item + "}", "{}");
    }

    static Step get(String table, String key, String expected) {
        return call("GetItem", "{'TableName':'" + table + "','Key':" + key + ",'ConsistentRead':true}", expected);
    }

    static Step update(String table, String key, String rest, String expected) {
        return call("UpdateItem", "{'TableName':'" + table + "','Key':" + key + "," + rest + "}", expected);
    }

    static Step updateFails(String table, String key, String rest, String type, String text) {
        return fails("UpdateItem", "{'TableName':'" + table + "','Key':" + key + "," + rest + "}", type, text);
    }

    static Step query(String rest, String expected) {
        return call("Query", "{" + rest + "}", expected);
    }

    /** A condition on item {pk:a, n:5, s:'hello', l:[1,'x'], m:{k:'v'}, ss:['a','b'], ns:[1,2], b:true, z:null}. */
    static Case condition(String name, String expression, String values, boolean holds) {
        String item = "{'pk':{'S':'a'},'n':{'N':'5'},'s':{'S':'hello'},'l':{'L':[{'N':'1'},{'S':'x'}]},'m':{'M':{'k':{'S':'v'}}},"
                + "'ss':{'SS':['a','b']},'ns':{'NS':['1','2']},'bo':{'BOOL':true},'z':{'NULL':true},'bin':{'B':'AAEC'}}";
        String request = "{'TableName':'$s','Key':{'pk':{'S':'a'}},'UpdateExpression':'SET touched = :one','ConditionExpression':'"
                + expression + "','ExpressionAttributeValues':{':one':{'N':'1'}" + (values.isEmpty() ? "" : "," + values) + "}}";
        return c("ConditionExpression " + (holds ? "holds" : "fails") + ": " + name, "Expressions.OperatorsAndFunctions", SIMPLE, put("$s", item),
                holds ? call("UpdateItem", request, "{}") : fails("UpdateItem", request, "ConditionalCheckFailedException", "conditional request failed"));
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        String k = "{'pk':{'S':'a'}}";

        // ---------------------------------------------------------------- CreateTable, DescribeTable, ListTables, DeleteTable
        cases.add(c("CreateTable answers the table ACTIVE with its key schema", "API_CreateTable", SIMPLE,
                call("DescribeTable", "{'TableName':'$s'}", "{'Table':{'TableName':'$s','TableStatus':'ACTIVE','KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}],'ItemCount':0}}")));
        cases.add(c("CreateTable of an existing table is ResourceInUseException", "API_CreateTable", SIMPLE,
                fails("CreateTable", "{'TableName':'$s','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],"
                        + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}", "ResourceInUseException", "")));
        cases.add(c("CreateTable with a key attribute not defined is a ValidationException", "API_CreateTable",
                fails("CreateTable", "{'TableName':'$x','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],"
                        + "'KeySchema':[{'AttributeName':'other','KeyType':'HASH'}]}", "ValidationException", "")));
        cases.add(c("CreateTable with an attribute definition no key uses is a ValidationException", "API_CreateTable",
                fails("CreateTable", "{'TableName':'$x','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},"
                        + "{'AttributeName':'extra','AttributeType':'S'}],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}", "ValidationException", "")));
        cases.add(c("CreateTable with a key type other than S, N or B is a ValidationException", "API_AttributeDefinition",
                fails("CreateTable", "{'TableName':'$x','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'BOOL'}],"
                        + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}", "ValidationException", "")));
        cases.add(c("CreateTable with a too short name is a ValidationException", "API_CreateTable",
                fails("CreateTable", "{'TableName':'ab','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],"
                        + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}", "ValidationException", "")));
        cases.add(c("DescribeTable lists the global secondary indexes", "API_DescribeTable", INDEXED,
                call("DescribeTable", "{'TableName':'$i'}", null)));
        cases.add(c("DescribeTable of a missing table is ResourceNotFoundException", "API_DescribeTable",
                fails("DescribeTable", "{'TableName':'$missing'}", "ResourceNotFoundException", "")));
        cases.add(c("DescribeTable counts the items", "API_TableDescription", SIMPLE, put("$s", k), put("$s", "{'pk':{'S':'b'}}"),
                call("DescribeTable", "{'TableName':'$s'}", "{'Table':{'ItemCount':2}}")));
        cases.add(c("ListTables names the table", "API_ListTables", SIMPLE, call("ListTables", "{}", null)));
        cases.add(c("DeleteTable removes the table", "API_DeleteTable", SIMPLE, call("DeleteTable", "{'TableName':'$s'}", "{'TableDescription':{'TableName':'$s'}}"),
                fails("DescribeTable", "{'TableName':'$s'}", "ResourceNotFoundException", "")));
        cases.add(c("DeleteTable of a missing table is ResourceNotFoundException", "API_DeleteTable",
                fails("DeleteTable", "{'TableName':'$missing'}", "ResourceNotFoundException", "")));
        cases.add(c("Any operation on a missing table is ResourceNotFoundException", "API_GetItem",
                fails("GetItem", "{'TableName':'$missing','Key':{'pk':{'S':'a'}}}", "ResourceNotFoundException", "")));

        // ---------------------------------------------------------------- Time to live
        cases.add(c("DescribeTimeToLive is DISABLED on a new table", "API_DescribeTimeToLive", SIMPLE,
                call("DescribeTimeToLive", "{'TableName':'$s'}", "{'TimeToLiveDescription':{'TimeToLiveStatus':'DISABLED'}}")));
        cases.add(c("UpdateTimeToLive enables expiry on an attribute", "API_UpdateTimeToLive", SIMPLE,
                call("UpdateTimeToLive", "{'TableName':'$s','TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}",
                        "{'TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}"),
                call("DescribeTimeToLive", "{'TableName':'$s'}", "{'TimeToLiveDescription':{'AttributeName':'ttl'}}")));
        cases.add(c("UpdateTimeToLive enabling it twice is a ValidationException", "API_UpdateTimeToLive", SIMPLE,
                call("UpdateTimeToLive", "{'TableName':'$s','TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}", null),
                fails("UpdateTimeToLive", "{'TableName':'$s','TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}", "ValidationException", "")));
        cases.add(c("UpdateTimeToLive on a missing table is ResourceNotFoundException", "API_UpdateTimeToLive",
                fails("UpdateTimeToLive", "{'TableName':'$missing','TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}", "ResourceNotFoundException", "")));

        // ---------------------------------------------------------------- PutItem and GetItem, types
        cases.add(c("PutItem then GetItem returns the item", "API_GetItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'1'}}"),
                get("$s", k, "{'Item':{'pk':{'S':'a'},'n':{'N':'1'}}}")));
        cases.add(c("GetItem of a missing item answers no Item", "API_GetItem", SIMPLE, get("$s", k, "{'Item':'<absent>'}")));
        cases.add(c("GetItem with ProjectionExpression returns only those attributes", "Expressions.ProjectionExpressions", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                call("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'x'}", "{'Item':{'x':{'N':'1'},'pk':'<absent>','y':'<absent>'}}")));
        cases.add(c("ProjectionExpression with nested paths and list indexes", "Expressions.ProjectionExpressions", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'m':{'M':{'a':{'N':'1'},'b':{'N':'2'}}},'l':{'L':[{'S':'x'},{'S':'y'},{'S':'z'}]}}"),
                call("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'m.b, l[2], l[0]'}",
                        "{'Item':{'m':{'M':{'b':{'N':'2'}}},'l':{'L':[{'S':'x'},{'S':'z'}]}}}")));
        cases.add(c("ProjectionExpression with #names", "Expressions.ExpressionAttributeNames", SIMPLE, put("$s", "{'pk':{'S':'a'},'status':{'S':'ok'}}"),
                call("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'#st','ExpressionAttributeNames':{'#st':'status'}}",
                        "{'Item':{'status':{'S':'ok'}}}")));
        cases.add(c("A reserved word as a bare attribute name is a ValidationException", "ReservedWords", SIMPLE, put("$s", k),
                fails("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'status'}", "ValidationException", "reserved keyword")));
        cases.add(c("GetItem with a key of the wrong type is a ValidationException", "API_GetItem", SIMPLE,
                fails("GetItem", "{'TableName':'$s','Key':{'pk':{'N':'1'}}}", "ValidationException", "")));
        cases.add(c("GetItem with a key missing its attribute is a ValidationException", "API_GetItem", SORTED,
                fails("GetItem", "{'TableName':'$r','Key':{'pk':{'S':'a'}}}", "ValidationException", "")));
        cases.add(c("GetItem with extra key attributes is a ValidationException", "API_GetItem", SIMPLE,
                fails("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'},'x':{'S':'b'}}}", "ValidationException", "")));
        cases.add(c("Every attribute type round-trips", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'s':{'S':'text'},'n':{'N':'-12.5'},'b':{'B':'AQID'},'t':{'BOOL':false},'z':{'NULL':true},"
                        + "'m':{'M':{'in':{'L':[{'N':'1'},{'M':{}}]}}},'l':{'L':[]},'ss':{'SS':['x','y']},'ns':{'NS':['1','2.5']},'bs':{'BS':['AQ==']}}"),
                get("$s", k, "{'Item':{'s':{'S':'text'},'n':{'N':'-12.5'},'b':{'B':'AQID'},'t':{'BOOL':false},'z':{'NULL':true},"
                        + "'m':{'M':{'in':{'L':[{'N':'1'},{'M':{}}]}}},'l':{'L':[]}}}")));
        cases.add(c("A partition key over 2,048 bytes (UTF-8) is a ValidationException; 2,048 is kept", "ServiceQuotas", SIMPLE,
                put("$s", "{'pk':{'S':'" + "\u00e9".repeat(1024) + "'}}"),
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'" + "\u00e9".repeat(1024) + "x'}}}", "ValidationException", "2048 bytes")));
        cases.add(c("A sort key over 1,024 bytes is a ValidationException", "ServiceQuotas",
                call("CreateTable", "{'TableName':'$t','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},"
                        + "{'AttributeName':'sk','AttributeType':'S'}],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},"
                        + "{'AttributeName':'sk','KeyType':'RANGE'}]}", null),
                put("$t", "{'pk':{'S':'a'},'sk':{'S':'" + "s".repeat(1024) + "'}}"),
                fails("PutItem", "{'TableName':'$t','Item':{'pk':{'S':'a'},'sk':{'S':'" + "s".repeat(1025) + "'}}}", "ValidationException", "1024 bytes")));
        cases.add(c("Documents nest at most 32 levels", "ServiceQuotas", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'m':" + "{'M':{'x':".repeat(31) + "{'S':'deep'}" + "}}".repeat(31) + "}"),
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'m':" + "{'L':[".repeat(33) + "{'S':'deep'}" + "]}".repeat(33) + "}}",
                        "ValidationException", "Nesting")));
        cases.add(c("A number with spaces around it is not a number", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'n':{'N':' 5'}}}", "ValidationException", "numeric"),
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'n':{'N':'5 '}}}", "ValidationException", "numeric")));
        cases.add(c("A number set holding one number twice (1 and 1.0) is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'ns':{'NS':['1','1.0']}}}", "ValidationException", "duplicates")));
        cases.add(c("Numbers keep 38 significant digits", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'n':{'N':'12345678901234567890123456789012345678'}}"),
                get("$s", k, "{'Item':{'n':{'N':'12345678901234567890123456789012345678'}}}")));
        cases.add(c("A number of 39 significant digits is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'n':{'N':'123456789012345678901234567890123456789'}}}", "ValidationException", "significant digits")));
        cases.add(c("A number beyond 1E126 is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'n':{'N':'1E126'}}}", "ValidationException", "")));
        cases.add(c("A number that is not a number is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'n':{'N':'12abc'}}}", "ValidationException", "")));
        cases.add(c("Numbers lose leading and trailing zeros", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'n':{'N':'007.500'}}"), get("$s", k, "{'Item':{'n':{'N':'7.5'}}}")));
        cases.add(c("An empty set is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'ss':{'SS':[]}}}", "ValidationException", "")));
        cases.add(c("A set with duplicates is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'ss':{'SS':['x','x']}}}", "ValidationException", "duplicates")));
        cases.add(c("An empty string in a key is a ValidationException", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':''}}}", "ValidationException", "empty")));
        cases.add(c("An empty string outside the key is stored", "HowItWorks.NamingRulesDataTypes", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'e':{'S':''}}"), get("$s", k, "{'Item':{'e':{'S':''}}}")));
        cases.add(c("PutItem without the key attribute is a ValidationException", "API_PutItem", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'other':{'S':'a'}}}", "ValidationException", "")));
        cases.add(c("PutItem with a key of the wrong type is a ValidationException", "API_PutItem", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'N':'1'}}}", "ValidationException", "")));
        cases.add(c("PutItem replaces the whole item", "API_PutItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                put("$s", "{'pk':{'S':'a'},'y':{'N':'2'}}"), get("$s", k, "{'Item':{'y':{'N':'2'},'x':'<absent>'}}")));
        cases.add(c("PutItem with ReturnValues ALL_OLD answers the replaced item", "API_PutItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                call("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'}},'ReturnValues':'ALL_OLD'}", "{'Attributes':{'x':{'N':'1'}}}")));
        cases.add(c("PutItem with ReturnValues ALL_NEW is a ValidationException", "API_PutItem", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'}},'ReturnValues':'ALL_NEW'}", "ValidationException", "")));
        cases.add(c("PutItem with attribute_not_exists refuses to overwrite", "API_PutItem", SIMPLE, put("$s", k),
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'}},'ConditionExpression':'attribute_not_exists(pk)'}", "ConditionalCheckFailedException", "")));
        cases.add(c("PutItem with attribute_not_exists creates a new item", "API_PutItem", SIMPLE,
                call("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'}},'ConditionExpression':'attribute_not_exists(pk)'}", "{}"), get("$s", k, "{'Item':{'pk':{'S':'a'}}}")));
        cases.add(c("A failed condition returns the item with ReturnValuesOnConditionCheckFailure ALL_OLD", "API_PutItem", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'v':{'N':'3'}}"),
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'}},'ConditionExpression':'attribute_not_exists(pk)','ReturnValuesOnConditionCheckFailure':'ALL_OLD'}",
                        "ConditionalCheckFailedException", "")));
        cases.add(c("An item over 400 KB is a ValidationException", "ServiceQuotas.Items", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'big':{'S':'" + "x".repeat(410 * 1024) + "'}}}", "ValidationException", "size")));
        cases.add(c("An item just under 400 KB is stored", "ServiceQuotas.Items", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'big':{'S':'" + "x".repeat(399 * 1024) + "'}}"), call("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'pk'}", "{'Item':{'pk':{'S':'a'}}}")));
        cases.add(c("A value with two types is a ValidationException", "API_AttributeValue", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'x':{'S':'a','N':'1'}}}", "ValidationException", "")));
        cases.add(c("NULL must be true", "API_AttributeValue", SIMPLE,
                fails("PutItem", "{'TableName':'$s','Item':{'pk':{'S':'a'},'x':{'NULL':false}}}", "ValidationException", "")));

        // ---------------------------------------------------------------- UpdateItem
        cases.add(c("UpdateItem creates the item when it is missing", "API_UpdateItem", SIMPLE,
                update("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "{}"),
                get("$s", k, "{'Item':{'pk':{'S':'a'},'x':{'N':'1'}}}")));
        cases.add(c("SET with + adds numbers", "Expressions.UpdateExpressions.SET.IncrementAndDecrement", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'10'}}"),
                update("$s", k, "'UpdateExpression':'SET n = n + :d','ExpressionAttributeValues':{':d':{'N':'5'}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'n':{'N':'15'}}}")));
        cases.add(c("SET with - subtracts numbers", "Expressions.UpdateExpressions.SET.IncrementAndDecrement", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'10'}}"),
                update("$s", k, "'UpdateExpression':'SET n = n - :d','ExpressionAttributeValues':{':d':{'N':'0.5'}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'n':{'N':'9.5'}}}")));
        cases.add(c("Arithmetic keeps 38 digits exactly", "HowItWorks.NamingRulesDataTypes", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'0.1'}}"),
                update("$s", k, "'UpdateExpression':'SET n = n + :d','ExpressionAttributeValues':{':d':{'N':'0.2'}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'n':{'N':'0.3'}}}")));
        cases.add(c("SET arithmetic on a missing attribute is a ValidationException", "Expressions.UpdateExpressions.SET", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET n = n + :d','ExpressionAttributeValues':{':d':{'N':'1'}}", "ValidationException", "does not exist")));
        cases.add(c("SET arithmetic on a string is a ValidationException", "Expressions.UpdateExpressions.SET", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'S':'x'}}"),
                updateFails("$s", k, "'UpdateExpression':'SET n = n + :d','ExpressionAttributeValues':{':d':{'N':'1'}}", "ValidationException", "incorrect data type")));
        cases.add(c("if_not_exists keeps an existing value", "Expressions.UpdateExpressions.SET.PreventingAttributeOverwrites", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                update("$s", k, "'UpdateExpression':'SET x = if_not_exists(x, :v)','ExpressionAttributeValues':{':v':{'N':'9'}},'ReturnValues':'ALL_NEW'", "{'Attributes':{'x':{'N':'1'}}}")));
        cases.add(c("if_not_exists sets a missing value", "Expressions.UpdateExpressions.SET.PreventingAttributeOverwrites", SIMPLE, put("$s", k),
                update("$s", k, "'UpdateExpression':'SET x = if_not_exists(x, :v)','ExpressionAttributeValues':{':v':{'N':'9'}},'ReturnValues':'ALL_NEW'", "{'Attributes':{'x':{'N':'9'}}}")));
        cases.add(c("if_not_exists + a number counts from zero", "Expressions.UpdateExpressions.SET", SIMPLE, put("$s", k),
                update("$s", k, "'UpdateExpression':'SET c = if_not_exists(c, :zero) + :one','ExpressionAttributeValues':{':zero':{'N':'0'},':one':{'N':'1'}},'ReturnValues':'UPDATED_NEW'",
                        "{'Attributes':{'c':{'N':'1'}}}")));
        cases.add(c("list_append appends to a list", "Expressions.UpdateExpressions.SET.UpdatingListElements", SIMPLE, put("$s", "{'pk':{'S':'a'},'l':{'L':[{'N':'1'}]}}"),
                update("$s", k, "'UpdateExpression':'SET l = list_append(l, :more)','ExpressionAttributeValues':{':more':{'L':[{'N':'2'}]}},'ReturnValues':'UPDATED_NEW'",
                        "{'Attributes':{'l':{'L':[{'N':'1'},{'N':'2'}]}}}")));
        cases.add(c("list_append prepends when the list comes second", "Expressions.UpdateExpressions.SET.UpdatingListElements", SIMPLE, put("$s", "{'pk':{'S':'a'},'l':{'L':[{'N':'1'}]}}"),
                update("$s", k, "'UpdateExpression':'SET l = list_append(:first, l)','ExpressionAttributeValues':{':first':{'L':[{'N':'0'}]}},'ReturnValues':'UPDATED_NEW'",
                        "{'Attributes':{'l':{'L':[{'N':'0'},{'N':'1'}]}}}")));
        cases.add(c("SET of a nested map attribute", "Expressions.UpdateExpressions.SET.AddingNestedMapAttributes", SIMPLE, put("$s", "{'pk':{'S':'a'},'m':{'M':{}}}"),
                update("$s", k, "'UpdateExpression':'SET m.deep = :v','ExpressionAttributeValues':{':v':{'S':'x'}}", "{}"),
                get("$s", k, "{'Item':{'m':{'M':{'deep':{'S':'x'}}}}}")));
        cases.add(c("SET under a missing map is a ValidationException", "Expressions.UpdateExpressions.SET", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET m.deep = :v','ExpressionAttributeValues':{':v':{'S':'x'}}", "ValidationException", "document path")));
        cases.add(c("SET of a list element by index", "Expressions.UpdateExpressions.SET.UpdatingListElements", SIMPLE, put("$s", "{'pk':{'S':'a'},'l':{'L':[{'N':'1'},{'N':'2'}]}}"),
                update("$s", k, "'UpdateExpression':'SET l[1] = :v','ExpressionAttributeValues':{':v':{'N':'20'}}", "{}"),
                get("$s", k, "{'Item':{'l':{'L':[{'N':'1'},{'N':'20'}]}}}")));
        cases.add(c("SET past the end of a list appends", "Expressions.UpdateExpressions.SET.UpdatingListElements", SIMPLE, put("$s", "{'pk':{'S':'a'},'l':{'L':[{'N':'1'}]}}"),
                update("$s", k, "'UpdateExpression':'SET l[10] = :v','ExpressionAttributeValues':{':v':{'N':'2'}}", "{}"),
                get("$s", k, "{'Item':{'l':{'L':[{'N':'1'},{'N':'2'}]}}}")));
        cases.add(c("SET reads every operand before writing (a swap)", "Expressions.UpdateExpressions", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                update("$s", k, "'UpdateExpression':'SET x = y, y = x'", "{}"), get("$s", k, "{'Item':{'x':{'N':'2'},'y':{'N':'1'}}}")));
        cases.add(c("REMOVE deletes attributes", "Expressions.UpdateExpressions.REMOVE", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                update("$s", k, "'UpdateExpression':'REMOVE x, y'", "{}"), get("$s", k, "{'Item':{'x':'<absent>','y':'<absent>'}}")));
        cases.add(c("REMOVE of list elements shifts the rest", "Expressions.UpdateExpressions.REMOVE.RemovingListElements", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'l':{'L':[{'S':'a'},{'S':'b'},{'S':'c'},{'S':'d'}]}}"),
                update("$s", k, "'UpdateExpression':'REMOVE l[1], l[2]'", "{}"), get("$s", k, "{'Item':{'l':{'L':[{'S':'a'},{'S':'d'}]}}}")));
        cases.add(c("REMOVE of a nested map key", "Expressions.UpdateExpressions.REMOVE", SIMPLE, put("$s", "{'pk':{'S':'a'},'m':{'M':{'a':{'N':'1'},'b':{'N':'2'}}}}"),
                update("$s", k, "'UpdateExpression':'REMOVE m.a'", "{}"), get("$s", k, "{'Item':{'m':{'M':{'b':{'N':'2'}}}}}")));
        cases.add(c("ADD to a number", "Expressions.UpdateExpressions.ADD", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'1'}}"),
                update("$s", k, "'UpdateExpression':'ADD n :d','ExpressionAttributeValues':{':d':{'N':'-3'}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'n':{'N':'-2'}}}")));
        cases.add(c("ADD to a missing number starts from zero", "Expressions.UpdateExpressions.ADD", SIMPLE, put("$s", k),
                update("$s", k, "'UpdateExpression':'ADD n :d','ExpressionAttributeValues':{':d':{'N':'4'}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'n':{'N':'4'}}}")));
        cases.add(c("ADD to a set is a union", "Expressions.UpdateExpressions.ADD", SIMPLE, put("$s", "{'pk':{'S':'a'},'ss':{'SS':['a']}}"),
                update("$s", k, "'UpdateExpression':'ADD ss :v','ExpressionAttributeValues':{':v':{'SS':['a','b']}},'ReturnValues':'UPDATED_NEW'", "{'Attributes':{'ss':{'SS':['a','b']}}}")));
        cases.add(c("ADD of a string is a ValidationException", "Expressions.UpdateExpressions.ADD", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'ADD x :v','ExpressionAttributeValues':{':v':{'S':'a'}}", "ValidationException", "")));
        cases.add(c("ADD of a number to a set is a ValidationException", "Expressions.UpdateExpressions.ADD", SIMPLE, put("$s", "{'pk':{'S':'a'},'ss':{'SS':['a']}}"),
                updateFails("$s", k, "'UpdateExpression':'ADD ss :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "")));
        cases.add(c("DELETE removes elements of a set", "Expressions.UpdateExpressions.DELETE", SIMPLE, put("$s", "{'pk':{'S':'a'},'ns':{'NS':['1','2','3']}}"),
                update("$s", k, "'UpdateExpression':'DELETE ns :v','ExpressionAttributeValues':{':v':{'NS':['2']}}", "{}"),
                get("$s", k, "{'Item':{'ns':{'NS':['1','3']}}}")));
        cases.add(c("DELETE of the last elements removes the attribute", "Expressions.UpdateExpressions.DELETE", SIMPLE, put("$s", "{'pk':{'S':'a'},'ss':{'SS':['a']}}"),
                update("$s", k, "'UpdateExpression':'DELETE ss :v','ExpressionAttributeValues':{':v':{'SS':['a']}}", "{}"), get("$s", k, "{'Item':{'ss':'<absent>'}}")));
        cases.add(c("DELETE with a value that is not a set is a ValidationException", "Expressions.UpdateExpressions.DELETE", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'DELETE ss :v','ExpressionAttributeValues':{':v':{'S':'a'}}", "ValidationException", "")));
        cases.add(c("SET, REMOVE and ADD in one expression", "Expressions.UpdateExpressions", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                update("$s", k, "'UpdateExpression':'SET z = :z REMOVE x ADD y :d','ExpressionAttributeValues':{':z':{'S':'new'},':d':{'N':'1'}}", "{}"),
                get("$s", k, "{'Item':{'z':{'S':'new'},'y':{'N':'3'},'x':'<absent>'}}")));
        cases.add(c("A clause used twice is a ValidationException", "Expressions.UpdateExpressions", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = :v SET y = :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "only be used once")));
        cases.add(c("Overlapping paths are a ValidationException", "Expressions.UpdateExpressions", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET m = :v, m.x = :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "overlap")));
        cases.add(c("Updating a key attribute is a ValidationException", "API_UpdateItem", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET pk = :v','ExpressionAttributeValues':{':v':{'S':'b'}}", "ValidationException", "part of the key")));
        cases.add(c("A syntax error in UpdateExpression is a ValidationException", "Expressions.UpdateExpressions", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "syntax error")));
        cases.add(c("A condition function in an update is a ValidationException", "Expressions.UpdateExpressions", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = size(y)'", "ValidationException", "")));
        cases.add(c("ReturnValues ALL_OLD answers the item before", "API_UpdateItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                update("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'2'}},'ReturnValues':'ALL_OLD'", "{'Attributes':{'pk':{'S':'a'},'x':{'N':'1'}}}")));
        cases.add(c("ReturnValues UPDATED_OLD answers only the updated attributes before", "API_UpdateItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'5'}}"),
                update("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'2'}},'ReturnValues':'UPDATED_OLD'", "{'Attributes':{'x':{'N':'1'},'y':'<absent>'}}")));
        cases.add(c("ReturnValues ALL_NEW answers the item after", "API_UpdateItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'y':{'N':'5'}}"),
                update("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'2'}},'ReturnValues':'ALL_NEW'", "{'Attributes':{'pk':{'S':'a'},'x':{'N':'2'},'y':{'N':'5'}}}")));
        cases.add(c("An invalid ReturnValues is a ValidationException", "API_UpdateItem", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'2'}},'ReturnValues':'SOME'", "ValidationException", "")));
        cases.add(c("UpdateItem with a failing condition changes nothing", "API_UpdateItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'v':{'N':'1'}}"),
                updateFails("$s", k, "'UpdateExpression':'SET v = :two','ConditionExpression':'v = :two','ExpressionAttributeValues':{':two':{'N':'2'}}", "ConditionalCheckFailedException", ""),
                get("$s", k, "{'Item':{'v':{'N':'1'}}}")));
        cases.add(c("A versioned update succeeds from the expected version", "Expressions.ConditionExpressions.SimpleConditions", SIMPLE, put("$s", "{'pk':{'S':'a'},'version':{'N':'1'}}"),
                update("$s", k, "'UpdateExpression':'SET #v = :next','ConditionExpression':'#v = :current','ExpressionAttributeNames':{'#v':'version'},"
                        + "'ExpressionAttributeValues':{':current':{'N':'1'},':next':{'N':'2'}}", "{}"),
                get("$s", k, "{'Item':{'version':{'N':'2'}}}")));

        // ---------------------------------------------------------------- names and values
        cases.add(c("An unused expression attribute value is a ValidationException", "Expressions.ExpressionAttributeValues", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeValues':{':v':{'N':'1'},':unused':{'N':'2'}}", "ValidationException", "unused")));
        cases.add(c("An unused expression attribute name is a ValidationException", "Expressions.ExpressionAttributeNames", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ExpressionAttributeNames':{'#n':'n'},'ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "unused")));
        cases.add(c("An undefined expression attribute value is a ValidationException", "Expressions.ExpressionAttributeValues", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET x = :missing'", "ValidationException", "not defined")));
        cases.add(c("An undefined expression attribute name is a ValidationException", "Expressions.ExpressionAttributeNames", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':'SET #missing = :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "not defined")));
        cases.add(c("A #name may stand for a name with dots", "Expressions.ExpressionAttributeNames", SIMPLE, put("$s", "{'pk':{'S':'a'},'a.b':{'N':'1'}}"),
                call("GetItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'#ab','ExpressionAttributeNames':{'#ab':'a.b'}}", "{'Item':{'a.b':{'N':'1'}}}")));
        cases.add(c("An empty expression is a ValidationException", "Expressions", SIMPLE,
                updateFails("$s", k, "'UpdateExpression':''", "ValidationException", "")));

        // ---------------------------------------------------------------- condition expressions
        cases.add(condition("= on numbers", "n = :v", "':v':{'N':'5'}", true));
        cases.add(condition("= across types is false", "n = :v", "':v':{'S':'5'}", false));
        cases.add(condition("<> on a different value", "n <> :v", "':v':{'N':'6'}", true));
        cases.add(condition("< on numbers", "n < :v", "':v':{'N':'10'}", true));
        cases.add(condition("<= on an equal number", "n <= :v", "':v':{'N':'5'}", true));
        cases.add(condition("> on numbers, false", "n > :v", "':v':{'N':'5'}", false));
        cases.add(condition(">= on strings by bytes", "s >= :v", "':v':{'S':'hell'}", true));
        cases.add(condition("< across types is false", "n < :v", "':v':{'S':'z'}", false));
        cases.add(condition("BETWEEN inclusive", "n BETWEEN :lo AND :hi", "':lo':{'N':'5'},':hi':{'N':'9'}", true));
        cases.add(condition("BETWEEN outside", "n BETWEEN :lo AND :hi", "':lo':{'N':'6'},':hi':{'N':'9'}", false));
        cases.add(condition("IN a list", "n IN (:a, :b, :c)", "':a':{'N':'1'},':b':{'N':'5'},':c':{'N':'9'}", true));
        cases.add(condition("IN without it", "n IN (:a, :b)", "':a':{'N':'1'},':b':{'N':'2'}", false));
        cases.add(condition("AND both true", "n = :five AND s = :hello", "':five':{'N':'5'},':hello':{'S':'hello'}", true));
        cases.add(condition("OR one true", "n = :six OR s = :hello", "':six':{'N':'6'},':hello':{'S':'hello'}", true));
        cases.add(condition("NOT", "NOT n = :six", "':six':{'N':'6'}", true));
        cases.add(condition("AND binds tighter than OR", "n = :six AND s = :no OR bo = :t", "':six':{'N':'6'},':no':{'S':'no'},':t':{'BOOL':true}", true));
        cases.add(condition("parentheses change the grouping", "n = :six AND (s = :no OR bo = :t)", "':six':{'N':'6'},':no':{'S':'no'},':t':{'BOOL':true}", false));
        cases.add(condition("attribute_exists", "attribute_exists(s)", "", true));
        cases.add(condition("attribute_exists of a missing attribute", "attribute_exists(nothing)", "", false));
        cases.add(condition("attribute_not_exists", "attribute_not_exists(nothing)", "", true));
        cases.add(condition("attribute_exists of a nested path", "attribute_exists(m.k)", "", true));
        cases.add(condition("attribute_exists of a list element", "attribute_exists(l[1])", "", true));
        cases.add(condition("attribute_exists of a missing list element", "attribute_exists(l[5])", "", false));
        cases.add(condition("attribute_type S", "attribute_type(s, :t)", "':t':{'S':'S'}", true));
        cases.add(condition("attribute_type NULL", "attribute_type(z, :t)", "':t':{'S':'NULL'}", true));
        cases.add(condition("attribute_type wrong", "attribute_type(n, :t)", "':t':{'S':'S'}", false));
        cases.add(condition("begins_with", "begins_with(s, :p)", "':p':{'S':'he'}", true));
        cases.add(condition("begins_with not", "begins_with(s, :p)", "':p':{'S':'lo'}", false));
        cases.add(condition("begins_with on binary", "begins_with(bin, :p)", "':p':{'B':'AAE='}", true));
        cases.add(condition("contains a substring", "contains(s, :p)", "':p':{'S':'ell'}", true));
        cases.add(condition("contains a set element", "contains(ss, :p)", "':p':{'S':'b'}", true));
        cases.add(condition("contains a number set element", "contains(ns, :p)", "':p':{'N':'2'}", true));
        cases.add(condition("contains a list element", "contains(l, :p)", "':p':{'S':'x'}", true));
        cases.add(condition("contains not", "contains(ss, :p)", "':p':{'S':'z'}", false));
        cases.add(condition("size of a string", "size(s) = :five", "':five':{'N':'5'}", true));
        cases.add(condition("size of a list", "size(l) = :two", "':two':{'N':'2'}", true));
        cases.add(condition("size of a map", "size(m) = :one", "':one':{'N':'1'}", true));
        cases.add(condition("size of a set", "size(ss) > :one", "':one':{'N':'1'}", true));
        cases.add(condition("nested map value compared", "m.k = :v", "':v':{'S':'v'}", true));
        cases.add(condition("list element compared", "l[0] = :one", "':one':{'N':'1'}", true));
        cases.add(condition("boolean compared", "bo = :t", "':t':{'BOOL':true}", true));
        cases.add(condition("a missing attribute compared is false", "nothing = :v", "':v':{'N':'1'}", false));
        cases.add(condition("a whole map compared", "m = :m", "':m':{'M':{'k':{'S':'v'}}}", true));
        cases.add(condition("a set compared regardless of order", "ss = :ss", "':ss':{'SS':['b','a']}", true));
        cases.add(c("A condition on a missing item sees no attributes", "Expressions.ConditionExpressions", SIMPLE,
                fails("UpdateItem", "{'TableName':'$s','Key':{'pk':{'S':'new'}},'UpdateExpression':'SET x = :v','ConditionExpression':'attribute_exists(pk)',"
                        + "'ExpressionAttributeValues':{':v':{'N':'1'}}}", "ConditionalCheckFailedException", "")));
        cases.add(c("BETWEEN with bounds reversed is a ValidationException", "Expressions.OperatorsAndFunctions", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET x = :lo','ConditionExpression':'x BETWEEN :hi AND :lo','ExpressionAttributeValues':{':lo':{'N':'1'},':hi':{'N':'9'}}",
                        "ValidationException", "BETWEEN")));
        cases.add(c("An unknown function is a ValidationException", "Expressions.OperatorsAndFunctions", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ConditionExpression':'exists_maybe(x)','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "")));
        cases.add(c("attribute_type with an unknown type is a ValidationException", "Expressions.OperatorsAndFunctions", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ConditionExpression':'attribute_type(x, :t)','ExpressionAttributeValues':{':v':{'N':'1'},':t':{'S':'STRING'}}",
                        "ValidationException", "")));
        cases.add(c("A function with the wrong number of operands is a ValidationException", "Expressions.OperatorsAndFunctions", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ConditionExpression':'begins_with(x)','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "")));
        cases.add(c("A syntax error in a condition is a ValidationException", "Expressions.ConditionExpressions", SIMPLE, put("$s", k),
                updateFails("$s", k, "'UpdateExpression':'SET x = :v','ConditionExpression':'x = = :v','ExpressionAttributeValues':{':v':{'N':'1'}}", "ValidationException", "syntax")));

        // ---------------------------------------------------------------- DeleteItem
        cases.add(c("DeleteItem removes the item", "API_DeleteItem", SIMPLE, put("$s", k), call("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}}}", "{}"),
                get("$s", k, "{'Item':'<absent>'}")));
        cases.add(c("DeleteItem of a missing item succeeds", "API_DeleteItem", SIMPLE, call("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}}}", "{}")));
        cases.add(c("DeleteItem with ReturnValues ALL_OLD answers the item", "API_DeleteItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                call("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ReturnValues':'ALL_OLD'}", "{'Attributes':{'x':{'N':'1'}}}")));
        cases.add(c("DeleteItem with a failing condition keeps the item", "API_DeleteItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                fails("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ConditionExpression':'x = :two','ExpressionAttributeValues':{':two':{'N':'2'}}}", "ConditionalCheckFailedException", ""),
                get("$s", k, "{'Item':{'x':{'N':'1'}}}")));
        cases.add(c("DeleteItem with a holding condition deletes", "API_DeleteItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                call("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ConditionExpression':'x = :one','ExpressionAttributeValues':{':one':{'N':'1'}}}", "{}"),
                get("$s", k, "{'Item':'<absent>'}")));
        cases.add(c("DeleteItem with ReturnValues UPDATED_NEW is a ValidationException", "API_DeleteItem", SIMPLE,
                fails("DeleteItem", "{'TableName':'$s','Key':{'pk':{'S':'a'}},'ReturnValues':'UPDATED_NEW'}", "ValidationException", "")));

        // ---------------------------------------------------------------- Query
        Step[] five = {SORTED, put("$r", "{'pk':{'S':'p'},'sk':{'N':'1'},'t':{'S':'odd'}}"), put("$r", "{'pk':{'S':'p'},'sk':{'N':'2'},'t':{'S':'even'}}"),
                put("$r", "{'pk':{'S':'p'},'sk':{'N':'3'},'t':{'S':'odd'}}"), put("$r", "{'pk':{'S':'p'},'sk':{'N':'10'},'t':{'S':'even'}}"),
                put("$r", "{'pk':{'S':'q'},'sk':{'N':'1'}}")};
        cases.add(withSetup(five, c("Query returns a partition in sort key order, numbers by value", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','ExpressionAttributeValues':{':p':{'S':'p'}}",
                        "{'Count':4,'ScannedCount':4,'Items':[{'sk':{'N':'1'}},{'sk':{'N':'2'}},{'sk':{'N':'3'}},{'sk':{'N':'10'}}]}"))));
        cases.add(withSetup(five, c("Query with ScanIndexForward false returns descending", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','ScanIndexForward':false,'ExpressionAttributeValues':{':p':{'S':'p'}}",
                        "{'Items':[{'sk':{'N':'10'}},{'sk':{'N':'3'}},{'sk':{'N':'2'}},{'sk':{'N':'1'}}]}"))));
        cases.add(withSetup(five, c("Query with sort key =", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk = :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'2'}}", "{'Count':1}"))));
        cases.add(withSetup(five, c("Query with sort key <", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk < :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'3'}}", "{'Count':2}"))));
        cases.add(withSetup(five, c("Query with sort key <=", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk <= :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'3'}}", "{'Count':3}"))));
        cases.add(withSetup(five, c("Query with sort key >", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk > :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'3'}}", "{'Count':1}"))));
        cases.add(withSetup(five, c("Query with sort key >=", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk >= :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'3'}}", "{'Count':2}"))));
        cases.add(withSetup(five, c("Query with sort key BETWEEN", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk BETWEEN :a AND :b','ExpressionAttributeValues':{':p':{'S':'p'},':a':{'N':'2'},':b':{'N':'3'}}",
                        "{'Count':2,'Items':[{'sk':{'N':'2'}},{'sk':{'N':'3'}}]}"))));
        cases.add(withSetup(five, c("Query with Limit answers LastEvaluatedKey", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','Limit':2,'ExpressionAttributeValues':{':p':{'S':'p'}}",
                        "{'Count':2,'LastEvaluatedKey':{'pk':{'S':'p'},'sk':{'N':'2'}}}"))));
        cases.add(withSetup(five, c("Query from ExclusiveStartKey continues after it", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','ExclusiveStartKey':{'pk':{'S':'p'},'sk':{'N':'2'}},'ExpressionAttributeValues':{':p':{'S':'p'}}",
                        "{'Count':2,'Items':[{'sk':{'N':'3'}},{'sk':{'N':'10'}}]}"))));
        cases.add(withSetup(five, c("Query with FilterExpression: Count after, ScannedCount before the filter", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','FilterExpression':'t = :odd','ExpressionAttributeValues':{':p':{'S':'p'},':odd':{'S':'odd'}}",
                        "{'Count':2,'ScannedCount':4}"))));
        cases.add(withSetup(five, c("Query Limit counts items before the filter", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','Limit':2,'FilterExpression':'t = :odd','ExpressionAttributeValues':{':p':{'S':'p'},':odd':{'S':'odd'}}",
                        "{'Count':1,'ScannedCount':2}"))));
        cases.add(withSetup(five, c("Query with Select COUNT answers no items", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p','Select':'COUNT','ExpressionAttributeValues':{':p':{'S':'p'}}", "{'Count':4,'Items':'<absent>'}"))));
        cases.add(withSetup(five, c("Query with ProjectionExpression", "API_Query",
                query("'TableName':'$r','KeyConditionExpression':'pk = :p AND sk = :one','ProjectionExpression':'t','ExpressionAttributeValues':{':p':{'S':'p'},':one':{'N':'1'}}",
                        "{'Items':[{'t':{'S':'odd'},'sk':'<absent>'}]}"))));
        cases.add(c("Query with begins_with on a string sort key", "API_Query", INDEXED, put("$i", "{'pk':{'S':'c'},'sk':{'S':'LEDGER#001'}}"),
                put("$i", "{'pk':{'S':'c'},'sk':{'S':'LEDGER#002'}}"), put("$i", "{'pk':{'S':'c'},'sk':{'S':'MEMBER#x'}}"),
                query("'TableName':'$i','KeyConditionExpression':'pk = :p AND begins_with(sk, :l)','ExpressionAttributeValues':{':p':{'S':'c'},':l':{'S':'LEDGER#'}}", "{'Count':2}")));
        cases.add(c("Query without the partition key condition is a ValidationException", "API_Query", SORTED,
                fails("Query", "{'TableName':'$r','KeyConditionExpression':'sk = :s','ExpressionAttributeValues':{':s':{'N':'1'}}}", "ValidationException", "")));
        cases.add(c("Query with a non-key attribute in the key condition is a ValidationException", "API_Query", SORTED,
                fails("Query", "{'TableName':'$r','KeyConditionExpression':'pk = :p AND other = :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'1'}}}", "ValidationException", "")));
        cases.add(c("Query with OR in the key condition is a ValidationException", "API_Query", SORTED,
                fails("Query", "{'TableName':'$r','KeyConditionExpression':'pk = :p OR pk = :q','ExpressionAttributeValues':{':p':{'S':'p'},':q':{'S':'q'}}}", "ValidationException", "")));
        cases.add(c("Query with <> on the sort key is a ValidationException", "API_Query", SORTED,
                fails("Query", "{'TableName':'$r','KeyConditionExpression':'pk = :p AND sk <> :s','ExpressionAttributeValues':{':p':{'S':'p'},':s':{'N':'1'}}}", "ValidationException", "")));
        cases.add(c("Query with Limit 0 is a ValidationException", "API_Query", SORTED,
                fails("Query", "{'TableName':'$r','KeyConditionExpression':'pk = :p','Limit':0,'ExpressionAttributeValues':{':p':{'S':'p'}}}", "ValidationException", "")));
        Step[] indexed = {INDEXED, put("$i", "{'pk':{'S':'a'},'sk':{'S':'1'},'gpk':{'S':'g'},'gsk':{'N':'2'},'extra':{'S':'e'},'other':{'S':'o'}}"),
                put("$i", "{'pk':{'S':'b'},'sk':{'S':'1'},'gpk':{'S':'g'},'gsk':{'N':'1'},'extra':{'S':'e'}}"),
                put("$i", "{'pk':{'S':'c'},'sk':{'S':'1'},'other':{'S':'not in the index'}}")};
        cases.add(withSetup(indexed, c("Query on a global secondary index, in its sort key order", "GSI",
                query("'TableName':'$i','IndexName':'byG','KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}",
                        "{'Count':2,'Items':[{'pk':{'S':'b'}},{'pk':{'S':'a'}}]}"))));
        cases.add(withSetup(indexed, c("A sparse index holds only items with its key", "GSI.SparseIndexes",
                call("Scan", "{'TableName':'$i','IndexName':'byG'}", "{'Count':2}"))));
        cases.add(withSetup(indexed, c("A KEYS_ONLY index projects the keys only", "GSI.Projections",
                query("'TableName':'$i','IndexName':'keysOnly','KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}",
                        "{'Count':2,'Items':[{'extra':'<absent>','other':'<absent>'},{'extra':'<absent>','other':'<absent>'}]}"))));
        cases.add(withSetup(indexed, c("An INCLUDE index projects the keys and the named attributes", "GSI.Projections",
                query("'TableName':'$i','IndexName':'incl','KeyConditionExpression':'gpk = :g AND gsk = :two','ExpressionAttributeValues':{':g':{'S':'g'},':two':{'N':'2'}}",
                        "{'Items':[{'pk':{'S':'a'},'sk':{'S':'1'},'gsk':{'N':'2'},'extra':{'S':'e'},'other':'<absent>'}]}"))));
        cases.add(withSetup(indexed, c("An index follows updates of its key", "GSI",
                update("$i", "{'pk':{'S':'a'},'sk':{'S':'1'}}", "'UpdateExpression':'SET gpk = :h','ExpressionAttributeValues':{':h':{'S':'h'}}", "{}"),
                query("'TableName':'$i','IndexName':'byG','KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}", "{'Count':1}"))));
        cases.add(withSetup(indexed, c("An index forgets deleted items", "GSI",
                call("DeleteItem", "{'TableName':'$i','Key':{'pk':{'S':'b'},'sk':{'S':'1'}}}", "{}"),
                query("'TableName':'$i','IndexName':'byG','KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}", "{'Count':1}"))));
        cases.add(withSetup(indexed, c("An index's LastEvaluatedKey holds the table and the index keys", "API_Query",
                query("'TableName':'$i','IndexName':'byG','KeyConditionExpression':'gpk = :g','Limit':1,'ExpressionAttributeValues':{':g':{'S':'g'}}",
                        "{'LastEvaluatedKey':{'pk':{'S':'b'},'sk':{'S':'1'},'gpk':{'S':'g'},'gsk':{'N':'1'}}}"))));
        cases.add(withSetup(indexed, c("A consistent read on a global secondary index is a ValidationException", "GSI",
                fails("Query", "{'TableName':'$i','IndexName':'byG','ConsistentRead':true,'KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}}",
                        "ValidationException", ""))));
        cases.add(withSetup(indexed, c("Query on an unknown index is a ValidationException", "API_Query",
                fails("Query", "{'TableName':'$i','IndexName':'nope','KeyConditionExpression':'gpk = :g','ExpressionAttributeValues':{':g':{'S':'g'}}}", "ValidationException", ""))));

        // ---------------------------------------------------------------- Scan
        cases.add(withSetup(five, c("Scan returns every item", "API_Scan", call("Scan", "{'TableName':'$r'}", "{'Count':5,'ScannedCount':5}"))));
        cases.add(withSetup(five, c("Scan with a FilterExpression", "API_Scan",
                call("Scan", "{'TableName':'$r','FilterExpression':'t = :e','ExpressionAttributeValues':{':e':{'S':'even'}}}", "{'Count':2,'ScannedCount':5}"))));
        cases.add(withSetup(five, c("Scan with Limit answers LastEvaluatedKey", "API_Scan", call("Scan", "{'TableName':'$r','Limit':3}", "{'Count':3}"))));
        cases.add(withSetup(five, c("Scan with Select COUNT", "API_Scan", call("Scan", "{'TableName':'$r','Select':'COUNT'}", "{'Count':5,'Items':'<absent>'}"))));
        cases.add(withSetup(five, c("Scan with a Segment but no TotalSegments is a ValidationException", "API_Scan",
                fails("Scan", "{'TableName':'$r','Segment':0}", "ValidationException", ""))));
        cases.add(withSetup(five, c("Scan with Segment not below TotalSegments is a ValidationException", "API_Scan",
                fails("Scan", "{'TableName':'$r','Segment':2,'TotalSegments':2}", "ValidationException", ""))));
        cases.add(withSetup(five, c("Scan with ProjectionExpression", "API_Scan",
                call("Scan", "{'TableName':'$r','ProjectionExpression':'sk','Limit':1}", "{'Items':[{'t':'<absent>'}]}"))));
        cases.add(withSetup(five, c("Scan with Select SPECIFIC_ATTRIBUTES and no projection is a ValidationException", "API_Scan",
                fails("Scan", "{'TableName':'$r','Select':'SPECIFIC_ATTRIBUTES'}", "ValidationException", ""))));

        // ---------------------------------------------------------------- BatchGetItem, BatchWriteItem
        cases.add(c("BatchGetItem returns the found items", "API_BatchGetItem", SIMPLE, put("$s", k), put("$s", "{'pk':{'S':'b'}}"),
                call("BatchGetItem", "{'RequestItems':{'$s':{'Keys':[{'pk':{'S':'a'}},{'pk':{'S':'b'}},{'pk':{'S':'missing'}}]}}}", "{'UnprocessedKeys':{}}")));
        cases.add(c("BatchGetItem with duplicate keys is a ValidationException", "API_BatchGetItem", SIMPLE,
                fails("BatchGetItem", "{'RequestItems':{'$s':{'Keys':[{'pk':{'S':'a'}},{'pk':{'S':'a'}}]}}}", "ValidationException", "duplicates")));
        cases.add(c("BatchGetItem with ProjectionExpression", "API_BatchGetItem", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                call("BatchGetItem", "{'RequestItems':{'$s':{'Keys':[{'pk':{'S':'a'}}],'ProjectionExpression':'x'}}}", "{'Responses':{'$s':[{'x':{'N':'1'},'y':'<absent>'}]}}")));
        cases.add(c("BatchGetItem of more than 100 keys is a ValidationException", "API_BatchGetItem", SIMPLE,
                fails("BatchGetItem", "{'RequestItems':{'$s':{'Keys':[" + keys(101) + "]}}}", "ValidationException", "")));
        cases.add(c("BatchGetItem on a missing table is ResourceNotFoundException", "API_BatchGetItem",
                fails("BatchGetItem", "{'RequestItems':{'$missing':{'Keys':[{'pk':{'S':'a'}}]}}}", "ResourceNotFoundException", "")));
        cases.add(c("BatchWriteItem puts and deletes", "API_BatchWriteItem", SIMPLE, put("$s", "{'pk':{'S':'old'}}"),
                call("BatchWriteItem", "{'RequestItems':{'$s':[{'PutRequest':{'Item':{'pk':{'S':'a'}}}},{'DeleteRequest':{'Key':{'pk':{'S':'old'}}}}]}}", "{'UnprocessedItems':{}}"),
                get("$s", k, "{'Item':{'pk':{'S':'a'}}}"), get("$s", "{'pk':{'S':'old'}}", "{'Item':'<absent>'}")));
        cases.add(c("BatchWriteItem of more than 25 writes is a ValidationException", "API_BatchWriteItem", SIMPLE,
                fails("BatchWriteItem", "{'RequestItems':{'$s':[" + puts(26) + "]}}", "ValidationException", "")));
        cases.add(c("BatchWriteItem with two writes of one item is a ValidationException", "API_BatchWriteItem", SIMPLE,
                fails("BatchWriteItem", "{'RequestItems':{'$s':[{'PutRequest':{'Item':{'pk':{'S':'a'}}}},{'DeleteRequest':{'Key':{'pk':{'S':'a'}}}}]}}", "ValidationException", "duplicates")));
        cases.add(c("BatchWriteItem of an item without its key is a ValidationException", "API_BatchWriteItem", SIMPLE,
                fails("BatchWriteItem", "{'RequestItems':{'$s':[{'PutRequest':{'Item':{'x':{'S':'a'}}}}]}}", "ValidationException", "")));
        cases.add(c("BatchWriteItem of 25 writes", "API_BatchWriteItem", SIMPLE,
                call("BatchWriteItem", "{'RequestItems':{'$s':[" + puts(25) + "]}}", "{'UnprocessedItems':{}}"),
                call("Scan", "{'TableName':'$s','Select':'COUNT'}", "{'Count':25}")));

        // ---------------------------------------------------------------- TransactGetItems, TransactWriteItems
        cases.add(c("TransactGetItems answers one response per item, in order", "API_TransactGetItems", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'}}"),
                call("TransactGetItems", "{'TransactItems':[{'Get':{'TableName':'$s','Key':{'pk':{'S':'a'}}}},{'Get':{'TableName':'$s','Key':{'pk':{'S':'none'}}}}]}",
                        "{'Responses':[{'Item':{'x':{'N':'1'}}},{}]}")));
        cases.add(c("TransactGetItems with ProjectionExpression", "API_TransactGetItems", SIMPLE, put("$s", "{'pk':{'S':'a'},'x':{'N':'1'},'y':{'N':'2'}}"),
                call("TransactGetItems", "{'TransactItems':[{'Get':{'TableName':'$s','Key':{'pk':{'S':'a'}},'ProjectionExpression':'y'}}]}",
                        "{'Responses':[{'Item':{'y':{'N':'2'},'x':'<absent>'}}]}")));
        cases.add(c("TransactGetItems of one item twice is a ValidationException", "API_TransactGetItems", SIMPLE,
                fails("TransactGetItems", "{'TransactItems':[{'Get':{'TableName':'$s','Key':{'pk':{'S':'a'}}}},{'Get':{'TableName':'$s','Key':{'pk':{'S':'a'}}}}]}",
                        "ValidationException", "multiple operations")));
        cases.add(c("TransactGetItems of more than 100 items is a ValidationException", "API_TransactGetItems", SIMPLE,
                fails("TransactGetItems", "{'TransactItems':[" + gets(101) + "]}", "ValidationException", "")));
        cases.add(c("TransactWriteItems applies Put, Update, Delete and ConditionCheck together", "API_TransactWriteItems", SIMPLE,
                put("$s", "{'pk':{'S':'u'},'n':{'N':'1'}}"), put("$s", "{'pk':{'S':'d'}}"), put("$s", "{'pk':{'S':'c'},'ok':{'BOOL':true}}"),
                call("TransactWriteItems", "{'TransactItems':[{'Put':{'TableName':'$s','Item':{'pk':{'S':'p'}}}},"
                        + "{'Update':{'TableName':'$s','Key':{'pk':{'S':'u'}},'UpdateExpression':'ADD n :one','ExpressionAttributeValues':{':one':{'N':'1'}}}},"
                        + "{'Delete':{'TableName':'$s','Key':{'pk':{'S':'d'}}}},"
                        + "{'ConditionCheck':{'TableName':'$s','Key':{'pk':{'S':'c'}},'ConditionExpression':'ok = :t','ExpressionAttributeValues':{':t':{'BOOL':true}}}}]}", "{}"),
                get("$s", "{'pk':{'S':'p'}}", "{'Item':{'pk':{'S':'p'}}}"), get("$s", "{'pk':{'S':'u'}}", "{'Item':{'n':{'N':'2'}}}"),
                get("$s", "{'pk':{'S':'d'}}", "{'Item':'<absent>'}")));
        String cancelling = "{'TransactItems':[{'Put':{'TableName':'$s','Item':{'pk':{'S':'new'}}}},"
                + "{'ConditionCheck':{'TableName':'$s','Key':{'pk':{'S':'c'}},'ConditionExpression':'ok = :t','ExpressionAttributeValues':{':t':{'BOOL':true}},"
                + "'ReturnValuesOnConditionCheckFailure':'ALL_OLD'}}]}";
        cases.add(c("A failed condition cancels the whole transaction", "API_TransactWriteItems", SIMPLE, put("$s", "{'pk':{'S':'c'},'ok':{'BOOL':false}}"),
                fails("TransactWriteItems", cancelling, "TransactionCanceledException", "cancelled"), get("$s", "{'pk':{'S':'new'}}", "{'Item':'<absent>'}")));
        cases.add(c("TransactionCanceledException gives one reason per item, in order, with the item when asked", "API_TransactWriteItems", SIMPLE,
                put("$s", "{'pk':{'S':'c'},'ok':{'BOOL':false}}"),
                new Step("TransactWriteItems", cancelling, "{'CancellationReasons':[{'Code':'None'},{'Code':'ConditionalCheckFailed','Item':{'ok':{'BOOL':false}}}]}",
                        "TransactionCanceledException", "ConditionalCheckFailed")));
        cases.add(c("A ConditionCheck on a missing item fails attribute_exists", "API_ConditionCheck", SIMPLE,
                fails("TransactWriteItems", "{'TransactItems':[{'ConditionCheck':{'TableName':'$s','Key':{'pk':{'S':'none'}},'ConditionExpression':'attribute_exists(pk)'}},"
                        + "{'Put':{'TableName':'$s','Item':{'pk':{'S':'x'}}}}]}", "TransactionCanceledException", "")));
        cases.add(c("TransactWriteItems on one item twice is a ValidationException", "API_TransactWriteItems", SIMPLE,
                fails("TransactWriteItems", "{'TransactItems':[{'Put':{'TableName':'$s','Item':{'pk':{'S':'a'}}}},{'Delete':{'TableName':'$s','Key':{'pk':{'S':'a'}}}}]}",
                        "ValidationException", "multiple operations")));
        cases.add(c("TransactWriteItems of more than 100 actions is a ValidationException", "API_TransactWriteItems", SIMPLE,
                fails("TransactWriteItems", "{'TransactItems':[" + transactPuts(101) + "]}", "ValidationException", "")));
        cases.add(c("TransactWriteItems of 100 actions", "API_TransactWriteItems", SIMPLE,
                call("TransactWriteItems", "{'TransactItems':[" + transactPuts(100) + "]}", "{}"), call("Scan", "{'TableName':'$s','Select':'COUNT'}", "{'Count':100}")));
        cases.add(c("An action with two kinds is a ValidationException", "API_TransactWriteItem", SIMPLE,
                fails("TransactWriteItems", "{'TransactItems':[{'Put':{'TableName':'$s','Item':{'pk':{'S':'a'}}},'Delete':{'TableName':'$s','Key':{'pk':{'S':'b'}}}}]}",
                        "ValidationException", "")));
        String tokenRequest = "{'ClientRequestToken':'tok-$','TransactItems':[{'Update':{'TableName':'$s','Key':{'pk':{'S':'a'}},'UpdateExpression':'ADD n :one',"
                + "'ExpressionAttributeValues':{':one':{'N':'1'}}}}]}";
        cases.add(c("A ClientRequestToken repeated within 10 minutes applies once", "API_TransactWriteItems", SIMPLE,
                call("TransactWriteItems", tokenRequest, "{}"), call("TransactWriteItems", tokenRequest, "{}"), get("$s", k, "{'Item':{'n':{'N':'1'}}}")));
        cases.add(c("A ClientRequestToken reused for another request is IdempotentParameterMismatchException", "API_TransactWriteItems", SIMPLE,
                call("TransactWriteItems", tokenRequest, "{}"),
                fails("TransactWriteItems", tokenRequest.replace("'N':'1'", "'N':'2'"), "IdempotentParameterMismatchException", "")));
        cases.add(c("An update in a transaction sees the item before the transaction", "API_TransactWriteItems", SIMPLE, put("$s", "{'pk':{'S':'a'},'n':{'N':'5'}}"),
                call("TransactWriteItems", "{'TransactItems':[{'Update':{'TableName':'$s','Key':{'pk':{'S':'a'}},'UpdateExpression':'SET n = n + :one',"
                        + "'ConditionExpression':'n = :five','ExpressionAttributeValues':{':one':{'N':'1'},':five':{'N':'5'}}}}]}", "{}"), get("$s", k, "{'Item':{'n':{'N':'6'}}}")));
        cases.add(c("A transaction on a missing table is ResourceNotFoundException", "API_TransactWriteItems",
                fails("TransactWriteItems", "{'TransactItems':[{'Put':{'TableName':'$missing','Item':{'pk':{'S':'a'}}}}]}", "ResourceNotFoundException", "")));
        cases.add(c("A ConditionCheck without a condition is a ValidationException", "API_ConditionCheck", SIMPLE,
                fails("TransactWriteItems", "{'TransactItems':[{'ConditionCheck':{'TableName':'$s','Key':{'pk':{'S':'a'}}}}]}", "ValidationException", "")));
        cases.add(c("A transaction's cancelled update leaves every item as it was", "API_TransactWriteItems", SIMPLE,
                put("$s", "{'pk':{'S':'a'},'n':{'N':'1'}}"), put("$s", "{'pk':{'S':'b'},'n':{'N':'1'}}"),
                fails("TransactWriteItems", "{'TransactItems':[{'Update':{'TableName':'$s','Key':{'pk':{'S':'a'}},'UpdateExpression':'ADD n :one','ExpressionAttributeValues':{':one':{'N':'1'}}}},"
                        + "{'Update':{'TableName':'$s','Key':{'pk':{'S':'b'}},'UpdateExpression':'ADD n :one','ConditionExpression':'n = :nine',"
                        + "'ExpressionAttributeValues':{':one':{'N':'1'},':nine':{'N':'9'}}}}]}", "TransactionCanceledException", ""),
                get("$s", k, "{'Item':{'n':{'N':'1'}}}")));

        // ---------------------------------------------------------------- the protocol
        cases.add(c("An unknown operation is UnknownOperationException", "Programming.Errors", fails("FlyToTheMoon", "{}", "UnknownOperationException", "")));
        cases.add(c("A key attribute of type N matches regardless of format", "HowItWorks.NamingRulesDataTypes", SORTED,
                put("$r", "{'pk':{'S':'a'},'sk':{'N':'1.0'}}"), get("$r", "{'pk':{'S':'a'},'sk':{'N':'1'}}", "{'Item':{'sk':{'N':'1'}}}")));
        return cases;
    }

    private static Case withSetup(Step[] setup, Case c) {
        List<Step> steps = new ArrayList<>(List.of(setup));
        steps.addAll(c.steps());
        return new Case(c.name(), c.reference(), steps);
    }

    /** {@code n} copies of {@code template} (with # the copy's number), comma-separated. */
    private static String repeat(int n, String template) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(template.replace("#", String.valueOf(i)));
        }
        return out.toString();
    }

    private static String keys(int n) {
        return repeat(n, "{'pk':{'S':'k#'}}");
    }

    private static String puts(int n) {
        return repeat(n, "{'PutRequest':{'Item':{'pk':{'S':'k#'}}}}");
    }

    private static String gets(int n) {
        return repeat(n, "{'Get':{'TableName':'$s','Key':{'pk':{'S':'k#'}}}}");
    }

    private static String transactPuts(int n) {
        return repeat(n, "{'Put':{'TableName':'$s','Item':{'pk':{'S':'k#'}}}}");
    }
}
