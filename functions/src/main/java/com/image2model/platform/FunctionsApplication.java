package com.image2model.platform;

import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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
import com.image2model.billing.BillingModule;
import com.image2model.company.CompanyModule;
import com.image2model.credits.CreditsModule;
import com.image2model.health.HealthFunction;
import com.image2model.jobs.JobsModule;
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

    /** A function's bean: its name (the definition in template.yaml), its types and how to build it. */
    public record FunctionSpec(String name, Class<?> input, Class<?> output, Set<AwsClients.Service> clients,
                               Supplier<? extends Function<?, ?>> factory) {
        /** What Spring Cloud Function sees: a function of the raw invocation (see {@link LambdaEvents}). */
        Type type() {
            return ResolvableType.forClassWithGenerics(Function.class, InputStream.class, output).getType();
        }

        /** The function as registered: its event read from the invocation's bytes by {@link LambdaEvents}. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        Function<InputStream, ?> build() {
            return LambdaEvents.reading((Class) input, (Function) factory.get());
        }
    }

    private static final Map<String, FunctionSpec> FUNCTIONS = catalog(
            new FunctionSpec("health", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3, AwsClients.Service.SQS),
                    HealthFunction::fromEnvironment),
            new FunctionSpec("company", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.COGNITO),
                    BillingModule::company),
            new FunctionSpec("billing", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), BillingModule::api),
            new FunctionSpec("stripeWebhook", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), BillingModule::webhook),
            new FunctionSpec("credits", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB), CreditsModule::api),
            new FunctionSpec("jobs", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3_PRESIGNER), JobsModule::api),
            new FunctionSpec("worker", Map.class, SQSBatchResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3, AwsClients.Service.S3_PRESIGNER), JobsModule::worker),
            new FunctionSpec("falWebhook", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3), JobsModule::falWebhook),
            new FunctionSpec("sweeper", Map.class, Map.class, EnumSet.of(AwsClients.Service.DYNAMODB, AwsClients.Service.S3),
                    JobsModule::sweeper),
            new FunctionSpec("preSignUp", CognitoUserPoolPreSignUpEvent.class, CognitoUserPoolPreSignUpEvent.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB),
                    () -> new PreSignUpFunction(CompanyModule.memberships())),
            new FunctionSpec("postConfirmation", CognitoUserPoolPostConfirmationEvent.class, CognitoUserPoolPostConfirmationEvent.class,
                    EnumSet.of(AwsClients.Service.DYNAMODB),
                    () -> new PostConfirmationFunction(CompanyModule.memberships())),
            new FunctionSpec("preTokenGeneration", CognitoUserPoolPreTokenGenerationEventV2.class,
                    CognitoUserPoolPreTokenGenerationEventV2.class, EnumSet.of(AwsClients.Service.DYNAMODB),
                    () -> new PreTokenGenerationFunction(CompanyModule.memberships())));

    /** Every function this jar offers, by definition name. */
    public static Map<String, FunctionSpec> functions() {
        return FUNCTIONS;
    }

    @Override
    public void initialize(GenericApplicationContext context) {
        for (FunctionSpec spec : functions().values()) {
            register(context, spec);
        }
        // Without a router, a missing or unknown definition fails the Lambda's init instead of letting
        // a caller choose the function with a 'spring.cloud.function.definition' header.
        context.addBeanFactoryPostProcessor((BeanFactoryPostProcessor) beanFactory -> {
            if (beanFactory instanceof BeanDefinitionRegistry registry && registry.containsBeanDefinition(ROUTER_BEAN)) {
                registry.removeBeanDefinition(ROUTER_BEAN);
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    protected static void register(GenericApplicationContext context, FunctionSpec spec) {
        context.registerBean(spec.name(), FunctionRegistration.class,
                () -> new FunctionRegistration(spec.build(), spec.name()).type(spec.type()),
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
