package com.image2model.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.image2model.devstack.aws.Endpoints;
import com.image2model.devstack.aws.LocalAws;
import com.image2model.devstack.aws.Provisioner;
import com.image2model.devstack.bench.ColdStartBench;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.generate.GenerateCommand;
import com.image2model.devstack.identity.CognitoConfig;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.devstack.lambda.LocalFunctions;
import com.image2model.devstack.template.SamTemplate;

/**
 * {@code java -jar devstack/target/image2model-devstack.jar [command]}:
 * <ul>
 *   <li>(no command) or {@code up}: the whole system on this machine, until Ctrl-C;</li>
 *   <li>{@code invoke <FunctionLogicalId> <event.json>}: one function once, like {@code sam local invoke};</li>
 *   <li>{@code bench coldstart [--runs N] [--only FunctionId]}: cold-start time of every function (or one) against plain-Java baselines.</li>
 * </ul>
 */
public final class DevStack {

    private DevStack() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            // The emulators keep non-daemon threads: without an explicit exit a failed command would hang.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String command = args.length == 0 ? "up" : args[0];
        // generate talks to an API only: it needs the project folder for nothing but the local defaults.
        Path root = projectRoot(!command.equals("generate"));
        switch (command) {
            case "up", "--data", "--in-memory" -> up(root, command.equals("up") ? Arrays.copyOfRange(args, Math.min(1, args.length), args.length) : args);
            case "reset" -> reset(root, args);
            case "invoke" -> {
                if (args.length != 3) {
                    usage("invoke needs a function's logical id and an event file");
                }
                System.exit(invoke(root, args[1], Path.of(args[2])));
            }
            case "generate" -> System.exit(generate(root, Arrays.copyOfRange(args, 1, args.length)));
            case "site-config" -> System.exit(siteConfig(Arrays.copyOfRange(args, 1, args.length)));
            case "reconcile" -> System.exit(reconcile(args.length >= 3 && args[1].equals("--month") ? args[2] : null));
            case "bench" -> {
                if (args.length >= 2 && args[1].equals("pipeline")) {
                    int images = 20;
                    String quality = "medium";
                    int companies = 0;
                    int falSlots = 4;
                    long modelMillis = 1000;
                    for (int i = 2; i < args.length - 1; i++) {
                        switch (args[i]) {
                            case "--images" -> images = Integer.parseInt(args[i + 1]);
                            case "--quality" -> quality = args[i + 1];
                            case "--companies" -> companies = Integer.parseInt(args[i + 1]);
                            case "--fal-slots" -> falSlots = Integer.parseInt(args[i + 1]);
                            case "--model-ms" -> modelMillis = Long.parseLong(args[i + 1]);
                            default -> { }
                        }
                    }
                    if (companies > 0) {
                        boolean fifo = Arrays.asList(args).contains("--fifo");
                        boolean made = new com.image2model.devstack.bench.FairShareBench(root, images, companies, falSlots, modelMillis, fifo)
                                .run(System.out);
                        System.exit(made ? 0 : 1);
                    }
                    new com.image2model.devstack.bench.PipelineBench(root, images, quality).run(System.out);
                    System.exit(0);
                }
                if (args.length >= 2 && args[1].equals("chaos")) {
                    int images = 50;
                    for (int i = 2; i < args.length - 1; i++) {
                        if (args[i].equals("--images")) {
                            images = Integer.parseInt(args[i + 1]);
                        }
                    }
                    boolean ok = new com.image2model.devstack.bench.ChaosBench(root, images).run(System.out);
                    System.exit(ok ? 0 : 1);
                }
                if (args.length >= 2 && args[1].equals("thumbnail")) {
                    int faces = 10_000;
                    int runs = 20;
                    for (int i = 2; i < args.length - 1; i++) {
                        if (args[i].equals("--faces")) {
                            faces = Integer.parseInt(args[i + 1]);
                        } else if (args[i].equals("--runs")) {
                            runs = Integer.parseInt(args[i + 1]);
                        }
                    }
                    new com.image2model.devstack.bench.ThumbnailBench(faces, Math.max(1, runs)).run(System.out);
                    System.exit(0);
                }
                if (args.length >= 2 && args[1].equals("reserve")) {
                    int threads = 8;
                    int seconds = 10;
                    for (int i = 2; i < args.length - 1; i++) {
                        if (args[i].equals("--threads")) {
                            threads = Integer.parseInt(args[i + 1]);
                        } else if (args[i].equals("--seconds")) {
                            seconds = Integer.parseInt(args[i + 1]);
                        }
                    }
                    new com.image2model.devstack.bench.ReserveBench(root, threads, seconds).run(System.out);
                    System.exit(0);
                }
                if (args.length < 2 || !args[1].equals("coldstart")) {
                    usage("the benchmarks are 'bench coldstart', 'bench reserve', 'bench pipeline', 'bench chaos' and 'bench thumbnail'");
                }
                int runs = 5;
                String only = null;
                for (int i = 2; i < args.length - 1; i++) {
                    if (args[i].equals("--runs")) {
                        runs = Integer.parseInt(args[i + 1]);
                    } else if (args[i].equals("--only")) {
                        only = args[i + 1];
                    }
                }
                new ColdStartBench(root, runs, only).run(System.out);
                System.exit(0);
            }
            case "token" -> {
                if (args.length < 2) {
                    usage("token needs an email address");
                }
                System.exit(token(root, args[1], args.length > 3 && args[2].equals("--password") ? args[3] : null));
            }
            case "help", "--help", "-h" -> usage(null);
            default -> usage("unknown command '" + command + "'");
        }
    }

    /** Where `up` keeps its data unless told otherwise: .devstack-data in the project folder. */
    static Path defaultDataDir(Path root) {
        return root.resolve(".devstack-data");
    }

    /** `reset [--data DIR]`: says what it will delete, then deletes the devstack's kept data. */
    private static void reset(Path root, String[] args) throws Exception {
        Path dir = defaultDataDir(root);
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--data")) {
                dir = Path.of(args[i + 1]);
            }
        }
        if (!java.nio.file.Files.exists(dir)) {
            System.out.println("Nothing to reset: " + dir.toAbsolutePath() + " does not exist.");
            return;
        }
        long files;
        long bytes;
        try (var walk = java.nio.file.Files.walk(dir)) {
            List<Path> all = walk.filter(java.nio.file.Files::isRegularFile).toList();
            files = all.size();
            bytes = 0;
            for (Path file : all) {
                bytes += java.nio.file.Files.size(file);
            }
        }
        System.out.println("Deleting the devstack's data in " + dir.toAbsolutePath() + ": " + files + " files, " + bytes
                + " bytes (tables, uploaded images and models, users and their passwords, Stripe's objects).");
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
        System.out.println("Done: the next `up` starts empty (and seeds the demo company again).");
    }

    private static void up(Path root, String[] args) throws Exception {
        long started = System.nanoTime();
        Path dataDir = defaultDataDir(root);
        boolean secretsUnset = false;
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--secrets-unset")) {
                secretsUnset = true;
            } else if (args[i].equals("--parameter-overrides") && i + 1 < args.length && args[i + 1].matches("[A-Za-z0-9]+=.*")) {
                String[] pair = args[++i].split("=", 2);
                overrides.put(pair[0], pair[1]);
            } else if (args[i].equals("--in-memory")) {
                dataDir = null;
            } else if (args[i].equals("--data") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]).toAbsolutePath();
            } else {
                usage("up takes --data DIR or --in-memory, --secrets-unset and --parameter-overrides Name=Value, not '" + args[i] + "'");
            }
        }
        Stack.Options options = dataDir == null ? Stack.Options.defaults(root) : Stack.Options.defaults(root).withData(dataDir);
        if (secretsUnset) {
            options = options.withSecretsUnset();
        }
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            options = options.withParameter(override.getKey(), override.getValue());
        }
        Stack stack;
        try {
            stack = Stack.start(options);
        } catch (IOException e) {
            System.err.println("The devstack could not start: " + e.getMessage());
            System.err.println("Is another devstack running? Ports in use: front " + options.frontPort() + ", DynamoDB "
                    + options.awsPorts().dynamoDb() + ", SQS " + options.awsPorts().sqs() + ", S3 " + options.awsPorts().s3()
                    + " (change them with DEVSTACK_PORT, DEVSTACK_DYNAMODB_PORT, DEVSTACK_SQS_PORT, DEVSTACK_S3_PORT).");
            System.exit(1);
            return;
        }
        String demoCompany = DemoCompany.seed(stack);
        long readyMillis = (System.nanoTime() - started) / 1_000_000;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } catch (Exception ignored) {
                // Stopping anyway.
            }
            stopped.countDown();
        }, "devstack-stop"));
        String api = stack.front().url();
        System.out.println();
        System.out.println("Image2Model devstack is ready in " + readyMillis + " ms (template: " + options.template() + ")");
        System.out.println("  Web app          " + api + "/");
        System.out.println("  API              " + api + "   (try: curl " + api + "/health)");
        System.out.println("  DynamoDB         " + stack.aws().dynamoDbEndpoint() + "   table "
                + String.join(", ", stack.template().resourcesOfType("AWS::DynamoDB::Table").keySet().stream()
                .map(stack.provisioner()::ref).toList()));
        System.out.println("  Sign-in          " + stack.cognito().url() + "/oauth2/authorize   (Cognito stand-in; JWKS "
                + stack.cognito().jwksUri() + ", emails at " + stack.cognito().url() + "/outbox)");
        System.out.println("  Demo user        " + DemoCompany.EMAIL + "   (password in the README; company " + demoCompany + ", "
                + DemoCompany.CREDITS + " credits; try: java -jar devstack/target/image2model-devstack.jar generate photo.jpg)");
        System.out.println("  Stripe stand-in  " + stack.stripe().url() + "   (test mode: checkout and portal pages, signed events to /webhooks/stripe)");
        System.out.println("  FAL stand-in     " + stack.fal().url() + "   (JWKS " + stack.fal().jwksUrl() + "; faults: DEVSTACK_FAL_FAULTS)");
        System.out.println("  SQS (ElasticMQ)  " + stack.aws().sqsEndpoint());
        System.out.println("  S3 (S3Proxy)     " + stack.aws().s3Endpoint() + "   access key " + LocalAws.ACCESS_KEY
                + ", secret " + LocalAws.SECRET_KEY);
        if (!stack.initMillis().isEmpty()) {
            Map.Entry<String, Long> slowest = stack.initMillis().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
            System.out.println("  Functions        " + stack.initMillis().size() + " initialised at start in "
                    + stack.initMillis().values().stream().mapToLong(Long::longValue).sum() + " ms, as SnapStart publishing does (slowest "
                    + slowest.getKey() + ", " + slowest.getValue() + " ms)");
        }
        if (options.secretsUnset()) {
            System.out.println("  Secrets          left empty, as a first deploy creates them: billing, jobs and the webhooks answer 503 "
                    + "not_configured until they are put (no restart needed), e.g. with the stand-ins' values:");
            stack.secretsToPut().forEach((name, value) -> System.out.println("    aws --endpoint-url " + stack.secrets().url()
                    + " secretsmanager put-secret-value --secret-id " + name + " --secret-string '" + value + "'"));
        }
        System.out.println("  Routes           " + stack.functions().functions().values().stream()
                .flatMap(f -> f.routes().stream()).map(r -> r.routeKey() + " -> " + r.functionId()).toList());
        System.out.println(options.dataDir() == null ? "Press Ctrl-C to stop. Everything is in memory: it is gone when the devstack stops."
                : "Press Ctrl-C to stop. The data is kept in " + options.dataDir() + " (java -jar devstack/target/image2model-devstack.jar reset wipes it).");
        stopped.await();
    }

    /** Runs one function with an event file against the running devstack, or a fresh in-memory one. */
    static int invoke(Path root, String functionId, Path eventFile) throws Exception {
        if (!Files.isRegularFile(eventFile)) {
            System.err.println("No event file " + eventFile);
            return 2;
        }
        byte[] event = Files.readAllBytes(eventFile);
        Stack.Options options = Stack.Options.defaults(root);
        SamTemplate template = SamTemplate.load(options.template());
        if (template.functions().stream().noneMatch(f -> f.logicalId().equals(functionId))) {
            System.err.println("No function " + functionId + " in " + options.template() + "; there are "
                    + template.functions().stream().map(SamTemplate.FunctionDef::logicalId).toList());
            return 2;
        }
        LocalFunctions functions;
        Stack embedded = null;
        if (listening(options.awsPorts().dynamoDb()) && listening(options.awsPorts().sqs()) && listening(options.awsPorts().s3())) {
            System.err.println("Using the devstack running on this machine.");
            Endpoints endpoints = Endpoints.running(options.awsPorts());
            Provisioner names = new Provisioner(template, template.parameters(options.parameters()), endpoints, null);
            functions = new LocalFunctions(template.functions(), names.intrinsics(),
                    Stack.endpoints(endpoints, "http://localhost:" + options.cognitoPort()));
            functions.applyEnvironment();
        } else {
            System.err.println("No devstack running: using a fresh in-memory one for this invocation.");
            embedded = Stack.start(Stack.Options.forTests(root), false);
            functions = embedded.functions();
        }
        try {
            byte[] answer = functions.invoke(functionId, event);
            System.out.println(new String(answer, StandardCharsets.UTF_8));
            return 0;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /**
     * {@code generate [--quality medium] [--out DIR] [--api URL --token T] FILES...}: images to models
     * through the API of the running devstack (as its demo user) or of any deployment (--api, --token).
     */
    static int generate(Path root, String[] args) throws Exception {
        String quality = "medium";
        Path out = Path.of("models");
        String api = null;
        String token = null;
        long timeoutSeconds = 600;
        Integer polycount = null;
        boolean pbr = false;
        boolean quads = false;
        boolean detailed = false;
        java.util.List<Path> views = new java.util.ArrayList<>();
        java.util.List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (arg) {
                case "--quality" -> quality = hasValue ? args[++i] : null;
                case "--polycount" -> {
                    try {
                        polycount = hasValue ? Integer.valueOf(args[++i]) : null;
                    } catch (NumberFormatException e) {
                        usage("generate: --polycount takes a number of faces, as in --polycount 20000");
                    }
                    if (polycount == null) {
                        usage("generate: --polycount needs a value");
                    }
                }
                case "--pbr" -> pbr = true;
                case "--quads" -> quads = true;
                case "--detailed-texture" -> detailed = true;
                case "--views" -> {
                    if (!hasValue) {
                        usage("generate: --views needs the views' files, front first: --views front.jpg,left.jpg");
                    }
                    for (String view : args[++i].split(",")) {
                        views.add(Path.of(view.trim()));
                    }
                }
                case "--out" -> out = hasValue ? Path.of(args[++i]) : null;
                case "--api" -> api = hasValue ? args[++i] : null;
                // A company API key is sent as a token is (Authorization: Bearer); --api-key says what it is.
                case "--token", "--api-key" -> token = hasValue ? args[++i] : null;
                case "--timeout" -> timeoutSeconds = hasValue ? Long.parseLong(args[++i]) : 600;
                default -> {
                    if (arg.startsWith("--")) {
                        usage("generate: unknown option " + arg);
                    }
                    files.add(Path.of(arg));
                }
            }
            if (quality == null || out == null || (arg.equals("--api") && api == null) || ((arg.equals("--token") || arg.equals("--api-key")) && token == null)) {
                usage("generate: " + arg + " needs a value");
            }
        }
        if (files.isEmpty() && views.isEmpty()) {
            usage("generate needs at least one image file (or --views)");
        }
        if (views.size() == 1 || views.size() > 4) {
            usage("generate: --views takes 2 to 4 files of one object, front first, then left, back, right");
        }
        for (Path file : java.util.stream.Stream.concat(files.stream(), views.stream()).toList()) {
            if (!Files.isRegularFile(file)) {
                System.err.println("No such file: " + file);
                return 2;
            }
        }
        int frontPort = intEnv("DEVSTACK_PORT", Stack.Options.DEFAULT_FRONT_PORT);
        int cognitoPort = intEnv("DEVSTACK_COGNITO_PORT", Stack.Options.DEFAULT_COGNITO_PORT);
        if (api == null) {
            api = "http://localhost:" + frontPort;
        }
        if (token == null && System.getenv("I2M_API_KEY") != null && !System.getenv("I2M_API_KEY").isBlank()) {
            // From the environment: a key on the command line stays in the shell's history.
            token = System.getenv("I2M_API_KEY").trim();
        }
        if (token == null) {
            if (!listening(cognitoPort)) {
                System.err.println("No devstack is running (nothing answers on port " + cognitoPort
                        + "): start it with java -jar devstack/target/image2model-devstack.jar, or give --api and --token.");
                return 1;
            }
            // The devstack's web client and its callback on the front (the login flow checks the redirect).
            token = DemoCompany.token("http://localhost:" + cognitoPort, Provisioner.LOCAL_CLIENT_ID,
                    "http://localhost:" + frontPort + "/callback.html");
            System.out.println("Signed in as " + DemoCompany.EMAIL + " at " + api);
        }
        try {
            GenerateCommand.Result result = new GenerateCommand(api, token, System.out)
                    .run(files, views, new GenerateCommand.Options(quality, polycount, pbr, quads, detailed), out,
                            java.time.Duration.ofSeconds(timeoutSeconds));
            return result.state().equals("DONE") ? 0 : 1;
        } catch (GenerateCommand.Refused e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /**
     * {@code site-config --stage S --api URL --auth URL --client ID --site URL [--out FILE]}: the web
     * app's settings for one deployed stage (from the stack's outputs ApiUrl, CognitoDomain,
     * UserPoolClientId, SiteUrl), written as the config.json the site reads.
     */
    static int siteConfig(String[] args) throws Exception {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String required : java.util.List.of("stage", "api", "auth", "client", "site")) {
            if (!values.containsKey(required)) {
                usage("site-config needs --" + required);
            }
        }
        String site = values.get("site").replaceAll("/$", "");
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("stage", values.get("stage"));
        config.put("apiUrl", values.get("api").replaceAll("/$", ""));
        config.put("authUrl", values.get("auth").replaceAll("/$", ""));
        config.put("clientId", values.get("client"));
        config.put("redirectUri", site + "/callback.html");
        Path out = Path.of(values.getOrDefault("out", "static-site/config.json"));
        Files.writeString(out, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        System.out.println("Wrote " + out.toAbsolutePath());
        return 0;
    }

    /** {@code reconcile [--month 2026-11]}: the billing reconciliation report of the running devstack, as its operator (the demo user). */
    static int reconcile(String month) throws Exception {
        int frontPort = intEnv("DEVSTACK_PORT", Stack.Options.DEFAULT_FRONT_PORT);
        int cognitoPort = intEnv("DEVSTACK_COGNITO_PORT", Stack.Options.DEFAULT_COGNITO_PORT);
        if (!listening(cognitoPort)) {
            System.err.println("No devstack is running: start it with java -jar devstack/target/image2model-devstack.jar");
            return 1;
        }
        String token = DemoCompany.token("http://localhost:" + cognitoPort, Provisioner.LOCAL_CLIENT_ID,
                "http://localhost:" + frontPort + "/callback.html");
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + frontPort + "/admin/billing/reconcile" + (month == null ? "" : "?month=" + month)))
                .header("Authorization", "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(answer.body())));
        return answer.statusCode() == 200 && json.readTree(answer.body()).path("differences").isEmpty() ? 0 : 1;
    }

    /** The default password of users that {@code token} creates (it meets the pool's policy). */
    static final String DEFAULT_PASSWORD = "Devstack-Passw0rd";

    /**
     * Prints an access token for a user of the running devstack, obtained through the real login
     * flow (managed login, code + PKCE), creating the user on first use so that the triggers run.
     */
    static int token(Path root, String email, String password) throws Exception {
        Stack.Options options = Stack.Options.defaults(root);
        if (!listening(options.cognitoPort())) {
            System.err.println("No devstack is running (nothing answers on port " + options.cognitoPort()
                    + "): start it first with java -jar devstack/target/image2model-devstack.jar");
            return 1;
        }
        SamTemplate template = SamTemplate.load(options.template());
        Map<String, String> parameters = template.parameters(Map.of("SiteOrigin", "http://localhost:" + options.frontPort()));
        Provisioner names = new Provisioner(template, parameters, Endpoints.running(options.awsPorts()), null);
        CognitoConfig config = CognitoConfig.from(template, names.intrinsics());
        LoginFlow flow = new LoginFlow("http://localhost:" + options.cognitoPort(), config.clientId(), config.callbackUrls().get(0));
        LoginFlow.Result result = flow.signInOrUp(email, password == null ? DEFAULT_PASSWORD : password);
        if (result.error() != null) {
            System.err.println("Sign-in of " + email + " failed: " + result.error());
            return 1;
        }
        System.err.println("Access token of " + email + " (valid " + result.tokens().get("expires_in") + " s):");
        System.out.println(result.accessToken());
        return 0;
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The folder holding template.yaml: this one or the nearest above it (so it runs from devstack/ too). */
    static Path projectRoot(boolean required) {
        String configured = System.getenv("IMAGE2MODEL_ROOT");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        if (!required) {
            return null;
        }
        System.err.println("No template.yaml here or above: run from the project folder, or set IMAGE2MODEL_ROOT.");
        System.exit(2);
        return null;
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println(problem);
        }
        System.err.println(String.join(System.lineSeparator(), Arrays.asList(
                "usage: java -jar devstack/target/image2model-devstack.jar [command]",
                "  up [--data DIR | --in-memory] [--secrets-unset]  run the whole system locally (the default), keeping its data in DIR;"
                        + " --secrets-unset (or DEVSTACK_SECRETS=unset) leaves the secrets empty, as a first deploy does;"
                        + " --parameter-overrides Name=Value sets a template parameter (BillingEnabled=false keeps billing dark)",
                "                                       (default ./.devstack-data in the project folder) or in memory only",
                "  reset [--data DIR]                   delete the kept data, after saying what it deletes",
                "  invoke <FunctionLogicalId> <event>   run one function once with an event file",
                "  bench coldstart [--runs N] [--only FunctionId]  cold-start time of every function, or of one (default 5 runs)",
                "  bench thumbnail [--faces N] [--runs R]  a model's picture and quality report (default 10,000 faces, 20 runs)",
                "  bench reserve [--threads N] [--seconds S]  credit reservations per second on one company (default 8, 10)",
                "  bench pipeline [--images N] [--quality Q]  a batch through the whole pipeline: overhead and Lambda time per image",
                "  bench pipeline --images N --companies C --fal-slots S [--model-ms M] [--fifo]",
                "                                       FAL's slots shared: a big batch and C-1 small jobs, each company's completion times",
                "  bench chaos [--images N]             a batch (default 50) with FAL faults, worker crashes and a webhook outage: what became of each image",
                "  site-config --stage S --api URL --auth URL --client ID --site URL [--out FILE]",
                "                                       the web app's config.json for a deployed stage (from the stack's outputs)",
                "  reconcile [--month YYYY-MM]          the billing reconciliation report (Stripe against the ledger); exit 1 on differences",
                "  generate [--quality low|medium|high | --polycount N] [--pbr] [--quads] [--detailed-texture]",
                "           [--views front.jpg,left.jpg[,back.jpg,right.jpg]] [--out DIR] [--api URL --token T] FILES...",
                "                                       images to GLB models through the API (default: the running devstack's demo user);",
                "                                       each FILE is a model, --views one model of 2 to 4 views of one object",
                "  token <email> [--password P]         an access token of that user from the running devstack's login",
                "                                       (signs the user up on first use; default password " + DEFAULT_PASSWORD + ")")));
        System.exit(problem == null ? 0 : 2);
    }
}
