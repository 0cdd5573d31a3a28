package com.image2model.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where deliveries may go. In AWS: https only, and never to a private, loopback, link-local
 * (the instance metadata service lives there), shared, multicast or reserved address, checked on
 * the address the name resolves to at send time (a name that pointed elsewhere when it was saved
 * proves nothing). A local stack may allow plain http and loopback by its own setting.
 */
public final class WebhookTargets {

    /** The WEBHOOK_TARGETS setting. */
    public enum Policy {
        /** https, public addresses only: every deployment. */
        PUBLIC_HTTPS,
        /** also http and loopback: a stack on one machine, whose receivers are local. */
        LOOPBACK_ALLOWED;

        public static Policy parse(String value) {
            return switch (value == null ? "" : value.strip()) {
                case "public-https" -> PUBLIC_HTTPS;
                case "loopback-allowed" -> LOOPBACK_ALLOWED;
                default -> throw new IllegalStateException("WEBHOOK_TARGETS must be public-https or loopback-allowed, not '" + value + "'");
            };
        }
    }

    /** A target we will not call; the message says why in plain words. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Resolves a host name (the system's resolver in production; a test may answer what it likes). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final int MAX_URL_LENGTH = 2000;

    private final Policy policy;
    private final Resolver resolver;

    public WebhookTargets(Policy policy, Resolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public Policy policy() {
        return policy;
    }

    /** An endpoint URL as it may be saved: absolute, https (or http where allowed), no credentials, no fragment. */
    public URI check(String url) throws Refused {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH || url.chars().anyMatch(c -> c <= ' ')) {
            throw new Refused("Give the endpoint's full URL (https://..., at most " + MAX_URL_LENGTH + " characters, no spaces).");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("That is not a URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean httpAllowed = policy == Policy.LOOPBACK_ALLOWED;
        if (!scheme.equals("https") && !(httpAllowed && scheme.equals("http"))) {
            throw new Refused("The endpoint must use https.");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new Refused("The endpoint URL needs a host name, and no user name, password or #fragment.");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new Refused("The endpoint's port is not valid.");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") || host.matches("[0-9.]+")) {
            InetAddress literal;
            try {
                literal = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new Refused("The endpoint's address is not valid.");
            }
            requirePublic(literal);
        } else {
            // A name is judged by what it resolves to, now and again at every send: a local or internal name resolves to
            // an address no delivery may reach, or to nothing.
            addresses(uri);
        }
        return uri;
    }

    /** The addresses to connect to at send time: every one the name resolves to must be allowed. */
    public List<InetAddress> addresses(URI uri) throws Refused {
        InetAddress[] found;
        try {
            found = resolver.resolve(uri.getHost().replace("[", "").replace("]", ""));
        } catch (UnknownHostException e) {
            throw new Refused("The endpoint's host name does not resolve.");
        }
        if (found == null || found.length == 0) {
            throw new Refused("The endpoint's host name does not resolve.");
        }
        for (InetAddress address : found) {
            requirePublic(address);
        }
        return List.of(found);
    }

    private void requirePublic(InetAddress address) throws Refused {
        if (address.isLoopbackAddress() && policy == Policy.LOOPBACK_ALLOWED) {
            return;
        }
        if (!isPublic(address)) {
            throw new Refused("The endpoint resolves to a private or reserved address (" + address.getHostAddress()
                    + "); deliveries go to public addresses only.");
        }
    }

    /** False for every address a delivery must never reach from inside AWS. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            // IPv4-mapped and IPv4-compatible (::ffff:a.b.c.d, ::a.b.c.d), NAT64 (64:ff9b::/96): judged by the IPv4 inside.
            boolean mapped = isZero(b, 0, 10) && (b[10] == (byte) 0xff && b[11] == (byte) 0xff || b[10] == 0 && b[11] == 0);
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && isZero(b, 4, 12);
            if (mapped || nat64) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            int first = b[0] & 0xff;
            // fc00::/7 unique local (fd00:ec2::254 is EC2's IPv6 metadata), fec0::/10 site-local, 2001:db8::/32 documentation.
            return (first & 0xfe) != 0xfc && !(first == 0xfe && (b[1] & 0xc0) == 0xc0)
                    && !(first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8);
        }
        if (address instanceof Inet4Address) {
            int a = b[0] & 0xff;
            int c = b[1] & 0xff;
            return a != 0 && a < 224 // 0/8 "this network"; 224/4 multicast, 240/4 reserved and the broadcast address
                    && !(a == 100 && c >= 64 && c < 128) // 100.64/10 shared (carrier-grade NAT)
                    && !(a == 192 && c == 0 && (b[2] & 0xff) == 0) // 192.0.0/24 protocol assignments
                    && !(a == 192 && c == 0 && (b[2] & 0xff) == 2) // documentation ranges
                    && !(a == 198 && (c == 18 || c == 19)) // 198.18/15 benchmarking
                    && !(a == 198 && c == 51 && (b[2] & 0xff) == 100) && !(a == 203 && c == 0 && (b[2] & 0xff) == 113);
        }
        return false;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
