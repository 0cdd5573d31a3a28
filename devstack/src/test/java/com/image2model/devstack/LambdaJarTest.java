package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.template.SamTemplate;

/**
 * The deployable jar itself (shaded, then shrunk by ProGuard), started alone in a fresh JVM with a
 * function's template environment, answers that function's sample event against the devstack, and
 * logs no error on the way (a class the shrinking removed but something loads by name would show here).
 */
class LambdaJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> theDeployableJarAnswersEverySampleEvent() {
        Path jar = TestStack.root().resolve("functions/target/image2model-functions.jar");
        assertThat(jar).as("the Lambda jar (built in the package phase of functions)").exists();
        return TestStack.get().template().functions().stream().map(function -> DynamicTest.dynamicTest(function.logicalId(), () -> {
            Path event = TestStack.root().resolve("events/" + function.name() + ".json");
            if (function.name().equals("preTokenGeneration")) {
                TestStack.get().functions().invoke("PostConfirmationFunction",
                        Files.readAllBytes(TestStack.root().resolve("events/postConfirmation.json")));
            }
            Process process = start(jar, function, event);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("answered within 60 s").isTrue();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.exitValue()).as(err).isZero();
            String answerLine = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            EventsReplayTest.assertAnswered(JSON.readTree(answerLine));
            assertThat(err + out).as("nothing logged as an error").doesNotContain("ERROR").doesNotContain("Exception");
        }));
    }

    private static Process start(Path jar, SamTemplate.FunctionDef function, Path event) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", jar.toString(), "com.image2model.wiring.LocalInvoke", event.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(TestStack.get().functions().environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("aws."));
        builder.environment().putAll(function.runtimeEnvironment());
        // Its Lambda role's session, as AWS gives it: the devstack's IAM checks the jar's calls too.
        builder.environment().put("AWS_SESSION_TOKEN", com.image2model.devstack.iam.CallerIdentity.tokenOf(function.logicalId()));
        return builder.start();
    }
}
