package com.image2model.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Sends an email through SES's v2 HTTPS API (SendEmail), signed with the SDK's own SigV4 signer and
 * sent with the SDK's URL-connection client. It uses no SES model classes: the SDK's sesv2 module
 * would add 1.35 MB to the Lambda jar for this one call.
 */
public final class SesMailer {

    private final String from;
    private final AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();

    public SesMailer(String from) {
        this.from = from;
    }

    public void send(List<String> to, String subject, String text) {
        if (to.isEmpty()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("FromEmailAddress", from);
        body.put("Destination", Map.of("ToAddresses", to));
        body.put("Content", Map.of("Simple", Map.of(
                "Subject", Map.of("Data", subject, "Charset", "UTF-8"),
                "Body", Map.of("Text", Map.of("Data", text, "Charset", "UTF-8")))));
        byte[] json = ApiResponses.JSON.writeValueAsBytes(body);
        String region = Settings.get(Settings.AWS_REGION);
        URI endpoint = URI.create(Settings.endpointFor("SESV2").orElse("https://email." + region + ".amazonaws.com")
                + "/v2/email/outbound-emails");
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/json").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(json))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ses")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = AwsClients.http().prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(() -> new ByteArrayInputStream(json)))
                    .build()).call();
            int status = response.httpResponse().statusCode();
            if (status / 100 != 2) {
                String detail = response.responseBody().map(b -> {
                    try (b) {
                        return new String(b.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                }).orElse("");
                throw new IllegalStateException("SES answered " + status + ": " + detail);
            }
            response.responseBody().ifPresent(b -> {
                try (b) {
                    b.readAllBytes();
                } catch (IOException ignored) {
                    // The answer's body is not needed.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("SES could not be reached at " + endpoint, e);
        }
    }
}
