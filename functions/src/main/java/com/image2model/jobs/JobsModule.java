package com.image2model.jobs;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.NotConfigured;
import com.image2model.platform.Secrets;
import java.time.Clock;
import java.util.List;

import com.image2model.company.CompanyStore;
import com.image2model.credits.Catalog;
import com.image2model.credits.CreditLedger;
import com.image2model.credits.CreditsModule;
import com.image2model.credits.SweeperFunction;
import com.image2model.fal.FalClient;
import com.image2model.fal.FalWebhookFunction;
import com.image2model.fal.FalWebhookVerifier;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** Builds the jobs functions from the environment (once per Lambda). */
public final class JobsModule {

    private JobsModule() {
    }

    public static Pipeline pipeline(CreditLedger ledger) {
        return pipeline(ledger, Catalog.load());
    }

    static Pipeline pipeline(CreditLedger ledger, Catalog catalog) {
        String table = Settings.get(Settings.TABLE_NAME);
        JobStore store = new JobStore(AwsClients.dynamoDb(), table, ledger, Clock.systemUTC());
        FalClient fal = new FalClient(FalClient.httpClient(), Settings.get(Settings.FAL_QUEUE_URL),
                Secrets.value(Settings.FAL_KEY_ARN, Secrets.Kind.FAL_KEY),
                Settings.getInt(Settings.FAL_RETRY_ATTEMPTS), Settings.getLong(Settings.FAL_RETRY_BASE_MILLIS));
        ImageCheck check = new ImageCheck(Settings.getInt(Settings.IMAGE_MIN_SIDE), Settings.getInt(Settings.IMAGE_MAX_SIDE),
                Settings.getLong(Settings.IMAGE_MAX_PIXELS));
        Pipeline.Config config = new Pipeline.Config(Settings.getInt(Settings.JOBS_MAX_RECEIVES),
                Settings.getSeconds(Settings.FAL_IMAGE_URL_SECONDS), Settings.getSeconds(Settings.FAL_POLL_AFTER_SECONDS),
                Settings.getSeconds(Settings.FAL_POLL_EVERY_SECONDS), Settings.getSeconds(Settings.FAL_MAX_WAIT_SECONDS),
                Settings.getLong(Settings.FAL_MAX_GLB_BYTES), Settings.get(Settings.FAL_WEBHOOK_URL));
        return new Pipeline(store, ledger, AwsClients.s3(), AwsClients.s3Presigner(), fal, catalog, check,
                Settings.get(Settings.UPLOADS_BUCKET), Settings.get(Settings.RESULTS_BUCKET), config, Clock.systemUTC());
    }

    public static JobsFunction api() {
        String table = Settings.get(Settings.TABLE_NAME);
        CreditLedger ledger = CreditsModule.ledger();
        Catalog catalog = Catalog.load();
        JobsFunction.Limits limits = new JobsFunction.Limits(Settings.getInt(Settings.JOBS_MAX_FILES),
                Settings.getLong(Settings.JOBS_MAX_FILE_BYTES), Settings.getSeconds(Settings.JOBS_UPLOAD_WINDOW_SECONDS),
                Settings.getSeconds(Settings.JOBS_HOLD_GRACE_SECONDS), Settings.getSeconds(Settings.JOBS_RESULT_URL_SECONDS));
        return new JobsFunction(com.image2model.company.CompanyModule.callers(), new JobStore(AwsClients.dynamoDb(), table, ledger, Clock.systemUTC()), pipeline(ledger, catalog), ledger,
                CreditsModule.fairUse(catalog), new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC()), catalog,
                AwsClients.s3Presigner(), Settings.get(Settings.UPLOADS_BUCKET), Settings.get(Settings.RESULTS_BUCKET), limits,
                new com.image2model.limits.PersonalLimits(com.image2model.company.CompanyModule.rateLimiter(),
                        com.image2model.company.CompanyModule.rateLimits()),
                Clock.systemUTC());
    }

    public static WorkerFunction worker() {
        return new WorkerFunction(pipeline(CreditsModule.ledger()));
    }

    /** Fail closed: without a usable FAL key the endpoint refuses everything (503) instead of guessing. */
    public static java.util.function.Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> falWebhook() {
        String jwks = Settings.get(Settings.FAL_JWKS_URL);
        return Secrets.<java.util.function.Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>>orElse(() -> new FalWebhookFunction(new FalWebhookVerifier(FalClient.httpClient(), jwks, Clock.systemUTC()),
                pipeline(CreditsModule.ledger())), why -> new NotConfigured("falWebhook", why));
    }

    /** Job-aware: a job file's expired hold fails the file too; files whose webhook is late are polled. */
    public static SweeperFunction sweeper() {
        Pipeline pipeline = pipeline(CreditsModule.ledger());
        return new SweeperFunction(List.of(pipeline::sweep), Clock.systemUTC());
    }
}
