package com.image2model.wiring;

import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostConfirmationEvent;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreSignUpEvent;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.image2model.health.HealthFunction;
import com.image2model.platform.AwsClients;
import com.image2model.platform.LambdaEvents;
import com.image2model.platform.Settings;
import com.image2model.signup.PostConfirmationFunction;
import com.image2model.signup.PreSignUpFunction;
import com.image2model.signup.PreTokenGenerationFunction;

/**
 * The Spring application of the Lambda jar: registers every function by hand (functional bean
 * registration, no component scanning, no reflection-heavy configuration classes), each lazily so
 * that a Lambda builds only the function its SPRING_CLOUD_FUNCTION_DEFINITION names.
 */
public class FunctionsApplication implements ApplicationContextInitializer<GenericApplicationContext> {

    /** Spring Cloud Function's router: it picks the function from message headers, i.e. from the caller. */
    static final String ROUTER_BEAN = "functionRouter";

    /** How template.yaml tells each Lambda which function of this jar it runs. */
    public static final String DEFINITION_VARIABLE = "SPRING_CLOUD_FUNCTION_DEFINITION";

    /**
     * A function's bean: its name (the definition in template.yaml), its types, the settings it
     * reads (every one must be set for it in template.yaml; the required ones are checked before
     * anything is built, so a missing one fails the Lambda's init naming it) and how to build it.
     */
    public record FunctionSpec(String name, Class<?> input, Class<?> output, Set<AwsClients.Service> clients,
                               List<String> settings, Supplier<? extends Function<?, ?>> factory) {
        /** What Spring Cloud Function sees: a function of the raw invocation with its Lambda context (see {@link LambdaEvents}). */
        Type type() {
            return ResolvableType.forClassWithGenerics(Function.class,
                    ResolvableType.forClassWithGenerics(org.springframework.messaging.Message.class, InputStream.class),
                    ResolvableType.forClass(output)).getType();
        }

        /** The function as registered: its event read from the invocation's bytes by {@link LambdaEvents}, logged with its context. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        Function<org.springframework.messaging.Message<InputStream>, ?> build() {
            Settings.requireAll(settings);
            return LambdaEvents.withContext((Class) input, (Function) factory.get());
        }
    }

    // Each module's settings, as its typed config record names them.
    private static final List<String> MEMBERSHIP = CompanyModule.Config.SETTINGS;
    private static final List<String> LEDGER = CreditsModule.Config.SETTINGS;
    private static final List<String> STRIPE = BillingModule.Config.SETTINGS;
    private static final List<String> PIPELINE = JobsModule.PipelineConfig.SETTINGS;
    /** Every API function's callers are counted against the per-person limits. */
    private static final List<String> RATE_LIMITS = CompanyModule.Rates.SETTINGS;
    /** The GDPR routes of the company function: the buckets its exports sign URLs for, and the erasure queue. */
    private static final List<String> ERASURE = settings(PrivacyModule.Config.SETTINGS, PrivacyModule.Config.QUEUE);
    private static final List<String> JOB_LIMITS = JobsModule.JOB_LIMITS;

    @SafeVarargs
    private static List<String> settings(List<String>... groups) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        for (List<String> group : groups) {
            all.addAll(group);
        }
        return List.copyOf(all);
    }

    private static final Map<String, FunctionSpec> FUNCTIONS = catalog(
            new FunctionSpec("health", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.S3, AwsClients.Service.SQS),
                    List.of(Settings.TABLE_NAME, Settings.UPLOADS_BUCKET, Settings.RESULTS_BUCKET, Settings.JOBS_QUEUE_URL,
                            Settings.JOBS_DLQ_URL, Settings.HEALTH_TIMEOUT_MILLIS, Settings.USER_POOL_ID),
                    () -> HealthFunction.fromEnvironment(CompanyModule.operatorsGroup())),
            new FunctionSpec("company", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB, AwsClients.Service.COGNITO,
                            AwsClients.Service.S3_PRESIGNER),
                    settings(MEMBERSHIP, List.of(Settings.USER_POOL_ID, Settings.SITE_ORIGIN), LEDGER, STRIPE, RATE_LIMITS, ERASURE,
                            ApiKeysModule.ROUTES, WebhooksModule.ROUTES), CompanyModule::api),
            new FunctionSpec("apiAuthorizer", Map.class, Map.class, EnumSet.of(AwsClients.Service.DYNAMODB), ApiKeysModule.AUTHORIZER,
                    ApiKeysModule::authorizer),
            new FunctionSpec("admin", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.COGNITO),
                    settings(LEDGER, List.of(Settings.USER_POOL_ID)), AdminModule::api),
            new FunctionSpec("erasure", Map.class, SQSBatchResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB, AwsClients.Service.COGNITO, AwsClients.Service.S3),
                    settings(List.of(Settings.USER_POOL_ID, Settings.UPLOADS_BUCKET, Settings.RESULTS_BUCKET), LEDGER, STRIPE),
                    PrivacyModule::erasure),
            new FunctionSpec("billing", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB), settings(LEDGER, STRIPE, List.of(Settings.SITE_ORIGIN, Settings.USER_POOL_ID,
                    Settings.BILLING_ENABLED), RATE_LIMITS), BillingModule::api),
            new FunctionSpec("stripeWebhook", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB), settings(LEDGER, STRIPE, List.of(Settings.STRIPE_WEBHOOK_SECRET_ARN, Settings.BILLING_ENABLED), WebhooksModule.PUBLISH),
                    BillingModule::webhook),
            new FunctionSpec("credits", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), settings(LEDGER, RATE_LIMITS), CreditsModule::api),
            new FunctionSpec("jobs", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB, AwsClients.Service.S3, AwsClients.Service.S3_PRESIGNER),
                    settings(LEDGER, PIPELINE, JOB_LIMITS, RATE_LIMITS, List.of(Settings.SITE_ORIGIN, Settings.JOBS_QUEUE_URL),
                            WebhooksModule.PUBLISH), JobsModule::api),
            new FunctionSpec("worker", Map.class, SQSBatchResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB, AwsClients.Service.S3_PRESIGNER),
                    settings(LEDGER, PIPELINE, List.of(Settings.JOBS_QUEUE_URL, Settings.MODEL_CONVERT_INLINE_MAX_BYTES), WebhooksModule.PUBLISH),
                    JobsModule::worker),
            new FunctionSpec("falWebhook", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB),
                    settings(LEDGER, PIPELINE, List.of(Settings.FAL_JWKS_URL, Settings.FAL_USER_ID), WebhooksModule.PUBLISH),
                    JobsModule::falWebhook),
            new FunctionSpec("sweeper", Map.class, Map.class, EnumSet.of(AwsClients.Service.SECRETS_MANAGER, AwsClients.Service.DYNAMODB),
                    settings(LEDGER, PIPELINE, WebhooksModule.PUBLISH), JobsModule::sweeper),
            new FunctionSpec("webhookDelivery", Map.class, SQSBatchResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3_PRESIGNER), WebhooksModule.DELIVERY,
                    WebhooksModule::delivery),
            new FunctionSpec("domainCheck", Map.class, Map.class, EnumSet.of(AwsClients.Service.DYNAMODB), MEMBERSHIP,
                    CompanyModule::domainCheck),
            new FunctionSpec("preSignUp", CognitoUserPoolPreSignUpEvent.class, CognitoUserPoolPreSignUpEvent.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), MEMBERSHIP,
                    () -> new PreSignUpFunction(CompanyModule.memberships())),
            new FunctionSpec("postConfirmation", CognitoUserPoolPostConfirmationEvent.class, CognitoUserPoolPostConfirmationEvent.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), MEMBERSHIP,
                    () -> new PostConfirmationFunction(CompanyModule.memberships())),
            new FunctionSpec("preTokenGeneration", CognitoUserPoolPreTokenGenerationEventV2.class,
                    CognitoUserPoolPreTokenGenerationEventV2.class, EnumSet.of(AwsClients.Service.DYNAMODB), MEMBERSHIP,
                    () -> new PreTokenGenerationFunction(CompanyModule.memberships())));

    /**
     * The functions whose Lambda entry point is a plain handler of their own instead of Spring's
     * FunctionInvoker (template.yaml names the class as their Handler), by name: they are in the
     * catalog for their settings and clients, and never registered with Spring.
     */
    public static final Map<String, Class<? extends com.amazonaws.services.lambda.runtime.RequestStreamHandler>> PLAIN_HANDLERS =
            Map.of("apiAuthorizer", ApiAuthorizerHandler.class);

    /** Every function this jar offers, by definition name. */
    public static Map<String, FunctionSpec> functions() {
        return FUNCTIONS;
    }

    /**
     * In a Lambda (SPRING_CLOUD_FUNCTION_DEFINITION set) only that function is registered, and it is
     * built at init: Spring Cloud Function's catalog instantiates every registration when it
     * starts, so registering the others would build them all (and read their settings) in every
     * Lambda. Without a definition (the devstack, which names the function to each invoker, and
     * tests) all are registered, each built on its first invocation.
     */
    @Override
    public void initialize(GenericApplicationContext context) {
        java.util.Optional<String> definition = Settings.find(DEFINITION_VARIABLE);
        if (definition.isPresent()) {
            FunctionSpec spec = PLAIN_HANDLERS.containsKey(definition.get()) ? null : functions().get(definition.get());
            if (spec == null) {
                throw new IllegalStateException(DEFINITION_VARIABLE + " is '" + definition.get() + "', which is no function of this jar "
                        + functions().keySet());
            }
            register(context, spec);
        } else {
            for (FunctionSpec spec : functions().values()) {
                if (!PLAIN_HANDLERS.containsKey(spec.name())) {
                    registerLazily(context, spec);
                }
            }
        }
        // Without a router, a missing or unknown definition fails the Lambda's init instead of letting
        // a caller choose the function with a 'spring.cloud.function.definition' header.
        context.addBeanFactoryPostProcessor((BeanFactoryPostProcessor) beanFactory -> {
            if (beanFactory instanceof BeanDefinitionRegistry registry && registry.containsBeanDefinition(ROUTER_BEAN)) {
                registry.removeBeanDefinition(ROUTER_BEAN);
            }
        });
    }

    /** Registers the function, built (its settings checked) when the catalog starts: at the Lambda's init. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected static void register(GenericApplicationContext context, FunctionSpec spec) {
        context.registerBean(spec.name(), FunctionRegistration.class,
                () -> new FunctionRegistration(spec.build(), spec.name()).type(spec.type()),
                definition -> definition.setLazyInit(true));
    }

    /** Registers the function, built on its first invocation. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerLazily(GenericApplicationContext context, FunctionSpec spec) {
        java.util.concurrent.atomic.AtomicReference<Function<org.springframework.messaging.Message<InputStream>, ?>> built =
                new java.util.concurrent.atomic.AtomicReference<>();
        Function<org.springframework.messaging.Message<InputStream>, Object> lazy = input -> {
            Function<org.springframework.messaging.Message<InputStream>, ?> function = built.get();
            if (function == null) {
                synchronized (built) {
                    function = built.get();
                    if (function == null) {
                        function = spec.build();
                        built.set(function);
                    }
                }
            }
            return function.apply(input);
        };
        context.registerBean(spec.name(), FunctionRegistration.class,
                () -> new FunctionRegistration(lazy, spec.name()).type(spec.type()),
                definition -> definition.setLazyInit(true));
    }

    private static Map<String, FunctionSpec> catalog(FunctionSpec... specs) {
        Map<String, FunctionSpec> byName = new LinkedHashMap<>();
        for (FunctionSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalStateException("Two functions are named " + spec.name());
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
