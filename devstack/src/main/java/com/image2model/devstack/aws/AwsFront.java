package com.image2model.devstack.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pass-through in front of an AWS stand-in that cannot be told who is calling (S3Proxy,
 * ElasticMQ): it reads each request's head (and, when the check needs it, its small body), asks
 * {@link Check} whether the caller may make it, and either answers the refusal itself or forwards
 * the request's bytes unchanged (so its SigV4 signature, Host header included, still verifies) and
 * pipes the answer back. One request per connection: the forwarded head says {@code Connection: close}.
 */
public final class AwsFront implements AutoCloseable {

    /** One request as the check sees it: header names in lower case; {@code body} only when asked for. */
    public record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A refusal, answered as the service would. */
    public record Refusal(int status, String reason, String contentType, Map<String, String> headers, String body) {
    }

    /** Decides a request: a refusal, or empty to let it through. */
    public interface Check {
        /** Whether this request's body is needed to decide (read whole; such bodies are small). */
        default boolean needsBody(String method, String path, String query, Map<String, String> headers) {
            return false;
        }

        Optional<Refusal> check(Request request);
    }

    private static final java.util.Set<String> HOP_BY_HOP = java.util.Set.of("connection", "keep-alive", "upgrade", "http2-settings",
            "proxy-connection");
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 8 * 1024 * 1024;

    private final ServerSocket server;
    private final int backendPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(com.image2model.devstack.Daemons.named("aws-front"));
    private volatile Check check = new Check() {
        @Override
        public Optional<Refusal> check(Request request) {
            return Optional.empty();
        }
    };

    private AwsFront(int port, int backendPort) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.backendPort = backendPort;
    }

    /** Listens on {@code port} (0: any free one) of the loopback address, forwarding to {@code backendPort}. */
    public static AwsFront start(int port, int backendPort) throws IOException {
        AwsFront front = new AwsFront(port, backendPort);
        front.threads.execute(front::accept);
        return front;
    }

    public int port() {
        return server.getLocalPort();
    }

    public void setCheck(Check check) {
        this.check = check;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    java.util.logging.Logger.getLogger(AwsFront.class.getName()).warning("Front accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new java.io.BufferedInputStream(client.getInputStream());
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            List<String> lines = new ArrayList<>(List.of(new String(head, StandardCharsets.ISO_8859_1).split("\r\n")));
            String[] requestLine = lines.get(0).split(" ");
            if (requestLine.length < 3) {
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            String target = requestLine[1];
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? "" : target.substring(q + 1);
            Check current = check;
            long length = contentLength(headers);
            byte[] body = null;
            boolean expectContinue = "100-continue".equalsIgnoreCase(headers.get("expect"));
            if (current.needsBody(requestLine[0], path, query, headers) && length >= 0 && length <= MAX_BODY) {
                if (expectContinue) {
                    client.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                }
                body = in.readNBytes((int) length);
            }
            Optional<Refusal> refusal = current.check(new Request(requestLine[0], path, query, headers, body));
            if (refusal.isPresent()) {
                if (body == null && !expectContinue && length > 0 && length <= MAX_BODY) {
                    in.skipNBytes(length);
                }
                refuse(client.getOutputStream(), refusal.get());
                return;
            }
            forward(client, in, lines, body != null && expectContinue, body);
        } catch (IOException e) {
            // The caller or the stand-in went away: nothing to answer.
        }
    }

    private void forward(Socket client, InputStream in, List<String> lines, boolean dropExpect, byte[] body) throws IOException {
        try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            StringBuilder out = new StringBuilder(lines.get(0)).append("\r\n");
            for (String line : lines.subList(1, lines.size())) {
                String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
                // Hop-by-hop headers stay here (an HTTP/2 upgrade offer too: the stand-in answers this one request).
                if (HOP_BY_HOP.contains(name) || (dropExpect && name.equals("expect"))) {
                    continue;
                }
                out.append(line).append("\r\n");
            }
            out.append("Connection: close\r\n\r\n");
            OutputStream toBackend = backend.getOutputStream();
            toBackend.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                toBackend.write(body);
            }
            toBackend.flush();
            // The rest of the request (a streamed body, after 100 Continue) goes on while the answer comes back.
            if (body == null) {
                threads.execute(() -> {
                    try {
                        in.transferTo(toBackend);
                    } catch (IOException ignored) {
                        // Closed when the answer is complete.
                    }
                });
            }
            backend.getInputStream().transferTo(client.getOutputStream());
            client.getOutputStream().flush();
        }
    }

    private static void refuse(OutputStream out, Refusal refusal) throws IOException {
        byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(refusal.status()).append(' ').append(refusal.reason()).append("\r\n")
                .append("Content-Type: ").append(refusal.contentType()).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        refusal.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static long contentLength(Map<String, String> headers) {
        try {
            return headers.containsKey("content-length") ? Long.parseLong(headers.get("content-length")) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The bytes up to the blank line that ends the head (without it); null when the connection closed first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                return java.util.Arrays.copyOf(bytes, bytes.length - 4);
            }
        }
        throw new IOException("Request head too large");
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
