package com.image2model.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.image2model.devstack.aws.LocalAws;
import com.image2model.devstack.aws.Provisioner;
import com.image2model.devstack.front.HttpFront;
import com.image2model.devstack.lambda.LocalFunctions;
import com.image2model.devstack.template.SamTemplate;

/** The devstack assembled: emulators provisioned from template.yaml, the functions, and the HTTP front. */
public final class Stack implements AutoCloseable {

    /** Where things are and which ports to use; 0 picks free ports (tests run beside a devstack). */
    public record Options(Path template, Path site, LocalAws.Ports awsPorts, int frontPort, Map<String, String> parameters) {
        public static Options defaults(Path root) {
            return new Options(root.resolve("template.yaml"), root.resolve("static-site"), new LocalAws.Ports(
                    intEnv("DEVSTACK_DYNAMODB_PORT", LocalAws.Ports.DEFAULTS.dynamoDb()),
                    intEnv("DEVSTACK_SQS_PORT", LocalAws.Ports.DEFAULTS.sqs()),
                    intEnv("DEVSTACK_S3_PORT", LocalAws.Ports.DEFAULTS.s3())),
                    intEnv("DEVSTACK_PORT", 8080), Map.of());
        }

        public static Options forTests(Path root) {
            return new Options(root.resolve("template.yaml"), root.resolve("static-site"), LocalAws.Ports.ANY_FREE, 0, Map.of());
        }

        public Options withParameters(Map<String, String> overrides) {
            return new Options(template, site, awsPorts, frontPort, overrides);
        }
    }

    private final SamTemplate template;
    private final LocalAws aws;
    private final Provisioner provisioner;
    private final LocalFunctions functions;
    private final HttpFront front;

    private Stack(SamTemplate template, LocalAws aws, Provisioner provisioner, LocalFunctions functions, HttpFront front) {
        this.template = template;
        this.aws = aws;
        this.provisioner = provisioner;
        this.functions = functions;
        this.front = front;
    }

    public static Stack start(Options options) throws Exception {
        return start(options, true);
    }

    /** Starts the emulators and provisions them; with {@code withFront} also the HTTP front. */
    public static Stack start(Options options, boolean withFront) throws Exception {
        SamTemplate template = SamTemplate.load(options.template());
        Map<String, String> overrides = new LinkedHashMap<>(options.parameters());
        if (withFront && options.frontPort() > 0) {
            overrides.putIfAbsent("SiteOrigin", "http://localhost:" + options.frontPort());
        }
        Map<String, String> parameters = template.parameters(overrides);
        LocalAws aws = LocalAws.start(options.awsPorts(), Provisioner.cors(template, parameters));
        try {
            Provisioner provisioner = new Provisioner(template, parameters, aws);
            provisioner.provisionAll();
            LocalFunctions functions = new LocalFunctions(template.functions(), provisioner.intrinsics(), endpoints(aws));
            functions.applyEnvironment();
            HttpFront front = null;
            if (withFront) {
                Path site = Files.isDirectory(options.site()) ? options.site().toAbsolutePath().normalize() : null;
                front = new HttpFront(options.frontPort(), functions, site, List.of(parameters.get("SiteOrigin")));
                front.start();
            }
            return new Stack(template, aws, provisioner, functions, front);
        } catch (Exception | Error e) {
            aws.close();
            throw e;
        }
    }

    /** What a function needs to reach the emulators instead of AWS (the SDK's own variable names). */
    static Map<String, String> endpoints(com.image2model.devstack.aws.Endpoints aws) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDbEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_SQS", aws.sqsEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", aws.s3Endpoint().toString());
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_KEY);
        // The same credentials as the SDK's system properties, for functions running in this JVM.
        env.put("aws.accessKeyId", LocalAws.ACCESS_KEY);
        env.put("aws.secretAccessKey", LocalAws.SECRET_KEY);
        env.put("S3_FORCE_PATH_STYLE", "true");
        return env;
    }

    public SamTemplate template() {
        return template;
    }

    public LocalAws aws() {
        return aws;
    }

    public Provisioner provisioner() {
        return provisioner;
    }

    public LocalFunctions functions() {
        return functions;
    }

    public HttpFront front() {
        return front;
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    @Override
    public void close() throws Exception {
        if (front != null) {
            front.close();
        }
        aws.close();
    }
}
