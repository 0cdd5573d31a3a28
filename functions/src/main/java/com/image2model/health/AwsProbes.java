package com.image2model.health;

import java.util.List;

import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The probes of the resources a deployment is configured with: its table, buckets and queues. */
final class AwsProbes {

    private AwsProbes() {
    }

    static List<HealthCheck.Probe> configured() {
        String table = Settings.get(Settings.TABLE_NAME);
        String uploads = Settings.get(Settings.UPLOADS_BUCKET);
        String results = Settings.get(Settings.RESULTS_BUCKET);
        String jobsQueue = Settings.get(Settings.JOBS_QUEUE_URL);
        String jobsDlq = Settings.get(Settings.JOBS_DLQ_URL);
        return List.of(
                new HealthCheck.Probe("table", table, () -> {
                    TableStatus status = AwsClients.dynamoDb().describeTable(r -> r.tableName(table)).table().tableStatus();
                    if (status != TableStatus.ACTIVE) {
                        throw new IllegalStateException("table is " + status);
                    }
                }),
                new HealthCheck.Probe("uploadsBucket", uploads, () -> AwsClients.s3().headBucket(r -> r.bucket(uploads))),
                new HealthCheck.Probe("resultsBucket", results, () -> AwsClients.s3().headBucket(r -> r.bucket(results))),
                new HealthCheck.Probe("jobsQueue", jobsQueue, () -> queueReachable(jobsQueue)),
                new HealthCheck.Probe("jobsDeadLetterQueue", jobsDlq, () -> queueReachable(jobsDlq)));
    }

    private static void queueReachable(String queueUrl) {
        AwsClients.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN));
    }
}
