package com.image2model.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs one delivery to the address {@link WebhookTargets} allowed, and to no other: the socket
 * is opened to that resolved address (so the name cannot be re-resolved elsewhere between the
 * check and the call), TLS verifies the certificate against the URL's host name, redirects are
 * answers, not followed, and the whole exchange has one deadline.
 */
public final class WebhookSender {

    /** What the endpoint answered: its status (0: no answer), the time taken, and the start of its body or the error. */
    public record Answer(int status, long millis, String snippet) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    public static final int SNIPPET_BYTES = 512;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final SSLSocketFactory tls;
    private final Duration timeout;

    public WebhookSender(SSLSocketFactory tls, Duration timeout) {
        this.tls = tls;
        this.timeout = timeout;
    }

    public Answer post(URI uri, List<InetAddress> addresses, Map<String, String> headers, String body) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        try (Socket socket = connect(addresses, port, deadline)) {
            Socket channel = socket;
            if (https) {
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                }
                secure.setSSLParameters(parameters);
                secure.setSoTimeout(remainingMillis(deadline));
                secure.startHandshake();
                channel = secure;
            }
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder();
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            request.append("POST ").append(target).append(" HTTP/1.1\r\n");
            request.append("Host: ").append(host).append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append("\r\n");
            request.append("User-Agent: Image2Model-Webhooks/1\r\n");
            request.append("Content-Type: application/json\r\n");
            request.append("Content-Length: ").append(payload.length).append("\r\n");
            request.append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = channel.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            return read(channel, deadline, started);
        } catch (SocketTimeoutException e) {
            return new Answer(0, elapsed(started), "No answer within " + timeout.toSeconds() + " s.");
        } catch (IOException e) {
            return new Answer(0, elapsed(started), "Could not deliver: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    private static Socket connect(List<InetAddress> addresses, int port, long deadline) throws IOException {
        IOException last = new IOException("no address");
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
                socket.setSoTimeout(remainingMillis(deadline));
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        throw last;
    }

    private static Answer read(Socket channel, long deadline, long started) throws IOException {
        InputStream in = channel.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            channel.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed before an answer");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (head.size() > MAX_HEADER_BYTES) {
                throw new IOException("the answer's headers are too long");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/") || !statusLine[1].matches("[0-9]{3}")) {
            throw new IOException("the answer is not HTTP");
        }
        int status = Integer.parseInt(statusLine[1]);
        boolean chunked = false;
        String location = null;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("location:")) {
                location = line.substring(9).strip();
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[SNIPPET_BYTES];
        try {
            while (body.size() < SNIPPET_BYTES) {
                channel.setSoTimeout(remainingMillis(deadline));
                int n = in.read(buffer, 0, SNIPPET_BYTES - body.size());
                if (n < 0) {
                    break;
                }
                body.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException slowBody) {
            // The status is what counts; a body still trickling in is cut here.
        }
        String snippet = body.toString(StandardCharsets.UTF_8);
        if (chunked) {
            snippet = snippet.replaceFirst("^[0-9a-fA-F]+\r\n", "").replaceAll("\r\n[0-9a-fA-F]+\r\n", "");
        }
        if (status >= 300 && status < 400) {
            snippet = "Redirects are not followed" + (location == null ? "." : " (to " + location + ").");
        }
        return new Answer(status, elapsed(started), snippet.length() > 300 ? snippet.substring(0, 300) : snippet);
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
