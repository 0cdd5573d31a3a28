package com.image2model.devstack.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The devstack's DNS: an authoritative server on UDP (loopback) for the TXT records of its own
 * zone, which domain verification queries through the functions' real DNS client
 * ({@code DNS_RESOLVER}). It answers from its zone only and never forwards (no network here): a
 * name it does not hold answers NXDOMAIN. Records are added with {@code dns-txt add}, the front's
 * {@code /_devstack/dns}, or {@link #addTxt} in tests.
 */
public final class LocalDns implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TTL_SECONDS = 60;

    private final DatagramSocket socket;
    private final Map<String, CopyOnWriteArrayList<String>> txt = new ConcurrentHashMap<>();
    private final Thread server;
    private volatile boolean running = true;

    /** Listens on {@code port} of 127.0.0.1 (0: a free port). */
    public LocalDns(int port) throws SocketException {
        socket = new DatagramSocket(port, InetAddress.getLoopbackAddress());
        server = com.image2model.devstack.Daemons.named("dns").newThread(this::serve);
    }

    public LocalDns start() {
        server.start();
        return this;
    }

    /** {@code host:port}, as DNS_RESOLVER takes it. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public void addTxt(String domain, String value) {
        txt.computeIfAbsent(normal(domain), d -> new CopyOnWriteArrayList<>()).addIfAbsent(value);
    }

    /** Removes one value, or every TXT record of the domain when {@code value} is null. */
    public void removeTxt(String domain, String value) {
        if (value == null) {
            txt.remove(normal(domain));
        } else {
            txt.computeIfPresent(normal(domain), (d, values) -> {
                values.remove(value);
                return values.isEmpty() ? null : values;
            });
        }
    }

    /** The zone: each domain's TXT values. */
    public Map<String, List<String>> zone() {
        return new TreeMap<>(txt);
    }

    public JsonNode state() {
        ObjectNode state = JSON.createObjectNode();
        zone().forEach((domain, values) -> values.forEach(state.withArray(domain)::add));
        return state;
    }

    public void restore(JsonNode state) {
        if (state != null) {
            state.fields().forEachRemaining(e -> e.getValue().forEach(v -> addTxt(e.getKey(), v.asText())));
        }
    }

    private static String normal(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] answer = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    /** The answer to one query, or null for what is not a query. */
    byte[] answer(byte[] query) {
        Message request;
        try {
            request = new Message(query);
        } catch (IOException malformed) {
            return null;
        }
        Message response = new Message(request.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (request.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = request.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response.toWire();
        }
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        List<String> values = txt.get(normal(name.toString()));
        if (values == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (question.getType() == Type.TXT || question.getType() == Type.ANY) {
            List<Record> records = new ArrayList<>();
            for (String value : values) {
                records.add(new TXTRecord(name, DClass.IN, TTL_SECONDS, value));
            }
            records.forEach(r -> response.addRecord(r, Section.ANSWER));
        }
        // A name we hold with no record of the asked type: NOERROR and no answer, as DNS says.
        return response.toWire(512);
    }

    @Override
    public void close() {
        running = false;
        socket.close();
    }
}
