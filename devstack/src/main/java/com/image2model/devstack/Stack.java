package com.image2model.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.aws.LocalAws;
import com.image2model.devstack.aws.LocalSecretsManager;
import com.image2model.devstack.identity.CognitoConfig;
import com.image2model.devstack.identity.JwtAuthorizer;
import com.image2model.devstack.identity.LocalCognito;
import com.image2model.devstack.aws.Provisioner;
import com.image2model.devstack.front.HttpFront;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.lambda.LocalFunctions;
import com.image2model.devstack.stripe.StripeStandIn;
import com.image2model.devstack.lambda.Schedules;
import com.image2model.devstack.lambda.SqsEventSources;
import com.image2model.devstack.template.SamTemplate;

/** The devstack assembled: emulators provisioned from template.yaml, the functions, and the HTTP front. */
public final class Stack implements AutoCloseable {

    static {
        // Every HTTP server of the devstack answers small requests at once (see DynamoServer).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The HTTP API's default authorizer as the template has it: a Lambda REQUEST authorizer, or a JWT authorizer. */
    private static HttpFront.Authorizer apiAuthorizer(SamTemplate template, com.image2model.devstack.template.Intrinsics intrinsics,
                                                      LocalFunctions functions, LocalCognito cognito) {
        SamTemplate.ApiAuthorizer declared = template.defaultApiAuthorizer();
        if (declared != null && declared.isLambda()) {
            long seconds = Long.parseLong(intrinsics.evaluateString(declared.reauthorizeEvery()));
            return new com.image2model.devstack.front.LambdaRequestAuthorizer(functions, declared.functionId(), declared.identityHeaders(),
                    java.time.Duration.ofSeconds(seconds), Clock.systemUTC());
        }
        return new JwtAuthorizer(cognito.config().issuer(), cognito.config().audiences(), cognito.jwksUri(), Clock.systemUTC());
    }

    /** Where things are and which ports to use; 0 picks free ports (tests run beside a devstack). */
    public record Options(Path template, Path site, LocalAws.Ports awsPorts, int frontPort, int cognitoPort,
                          Map<String, String> parameters, int falPort, FalStandIn.Faults falFaults, Integer sqsRetryDelaySeconds,
                          boolean runSchedules, Map<String, String> functionEnvironment, int stripePort, int secretsPort, Path dataDir,
                          boolean secretsUnset) {
        public static final int DEFAULT_FRONT_PORT = 8080;
        public static final int DEFAULT_SECRETS_PORT = 4584;
        public static final int DEFAULT_COGNITO_PORT = 9229;
        public static final int DEFAULT_FAL_PORT = 9090;
        public static final int DEFAULT_STRIPE_PORT = 12111;

        public static Options defaults(Path root) {
            return new Options(root.resolve("template.yaml"), root.resolve("static-site"), new LocalAws.Ports(
                    intEnv("DEVSTACK_DYNAMODB_PORT", LocalAws.Ports.DEFAULTS.dynamoDb()),
                    intEnv("DEVSTACK_SQS_PORT", LocalAws.Ports.DEFAULTS.sqs()),
                    intEnv("DEVSTACK_S3_PORT", LocalAws.Ports.DEFAULTS.s3())),
                    intEnv("DEVSTACK_PORT", DEFAULT_FRONT_PORT), intEnv("DEVSTACK_COGNITO_PORT", DEFAULT_COGNITO_PORT), Map.of(),
                    intEnv("DEVSTACK_FAL_PORT", DEFAULT_FAL_PORT), FalStandIn.Faults.parse(System.getenv("DEVSTACK_FAL_FAULTS")),
                    null, true, Map.of(), intEnv("DEVSTACK_STRIPE_PORT", DEFAULT_STRIPE_PORT),
                    intEnv("DEVSTACK_SECRETS_PORT", DEFAULT_SECRETS_PORT), null, "unset".equalsIgnoreCase(System.getenv("DEVSTACK_SECRETS")));
        }

        /**
         * Free ports; no schedules (tests run the sweeper when they mean to); failed SQS messages come
         * back after 1 s instead of the queue's visibility timeout; FAL's late answers are polled
         * after 2 s and retries wait tens of milliseconds, so that failure tests take seconds.
         */
        /** The same options, keeping the data in {@code dir} (tables, objects, users, Stripe's objects) across restarts. */
        public Options withData(Path dir) {
            return new Options(template, site, awsPorts, frontPort, cognitoPort, parameters, falPort, falFaults, sqsRetryDelaySeconds,
                    runSchedules, functionEnvironment, stripePort, secretsPort, dir, secretsUnset);
        }

        /**
         * The same with the template's secrets left empty, as a first deploy creates them: the
         * functions must still start (and answer 503 not_configured where they need one) until
         * someone puts the values with PutSecretValue.
         */
        /** The same with a template parameter set, as {@code sam deploy --parameter-overrides Name=Value} sets it. */
        public Options withParameter(String name, String value) {
            Map<String, String> all = new java.util.LinkedHashMap<>(parameters);
            all.put(name, value);
            return new Options(template, site, awsPorts, frontPort, cognitoPort, Map.copyOf(all), falPort, falFaults, sqsRetryDelaySeconds,
                    runSchedules, functionEnvironment, stripePort, secretsPort, dataDir, secretsUnset);
        }

        /** The same with a function setting of the devstack's own (it wins over template.yaml's, as for the test stack's). */
        public Options withFunctionSetting(String name, String value) {
            Map<String, String> all = new java.util.LinkedHashMap<>(functionEnvironment);
            all.put(name, value);
            return new Options(template, site, awsPorts, frontPort, cognitoPort, parameters, falPort, falFaults, sqsRetryDelaySeconds,
                    runSchedules, Map.copyOf(all), stripePort, secretsPort, dataDir, secretsUnset);
        }

        public Options withSecretsUnset() {
            return new Options(template, site, awsPorts, frontPort, cognitoPort, parameters, falPort, falFaults, sqsRetryDelaySeconds,
                    runSchedules, functionEnvironment, stripePort, secretsPort, dataDir, true);
        }

        public static Options forTests(Path root) {
            return new Options(root.resolve("template.yaml"), root.resolve("static-site"), LocalAws.Ports.ANY_FREE, 0, 0, Map.of(),
                    0, FalStandIn.Faults.NONE, 1, false, Map.of(
                            "FAL_POLL_AFTER_SECONDS", "2",
                            "FAL_POLL_EVERY_SECONDS", "1",
                            "FAL_RETRY_BASE_MILLIS", "50",
                            // Low and medium models (under 64 KB) convert within the request, high ones through the worker: tests see both.
                            "MODEL_CONVERT_INLINE_MAX_BYTES", "65536",
                            // Webhook retries a second apart, for 20 s (an endpoint failing that long is turned off).
                            "WEBHOOK_RETRY_SECONDS", "1",
                            "WEBHOOK_RETRY_WINDOW_SECONDS", "20",
                            // The authorizer keeps a decision 2 s: tests see a revoked key's cached yes lapse.
                            "AUTHORIZER_CACHE_SECONDS", "2",
                            // The suite's many companies share one stack whose schedules do not run (no sweeper ends a
                            // lost webhook's file): slots are plenty here; FalSlotsTest starts a stack of its own with 2.
                            "FAL_SLOTS", "32"), 0, 0, null, false);
        }
    }

    private final SamTemplate template;
    private final LocalAws aws;
    private final Provisioner provisioner;
    private final LocalFunctions functions;
    private final HttpFront front;
    private final LocalCognito cognito;
    private final FalStandIn fal;
    private final StripeStandIn stripe;
    private final LocalSecretsManager secrets;
    private final Map<String, String> secretsToPut = new LinkedHashMap<>();
    private final Map<String, Long> initMillis = new LinkedHashMap<>();
    private final List<com.image2model.devstack.persist.StateFile> stateFiles = new java.util.ArrayList<>();
    private final SqsEventSources eventSources;
    private final Schedules schedules;
    private final com.image2model.devstack.dns.LocalDns dns;

    private Stack(SamTemplate template, LocalAws aws, Provisioner provisioner, LocalFunctions functions, HttpFront front,
                  LocalCognito cognito, FalStandIn fal, StripeStandIn stripe, LocalSecretsManager secrets, SqsEventSources eventSources,
                  Schedules schedules, com.image2model.devstack.dns.LocalDns dns) {
        this.dns = dns;
        this.template = template;
        this.aws = aws;
        this.provisioner = provisioner;
        this.functions = functions;
        this.front = front;
        this.cognito = cognito;
        this.fal = fal;
        this.stripe = stripe;
        this.secrets = secrets;
        this.eventSources = eventSources;
        this.schedules = schedules;
    }

    public static Stack start(Options options) throws Exception {
        return start(options, true);
    }

    /** Starts the emulators and provisions them; with {@code withFront} also the HTTP front. */
    public static Stack start(Options options, boolean withFront) throws Exception {
        // The functions' EMF metric lines are counted as CloudWatch would (shown at /_devstack/metrics).
        com.image2model.devstack.metrics.EmfCollector.install();
        SamTemplate template = SamTemplate.load(options.template());
        Map<String, String> overrides = new LinkedHashMap<>(options.parameters());
        // The site's origin must be known before the front starts (CORS, Cognito's callback URL): a free port is picked now.
        int frontPort = withFront && options.frontPort() == 0 ? com.image2model.devstack.aws.FreePort.find() : options.frontPort();
        if (withFront) {
            overrides.putIfAbsent("SiteOrigin", "http://localhost:" + frontPort);
        }
        if (System.getenv("FAL_KEY") == null || System.getenv("FAL_KEY").isBlank()) {
            // The FAL stand-in's account: its webhooks carry this user id (the FalUserId parameter, as a deployment sets FAL's).
            overrides.putIfAbsent("FalUserId", FalStandIn.USER_ID);
        }
        // Webhook receivers on one machine are local: http and loopback allowed (private and metadata addresses still are not).
        overrides.putIfAbsent("WebhookTargets", "loopback-allowed");
        Map<String, String> parameters = template.parameters(overrides);
        LocalAws aws = LocalAws.start(options.awsPorts(), Provisioner.cors(template, parameters), options.dataDir());
        try {
            Provisioner provisioner = new Provisioner(template, parameters, aws);
            provisioner.provisionAll();
            // The functions need the stand-in's URL, and the stand-in runs the functions as its triggers.
            AtomicReference<LocalFunctions> functionsRef = new AtomicReference<>();
            LocalCognito cognito = new LocalCognito(options.cognitoPort(), CognitoConfig.from(template, provisioner.intrinsics()),
                    (functionId, event) -> invokeTrigger(functionsRef.get(), functionId, event), Clock.systemUTC());
            List<com.image2model.devstack.persist.StateFile> stateFiles = new java.util.ArrayList<>();
            if (options.dataDir() != null) {
                Path cognitoState = options.dataDir().resolve("cognito.json");
                cognito.restore(com.image2model.devstack.persist.StateFile.load(cognitoState));
                stateFiles.add(new com.image2model.devstack.persist.StateFile(cognitoState, cognito::state).start());
            }
            // The template's secrets, served by the Secrets Manager stand-in: the functions read them as in AWS.
            LocalSecretsManager secrets = new LocalSecretsManager(options.secretsPort(), Clock.systemUTC()).start();
            Map<String, String> endpoints = endpoints(aws, cognito.url());
            endpoints.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.url());
            // Domain verification asks the devstack's own DNS (its zone only; nothing is forwarded).
            com.image2model.devstack.dns.LocalDns dns = new com.image2model.devstack.dns.LocalDns(
                    options.frontPort() == 0 ? 0 : intEnv("DEVSTACK_DNS_PORT", DEFAULT_DNS_PORT)).start();
            if (options.dataDir() != null) {
                Path dnsState = options.dataDir().resolve("dns.json");
                dns.restore(com.image2model.devstack.persist.StateFile.load(dnsState));
                stateFiles.add(new com.image2model.devstack.persist.StateFile(dnsState, dns::state).start());
            }
            endpoints.put("DNS_RESOLVER", dns.address());
            LocalFunctions functions = new LocalFunctions(template.functions(), provisioner.intrinsics(), endpoints);
            functionsRef.set(functions);
            functions.applyEnvironment();
            // The API's authorizer reads the stand-in's signing keys (in AWS: the pool's own JWKS URL).
            System.setProperty("COGNITO_JWKS_URL", cognito.jwksUri().toString());
            options.functionEnvironment().forEach(System::setProperty);
            Map<String, String> secretValues = new LinkedHashMap<>();
            // With no FAL key in the devstack's environment, the functions talk to the stand-in.
            FalStandIn fal = new FalStandIn(options.falPort(), FalStandIn.DEFAULT_KEY, options.falFaults(), Clock.systemUTC()).start();
            String slots = System.getenv("DEVSTACK_FAL_SLOTS");
            if (slots != null && !slots.isBlank()) {
                fal.setSlots(Integer.parseInt(slots.trim()));
            }
            String falKey = System.getenv("FAL_KEY");
            if (falKey == null || falKey.isBlank()) {
                System.setProperty("FAL_QUEUE_URL", fal.url());
                System.setProperty("FAL_JWKS_URL", fal.jwksUrl());
                // The functions submit as many at once as the stand-in's account runs (the template's FAL_SLOTS is FAL's),
                // unless the stack was started with its own value.
                if (!options.functionEnvironment().containsKey("FAL_SLOTS")) {
                    System.setProperty("FAL_SLOTS", String.valueOf(fal.slots()));
                }
                falKey = fal.key();
            }
            secretValues.put("FalApiKeySecret", falKey);
            // With no Stripe key in the devstack's environment, billing talks to the Stripe stand-in (test mode).
            StripeStandIn stripe = new StripeStandIn(options.stripePort(), com.image2model.credits.Catalog.load(), Clock.systemUTC());
            if (options.dataDir() != null) {
                Path stripeState = options.dataDir().resolve("stripe.json");
                stripe.restore(com.image2model.devstack.persist.StateFile.load(stripeState));
                stateFiles.add(new com.image2model.devstack.persist.StateFile(stripeState, stripe::state).start());
            }
            String stripeKey = System.getenv("STRIPE_SECRET_KEY");
            String stripeWebhookSecret = System.getenv("STRIPE_WEBHOOK_SECRET");
            if (stripeKey == null || stripeKey.isBlank()) {
                System.setProperty("STRIPE_API_BASE", stripe.url());
                stripeKey = StripeStandIn.SECRET_KEY;
                stripeWebhookSecret = StripeStandIn.WEBHOOK_SECRET;
            }
            secretValues.put("StripeApiKeySecret", stripeKey);
            secretValues.put("StripeWebhookSigningSecret", stripeWebhookSecret);
            Map<String, String> unset = new LinkedHashMap<>();
            for (String secretId : template.resourcesOfType("AWS::SecretsManager::Secret").keySet()) {
                String value = secretValues.get(secretId);
                if (options.secretsUnset() && value != null && !value.isBlank()) {
                    unset.put(provisioner.secretName(secretId), value);
                }
                if (options.secretsUnset() || value == null || value.isBlank()) {
                    secrets.declare(provisioner.secretName(secretId));
                } else {
                    secrets.put(provisioner.secretName(secretId), value);
                }
            }
            // IAM: each function may call the stand-ins only as its Policies in template.yaml allow.
            com.image2model.devstack.iam.Iam iam = com.image2model.devstack.iam.Iam.fromTemplate(template, provisioner.intrinsics(),
                    LocalAws.REGION, LocalAws.ACCOUNT_ID, !"off".equalsIgnoreCase(System.getenv("DEVSTACK_IAM")));
            com.image2model.devstack.iam.CallerIdentity.install();
            aws.dynamoDbServer().setAuthorizer((token, operation, request) -> iam.denial(token,
                    com.image2model.devstack.iam.DynamoAccess.of(operation, request, LocalAws.REGION, LocalAws.ACCOUNT_ID)).ifPresent(message -> {
                        throw new com.image2model.devstack.dynamodb.DynamoException("AccessDeniedException", message);
                    }));
            // DEVSTACK_S3_URL_LIFETIME_SECONDS: presigned URLs die that long after signing, as a role session's end cuts them.
            var urlLifetime = new java.util.concurrent.atomic.AtomicReference<java.time.Duration>();
            String lifetime = System.getenv("DEVSTACK_S3_URL_LIFETIME_SECONDS");
            if (lifetime != null && !lifetime.isBlank()) {
                urlLifetime.set(java.time.Duration.ofSeconds(Long.parseLong(lifetime.trim())));
            }
            aws.s3Front().setCheck(com.image2model.devstack.iam.S3Access.check(iam, urlLifetime));
            aws.sqsFront().setCheck(com.image2model.devstack.iam.SqsAccess.check(iam, LocalAws.REGION, LocalAws.ACCOUNT_ID));
            secrets.setIam(iam);
            cognito.setIam(iam);
            String report = System.getProperty("devstack.iam.report", System.getenv("DEVSTACK_IAM_REPORT"));
            if (report != null) {
                // The actions each function used, written at exit (for reviewing the template's policies).
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Files.writeString(Path.of(report), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(iam.used()));
                    } catch (java.io.IOException ignored) {
                        // A report only.
                    }
                }));
            }
            cognito.start();
            HttpFront front = null;
            SqsEventSources eventSources = null;
            Schedules schedules = null;
            if (withFront) {
                Path site = Files.isDirectory(options.site()) ? options.site().toAbsolutePath().normalize() : null;
                front = new HttpFront(frontPort, functions, site, List.of(parameters.get("SiteOrigin")));
                front.setDns(dns);
                front.setAuthorizer(apiAuthorizer(template, provisioner.intrinsics(), functions, cognito));
                front.start();
                System.setProperty("FAL_WEBHOOK_URL", front.url() + "/webhooks/fal");
                System.setProperty("SITE_ORIGIN", front.url());
                Map<String, Object> siteConfig = new LinkedHashMap<>();
                siteConfig.put("stage", "devstack");
                siteConfig.put("apiUrl", front.url());
                siteConfig.put("authUrl", cognito.url());
                siteConfig.put("clientId", cognito.config().clientId());
                siteConfig.put("redirectUri", front.url() + "/callback.html");
                front.setSiteConfig(siteConfig);
                String s3Origin = aws.s3Endpoint().getScheme() + "://" + aws.s3Endpoint().getAuthority();
                front.setSiteHeaders(com.image2model.devstack.front.SecurityHeaders.fromTemplate(template, Map.of(
                        "Api", front.url(), "Auth", cognito.url(), "Uploads", s3Origin, "Results", s3Origin)));
                stripe.start(front.url() + "/webhooks/stripe");
                eventSources = new SqsEventSources(functions, aws.sqs(),
                        SqsEventSources.fromTemplate(template, provisioner.intrinsics(), provisioner::queueUrlOfArn),
                        options.sqsRetryDelaySeconds()).start();
                if (options.runSchedules()) {
                    schedules = new Schedules(functions, template).start();
                }
            }
            if (front == null) {
                stripe.start(null);
            }
            // The company the sample events in events/ are signed in as: `invoke` and the tests replay them as its member.
            Path root = options.template().toAbsolutePath().getParent();
            if (Files.isRegularFile(root.resolve("events/company.json"))) {
                com.image2model.devstack.samples.SampleEventsCompany.seed(aws, provisioner.ref("Table"), root);
            }
            if (Files.isRegularFile(root.resolve("events/admin.json"))) {
                // The operator the operators' sample event is signed in as: the user pool says they are one.
                var claims = JSON.readTree(root.resolve("events/admin.json").toFile()).at("/requestContext/authorizer/lambda");
                cognito.seedUser(claims.path("sub").asText(), claims.path("email").asText(),
                        java.util.Arrays.stream(claims.path("cognito:groups").asText().replaceAll("[\\[\\]]", " ").trim().split("[\\s,]+"))
                                .filter(g -> !g.isBlank()).toList());
            }
            Map<String, Long> initMillis = withFront
                    // As SnapStart publishing does: every function's init runs before the first request.
                    ? functions.initialiseAll() : Map.of();
            Stack stack = new Stack(template, aws, provisioner, functions, front, cognito, fal, stripe, secrets, eventSources, schedules, dns);
            stack.presignedUrlLifetime = urlLifetime;
            stack.stateFiles.addAll(stateFiles);
            stack.secretsToPut.putAll(unset);
            stack.initMillis.putAll(initMillis);
            return stack;
        } catch (Exception | Error e) {
            aws.close();
            throw e;
        }
    }

    /** What a function needs to reach the emulators instead of AWS (the SDK's own variable names). */
    /** Runs a trigger function with a Cognito event; a failure carries the function's own message, as Cognito shows it. */
    static Map<String, Object> invokeTrigger(LocalFunctions functions, String functionId, Map<String, Object> event)
            throws LocalCognito.TriggerFailed {
        try {
            byte[] answer = functions.invoke(functionId, JSON.writeValueAsBytes(event));
            return JSON.readValue(answer, new TypeReference<>() { });
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new LocalCognito.TriggerFailed(String.valueOf(cause.getMessage()));
        }
    }

    static Map<String, String> endpoints(com.image2model.devstack.aws.Endpoints aws, String cognitoUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cognitoUrl);
        // The stand-in also takes SES's SendEmail: notifications land in its outbox.
        env.put("AWS_ENDPOINT_URL_SESV2", cognitoUrl);
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

    /** How long a presigned S3 URL lives at most (null: as signed), as a role session's end would cut it. */
    private java.util.concurrent.atomic.AtomicReference<java.time.Duration> presignedUrlLifetime =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Presigned URLs die this long after they were signed (null: at their own expiry), as when a Lambda role session ends. */
    public void expirePresignedUrlsAfter(java.time.Duration lifetime) {
        presignedUrlLifetime.set(lifetime);
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

    public LocalCognito cognito() {
        return cognito;
    }

    public FalStandIn fal() {
        return fal;
    }

    /** With the secrets left unset: each secret's name and the value the devstack would have put (its stand-ins' keys). */
    public Map<String, String> secretsToPut() {
        return java.util.Collections.unmodifiableMap(secretsToPut);
    }

    /** Each function's init time at start, ms (empty when the functions start on first use). */
    public Map<String, Long> initMillis() {
        return java.util.Collections.unmodifiableMap(initMillis);
    }

    public LocalSecretsManager secrets() {
        return secrets;
    }

    public StripeStandIn stripe() {
        return stripe;
    }

    /** The devstack's DNS zone, which domain verification reads. */
    public com.image2model.devstack.dns.LocalDns dns() {
        return dns;
    }

    public SqsEventSources eventSources() {
        return eventSources;
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    @Override
    public void close() throws Exception {
        if (schedules != null) {
            schedules.close();
        }
        if (eventSources != null) {
            eventSources.close();
        }
        fal.close();
        stripe.close();
        secrets.close();
        stateFiles.forEach(com.image2model.devstack.persist.StateFile::close);
        if (front != null) {
            front.close();
        }
        cognito.close();
        dns.close();
        aws.close();
    }

    /** Where the devstack's DNS listens (UDP, loopback) unless DEVSTACK_DNS_PORT says otherwise. */
    public static final int DEFAULT_DNS_PORT = 5353;
}
