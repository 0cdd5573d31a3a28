package com.image2model.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** Against a real HTTP server on loopback. */
class WebhookSenderTest {

    private HttpServer server;
    private final AtomicReference<String> received = new AtomicReference<>();
    private final AtomicReference<String> signature = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            received.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signature.set(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
            byte[] answer = "thanks".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"error\":\"database down\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, 0);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WebhookSender.Answer post(String path, Duration timeout) {
        URI uri = URI.create("http://localhost:" + server.getAddress().getPort() + path);
        return new WebhookSender((SSLSocketFactory) SSLSocketFactory.getDefault(), timeout)
                .post(uri, List.of(InetAddress.getLoopbackAddress()), Map.of(WebhookSignature.HEADER, "t=1,v1=ab"), "{\"id\":\"evt_1\"}");
    }

    @Test
    void postsTheBodyAndHeadersAndReadsTheAnswer() {
        WebhookSender.Answer answer = post("/ok?x=1", Duration.ofSeconds(5));
        assertThat(answer.ok()).isTrue();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.snippet()).isEqualTo("thanks");
        assertThat(received.get()).isEqualTo("{\"id\":\"evt_1\"}");
        assertThat(signature.get()).isEqualTo("t=1,v1=ab");
    }

    @Test
    void aServerErrorIsRecordedWithTheStartOfItsBody() {
        WebhookSender.Answer answer = post("/down", Duration.ofSeconds(5));
        assertThat(answer.ok()).isFalse();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.snippet()).contains("database down");
    }

    @Test
    void redirectsAreNotFollowed() {
        WebhookSender.Answer answer = post("/moved", Duration.ofSeconds(5));
        assertThat(answer.ok()).isFalse();
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.snippet()).contains("not followed");
    }

    @Test
    void aSlowEndpointRunsOutOfTime() {
        WebhookSender.Answer answer = post("/slow", Duration.ofMillis(500));
        assertThat(answer.status()).isZero();
        assertThat(answer.millis()).isLessThan(2500);
        assertThat(answer.snippet()).contains("No answer");
    }

    @Test
    void nothingListeningIsAFailedAttemptNotAnException() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        WebhookSender.Answer answer = new WebhookSender((SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofSeconds(2))
                .post(URI.create("http://localhost:" + port + "/"), List.of(InetAddress.getLoopbackAddress()), Map.of(), "{}");
        assertThat(answer.status()).isZero();
        assertThat(answer.snippet()).startsWith("Could not deliver");
    }
}
