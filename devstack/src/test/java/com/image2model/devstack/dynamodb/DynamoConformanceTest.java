package com.image2model.devstack.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The conformance suite ({@link ConformanceCases}): every case against the devstack's engine over
 * HTTP in every build, and the same cases against LocalStack where Docker runs (required with
 * {@code -Plocalstack}): a case where the two differ fails there.
 */
class DynamoConformanceTest {

    private static DynamoServer engine;
    private static LocalStackContainer localstack;
    private static final AtomicInteger PASSED = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        engine = DynamoServer.start(0, Clock.systemUTC(), Journal.NONE);
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker && Boolean.getBoolean("localstack.required")) {
            throw new IllegalStateException("-Plocalstack needs a Docker engine, and none answers here");
        }
        if (docker) {
            localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));
            localstack.start();
        } else {
            System.out.println("SKIPPED DynamoConformanceTest against LocalStack: no Docker engine here (the cases run against the engine)");
        }
    }

    @AfterAll
    static void stop() {
        System.out.println("DynamoConformanceTest: " + PASSED.get() + " of " + ConformanceCases.all().size() + " cases conform on the devstack's engine");
        if (engine != null) {
            engine.close();
        }
        if (localstack != null) {
            localstack.stop();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnTheEngine() {
        List<Conformance.Case> cases = ConformanceCases.all();
        assertThat(cases.size()).as("conformance cases").isGreaterThanOrEqualTo(150);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Conformance.Case c = cases.get(i);
            String prefix = "c" + i + "_";
            tests.add(DynamicTest.dynamicTest("[" + c.reference() + "] " + c.name(), () -> {
                List<String> problems = Conformance.run(engine.endpoint(), c, prefix);
                assertThat(problems).as(c.name()).isEmpty();
                PASSED.incrementAndGet();
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnLocalStack() {
        List<Conformance.Case> cases = ConformanceCases.all();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Conformance.Case c = cases.get(i);
            String prefix = "l" + i + "_";
            tests.add(DynamicTest.dynamicTest("[LocalStack " + c.reference() + "] " + c.name(), () -> {
                Assumptions.assumeTrue(localstack != null, "no Docker engine: LocalStack does not run here");
                URI endpoint = localstack.getEndpoint();
                assertThat(Conformance.run(endpoint, c, prefix)).as(c.name()).isEmpty();
            }));
        }
        return tests.stream();
    }
}
