package com.image2model.wiring;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.company.CompanyStore;
import com.image2model.credits.Catalog;
import com.image2model.credits.FairUseRule;
import com.image2model.credits.CreditLedger;
import com.image2model.fal.FalClient;
import com.image2model.fal.FalWebhookVerifier;
import com.image2model.jobs.FalWebhookFunction;
import com.image2model.jobs.ImageCheck;
import com.image2model.jobs.JobStore;
import com.image2model.jobs.JobSubmissions;
import com.image2model.jobs.JobViews;
import com.image2model.jobs.JobsApi;
import com.image2model.projects.ProjectStore;
import com.image2model.projects.ProjectsApi;
import com.image2model.jobs.FalSlots;
import com.image2model.jobs.Pipeline;
import com.image2model.jobs.SweeperFunction;
import com.image2model.jobs.WorkerFunction;
import com.image2model.limits.PersonalLimits;
import com.image2model.platform.AwsClients;
import com.image2model.platform.NotConfigured;
import com.image2model.platform.Secrets;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;
import com.image2model.review.ReviewStore;
import com.image2model.review.ReviewsApi;
import com.image2model.tenancy.MemberRoutes;

/** Builds the jobs functions from the environment (once per Lambda). */
public final class JobsModule {

    /** The pipeline's settings: the buckets, the image limits, and how FAL is called, polled and retried. */
    public record PipelineConfig(String table, String uploadsBucket, String resultsBucket, int maxReceives, int imageMinSide,
                                 int imageMaxSide, long imageMaxPixels, String falQueueUrl, String falWebhookUrl, Duration falImageUrlTtl,
                                 Duration falPollAfter, Duration falPollEvery, Duration falMaxWait, long falMaxGlbBytes, int falRetryAttempts,
                                 long falRetryBaseMillis) {
        static final List<String> SETTINGS = List.of(Settings.TABLE_NAME, Settings.UPLOADS_BUCKET, Settings.RESULTS_BUCKET,
                Settings.JOBS_MAX_RECEIVES, Settings.IMAGE_MIN_SIDE, Settings.IMAGE_MAX_SIDE, Settings.IMAGE_MAX_PIXELS,
                Settings.FAL_QUEUE_URL, Settings.FAL_KEY_ARN, Settings.FAL_WEBHOOK_URL, Settings.FAL_IMAGE_URL_SECONDS,
                Settings.FAL_POLL_AFTER_SECONDS, Settings.FAL_POLL_EVERY_SECONDS, Settings.FAL_MAX_WAIT_SECONDS, Settings.FAL_MAX_GLB_BYTES,
                Settings.FAL_RETRY_ATTEMPTS, Settings.FAL_RETRY_BASE_MILLIS, Settings.FAL_SLOTS, Settings.JOBS_QUEUE_URL);

        static PipelineConfig load() {
            return new PipelineConfig(Settings.get(Settings.TABLE_NAME), Settings.get(Settings.UPLOADS_BUCKET), Settings.get(Settings.RESULTS_BUCKET),
                    Settings.positiveInt(Settings.JOBS_MAX_RECEIVES), Settings.positiveInt(Settings.IMAGE_MIN_SIDE),
                    Settings.positiveInt(Settings.IMAGE_MAX_SIDE), Settings.positiveLong(Settings.IMAGE_MAX_PIXELS),
                    Settings.get(Settings.FAL_QUEUE_URL), Settings.get(Settings.FAL_WEBHOOK_URL),
                    Settings.positiveSeconds(Settings.FAL_IMAGE_URL_SECONDS), Settings.positiveSeconds(Settings.FAL_POLL_AFTER_SECONDS),
                    Settings.positiveSeconds(Settings.FAL_POLL_EVERY_SECONDS), Settings.positiveSeconds(Settings.FAL_MAX_WAIT_SECONDS),
                    Settings.positiveLong(Settings.FAL_MAX_GLB_BYTES), Settings.positiveInt(Settings.FAL_RETRY_ATTEMPTS),
                    Settings.nonNegativeLong(Settings.FAL_RETRY_BASE_MILLIS));
        }
    }

    /** What a job may be: how many files, how large, and how long uploads, holds and result URLs last. */
    static final List<String> JOB_LIMITS = List.of(Settings.JOBS_MAX_FILES, Settings.JOBS_MAX_FILE_BYTES, Settings.MODEL_CONVERT_INLINE_MAX_BYTES,
            Settings.JOBS_UPLOAD_WINDOW_SECONDS, Settings.JOBS_HOLD_GRACE_SECONDS, Settings.JOBS_RESULT_URL_SECONDS);

    static JobsApi.Limits limits() {
        return new JobsApi.Limits(Settings.positiveInt(Settings.JOBS_MAX_FILES), Settings.positiveLong(Settings.JOBS_MAX_FILE_BYTES),
                Settings.positiveSeconds(Settings.JOBS_UPLOAD_WINDOW_SECONDS), Duration.ofSeconds(Settings.nonNegativeLong(Settings.JOBS_HOLD_GRACE_SECONDS)),
                Settings.positiveSeconds(Settings.JOBS_RESULT_URL_SECONDS));
    }

    private JobsModule() {
    }

    public static Pipeline pipeline(CreditLedger ledger) {
        return pipeline(ledger, Catalog.load(), false);
    }

    /** FAL's slots (FAL_SLOTS), counted in the table. */
    static FalSlots falSlots(String table) {
        try {
            return new FalSlots(AwsClients.dynamoDb(), table, FalSlots.Limits.parse(Settings.get(Settings.FAL_SLOTS)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Asks the worker, through the jobs queue, to send the next waiting files of an app. Best effort:
     * a lost request is made again by the sweeper, which wakes every app with files waiting and slots free.
     */
    static java.util.function.Consumer<String> dispatchRequests() {
        String queue = Settings.get(Settings.JOBS_QUEUE_URL);
        return app -> {
            try {
                AwsClients.sqs().sendMessage(m -> m.queueUrl(queue).messageBody(
                        com.image2model.platform.ApiResponses.JSON.writeValueAsString(Map.of("dispatch", app))));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(JobsModule.class).warn("Could not ask for a dispatch of {}: {}", app, e.getMessage());
            }
        };
    }

    /** The jobs' items, with files' FAL slots given back in their ends (every function that ends files builds it so). */
    static JobStore jobStore(PipelineConfig config, CreditLedger ledger) {
        return new JobStore(AwsClients.dynamoDb(), config.table(), ledger, Clock.systemUTC())
                .withSlots(falSlots(config.table()), dispatchRequests());
    }

    /**
     * {@code direct}: the function sends into the FAL slots its steps free (the worker and the FAL
     * webhook, whose roles may sign the image URLs FAL fetches); the others ask the worker.
     */
    static Pipeline pipeline(CreditLedger ledger, Catalog catalog, boolean direct) {
        PipelineConfig config = PipelineConfig.load();
        JobStore store = jobStore(config, ledger);
        FalClient fal = new FalClient(FalClient.httpClient(), config.falQueueUrl(), falKey(),
                config.falRetryAttempts(), config.falRetryBaseMillis());
        ImageCheck check = new ImageCheck(config.imageMinSide(), config.imageMaxSide(), config.imageMaxPixels());
        Pipeline.Config steps = new Pipeline.Config(config.maxReceives(), config.falImageUrlTtl(), config.falPollAfter(), config.falPollEvery(),
                config.falMaxWait(), config.falMaxGlbBytes(), config.falWebhookUrl());
        com.image2model.jobs.JobNotices notices = WebhooksModule.jobNotices(store);
        return new Pipeline(store, ledger, AwsClients.s3(), AwsClients.s3Presigner(), fal, catalog, check, config.uploadsBucket(),
                config.resultsBucket(), steps, Clock.systemUTC()).notifying(notices::fileEnded)
                .dispatching(dispatchRequests(), direct);
    }

    /** The jobs routes, one Lambda. */
    public static MemberRoutes api() {
        PipelineConfig config = PipelineConfig.load();
        JobsApi.Limits limits = limits();
        CreditLedger ledger = CreditsModule.ledgerTellingWebhooks();
        Catalog catalog = Catalog.load();
        JobStore store = jobStore(config, ledger);
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        JobViews views = new JobViews(AwsClients.s3Presigner(), config.uploadsBucket(), config.resultsBucket(), limits.uploadWindow(),
                limits.resultUrlTtl());
        ProjectStore projects = new ProjectStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        JobSubmissions submissions = new JobSubmissions(store, new com.image2model.jobs.IdempotencyKeys(AwsClients.dynamoDb(), config.table(),
                Clock.systemUTC()), projects, ledger, CreditsModule.fairUse(catalog),
                companyId -> companies.billing(companyId).filter(b -> Catalog.UNLIMITED_PLAN.equals(b.plan()))
                        // Overdue past the catalog's grace: its images are paid with credits until the plan is paid again.
                        .filter(b -> FairUseRule.planServes(b.status(), b.overdueSince(), Clock.systemUTC().instant().getEpochSecond(),
                                catalog.unpaidGraceDays()))
                        .isPresent(),
                new PersonalLimits(CompanyModule.rateLimiter(), CompanyModule.rateLimits()), views, limits.uploadWindow(), limits.holdGrace(),
                Clock.systemUTC());
        com.image2model.jobs.ModelDownloads downloads = downloads(config);
        ReviewsApi reviews = new ReviewsApi(new ReviewStore(AwsClients.dynamoDb(), config.table()), store, views, downloads, companies,
                new SesMailer(Settings.get(Settings.NOTIFY_FROM))::send, CompanyModule.rateLimiter(), Settings.get(Settings.SITE_ORIGIN),
                Clock.systemUTC());
        com.image2model.jobs.Retries retries = new com.image2model.jobs.Retries(store, submissions, catalog, AwsClients.s3(),
                config.uploadsBucket(), companyId -> ledger.balance(companyId).available());
        Map<String, MemberRoutes.Route> routes = MemberRoutes.merge(
                new JobsApi(store, pipeline(ledger, catalog, false), catalog, limits, views, submissions, downloads, projects).routes(), reviews.routes(),
                retries.routes(), new com.image2model.jobs.Archives(store, AwsClients.s3(), AwsClients.s3Presigner(), config.resultsBucket()).routes(),
                new ProjectsApi(projects).routes());
        MemberRoutes.Route create = routes.get("POST /jobs");
        Secrets.Secret falKey = falKey();
        // Without FAL's key no job is taken: nothing is reserved for images that cannot be made yet (503 not_configured).
        routes.put("POST /jobs", (caller, event) -> {
            falKey.get();
            return create.answer(caller, event);
        });
        return new MemberRoutes(CompanyModule.callers(), routes, Map.of(), reviews.publicRoutes());
    }

    public static WorkerFunction worker() {
        PipelineConfig config = PipelineConfig.load();
        CreditLedger ledger = CreditsModule.ledgerTellingWebhooks();
        return new WorkerFunction(pipeline(ledger, Catalog.load(), true), downloads(config), jobStore(config, ledger));
    }

    /** Downloads in every format: big models are converted by the worker, asked through the jobs queue. */
    static com.image2model.jobs.ModelDownloads downloads(PipelineConfig config) {
        String queue = Settings.get(Settings.JOBS_QUEUE_URL);
        com.image2model.jobs.Conversions conversions = new com.image2model.jobs.Conversions(AwsClients.dynamoDb(), config.table(),
                message -> AwsClients.sqs().sendMessage(m -> m.queueUrl(queue).messageBody(message)), Clock.systemUTC());
        return new com.image2model.jobs.ModelDownloads(AwsClients.s3(), AwsClients.s3Presigner(), config.resultsBucket(), conversions,
                Settings.positiveLong(Settings.MODEL_CONVERT_INLINE_MAX_BYTES));
    }

    /** FAL's key, one per Lambda: read on first use (see {@link Secrets}), so a first deploy without it succeeds. */
    private static final java.util.concurrent.atomic.AtomicReference<Secrets.Secret> FAL_KEY = new java.util.concurrent.atomic.AtomicReference<>();

    static Secrets.Secret falKey() {
        return FAL_KEY.updateAndGet(k -> k != null ? k : Secrets.secret(Settings.FAL_KEY_ARN, Secrets.Kind.FAL_KEY));
    }

    /**
     * Fail closed: without FAL_USER_ID (a plain setting) the endpoint refuses everything; without a
     * usable FAL key each delivery is refused (503) until the key is put.
     */
    public static Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> falWebhook() {
        String jwks = Settings.get(Settings.FAL_JWKS_URL);
        java.util.Optional<String> userId = Settings.find(Settings.FAL_USER_ID);
        if (userId.isEmpty()) {
            return new NotConfigured("falWebhook", "FAL_USER_ID (the FalUserId parameter) is not set: no webhook can be told ours");
        }
        return new FalWebhookFunction(new FalWebhookVerifier(FalClient.httpClient(), jwks, userId.get(), Clock.systemUTC()),
                pipeline(CreditsModule.ledgerTellingWebhooks(), Catalog.load(), true), falKey());
    }

    /** Job-aware: a job file's expired hold fails the file too; files whose webhook is late are polled. */
    public static SweeperFunction sweeper() {
        com.image2model.credits.LowBalanceAlerts alerts = CreditsModule.lowBalanceAlerts(WebhooksModule.lowBalance());
        Pipeline pipeline = pipeline(CreditsModule.ledger(alerts));
        // Low-balance emails whose send failed are sent again (a recorded crossing is never left untold).
        return new SweeperFunction(List.of(pipeline::sweep, alerts::retryDue), Clock.systemUTC());
    }
}
