package com.image2model.wiring;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.credits.LowBalanceAlerts;
import com.image2model.jobs.JobNotices;
import com.image2model.jobs.JobStore;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;
import com.image2model.webhooks.RetrySchedule;
import com.image2model.webhooks.WebhookDeliveries;
import com.image2model.webhooks.WebhookDeliveryFunction;
import com.image2model.webhooks.WebhookEvents;
import com.image2model.webhooks.WebhookOutbox;
import com.image2model.webhooks.WebhookSender;
import com.image2model.webhooks.WebhookStore;
import com.image2model.webhooks.WebhookTargets;
import com.image2model.webhooks.WebhooksApi;

/** Outgoing webhooks: the company's endpoint routes, the functions that tell of events, and the delivery function. */
public final class WebhooksModule {

    /** What a function that tells of events reads: the table's endpoints and the deliveries queue. */
    public static final List<String> PUBLISH = List.of(Settings.TABLE_NAME, Settings.WEBHOOK_QUEUE_URL);
    /** The endpoint routes (company function). */
    public static final List<String> ROUTES = List.of(Settings.TABLE_NAME, Settings.WEBHOOK_QUEUE_URL, Settings.WEBHOOK_TARGETS);
    /** The delivery function. */
    public static final List<String> DELIVERY = List.of(Settings.TABLE_NAME, Settings.WEBHOOK_QUEUE_URL, Settings.WEBHOOK_TARGETS,
            Settings.WEBHOOK_RETRY_SECONDS, Settings.WEBHOOK_RETRY_WINDOW_SECONDS, Settings.WEBHOOK_LINK_SECONDS, Settings.RESULTS_BUCKET,
            Settings.NOTIFY_FROM);

    /** Each attempt's whole exchange (connect, TLS, request, answer). */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private WebhooksModule() {
    }

    private static WebhookStore store() {
        return new WebhookStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
    }

    public static WebhookOutbox outbox() {
        String queue = Settings.get(Settings.WEBHOOK_QUEUE_URL);
        return new WebhookOutbox(store(), (body, delay) -> AwsClients.sqs().sendMessage(m -> m.queueUrl(queue).messageBody(body)
                .delaySeconds(delay)), Clock.systemUTC());
    }

    static WebhookTargets targets() {
        return new WebhookTargets(WebhookTargets.Policy.parse(Settings.get(Settings.WEBHOOK_TARGETS)), InetAddress::getAllByName);
    }

    public static WebhooksApi api() {
        return new WebhooksApi(store(), outbox(), targets(), Clock.systemUTC());
    }

    /** Files and jobs that end tell the company's endpoints. */
    public static JobNotices jobNotices(JobStore jobs) {
        return new JobNotices(jobs, outbox());
    }

    /** A crossing below the low-balance threshold tells the endpoints too. */
    public static LowBalanceAlerts.Crossing lowBalance() {
        WebhookOutbox outbox = outbox();
        return (companyId, available, threshold, noticeId) -> outbox.publish(companyId, new WebhookEvents.Event(
                WebhookEvents.idOf(companyId, WebhookEvents.CREDITS_LOW, noticeId), WebhookEvents.CREDITS_LOW,
                Clock.systemUTC().instant().toString(), Map.of("available", available, "threshold", threshold)));
    }

    /** A pack bought or a plan's credits granted tells the endpoints. */
    public static com.image2model.billing.Billing.Purchases purchases() {
        WebhookOutbox outbox = outbox();
        return (companyId, p) -> outbox.publish(companyId, new WebhookEvents.Event(
                WebhookEvents.idOf(companyId, WebhookEvents.CREDITS_PURCHASED, p.paymentId()), WebhookEvents.CREDITS_PURCHASED,
                Clock.systemUTC().instant().toString(), Map.of("kind", p.kind(), "item", p.itemId(), "credits", p.credits(),
                        "amountCents", p.amountCents(), "currency", p.currency(), "paymentId", p.paymentId())));
    }

    /** The deliveries queue's consumer. */
    public static WebhookDeliveryFunction delivery() {
        WebhookStore store = store();
        String results = Settings.get(Settings.RESULTS_BUCKET);
        Duration linkLife = Settings.positiveSeconds(Settings.WEBHOOK_LINK_SECONDS);
        RetrySchedule schedule = RetrySchedule.parse(Settings.get(Settings.WEBHOOK_RETRY_SECONDS),
                Settings.positiveLong(Settings.WEBHOOK_RETRY_WINDOW_SECONDS));
        WebhookDeliveries.Links links = new WebhookDeliveries.Links() {
            @Override
            public String url(String key) {
                return AwsClients.s3Presigner().presignGetObject(p -> p.signatureDuration(linkLife)
                        .getObjectRequest(g -> g.bucket(results).key(key))).url().toString();
            }

            @Override
            public Duration lifetime() {
                return linkLife;
            }
        };
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
        SesMailer mailer = new SesMailer(Settings.get(Settings.NOTIFY_FROM));
        return new WebhookDeliveryFunction(new WebhookDeliveries(store, outbox(), targets(),
                new WebhookSender((SSLSocketFactory) SSLSocketFactory.getDefault(), ATTEMPT_TIMEOUT), schedule, links,
                (endpoint, reason) -> mailer.send(companies.members(endpoint.companyId()).stream().filter(Member::activeAdmin)
                                .map(Member::email).toList(), "Image2Model: a webhook endpoint was turned off",
                        "We turned off your webhook endpoint " + endpoint.url() + ". " + reason
                                + " Fix the endpoint, then turn it on again under Integrations; the failed deliveries can be sent again from its log."),
                Clock.systemUTC()));
    }
}
