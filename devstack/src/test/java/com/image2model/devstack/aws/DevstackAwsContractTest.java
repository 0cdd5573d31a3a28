package com.image2model.devstack.aws;

import java.util.Map;

import com.image2model.devstack.Stack;
import com.image2model.devstack.TestStack;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** The contract against the devstack's emulators, through the very SDK clients the functions use. */
class DevstackAwsContractTest extends AwsContractTest {

    // The contract reads the jobs queue itself: the worker's event source stands aside meanwhile,
    // as a disabled event source mapping would.
    @org.junit.jupiter.api.BeforeAll
    static void pauseTheWorker() {
        TestStack.get().eventSources().pause();
    }

    @org.junit.jupiter.api.AfterAll
    static void resumeTheWorker() {
        TestStack.get().eventSources().resume();
    }

    @Override
    protected Under under() {
        Stack stack = TestStack.get();
        Map<String, Object> redrive = Provisioner.map(Provisioner.map(stack.template().resources().get("JobsQueue").get("Properties"))
                .get("RedrivePolicy"));
        return new Under(AwsClients.dynamoDb(), AwsClients.sqs(), AwsClients.s3(), AwsClients.s3Presigner(),
                com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME), com.image2model.devstack.TestStack.setting(Settings.JOBS_QUEUE_URL), com.image2model.devstack.TestStack.setting(Settings.JOBS_DLQ_URL),
                com.image2model.devstack.TestStack.setting(Settings.UPLOADS_BUCKET), Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount"))));
    }
}
