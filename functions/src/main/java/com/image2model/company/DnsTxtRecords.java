package com.image2model.company;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT records through dnsjava: the system's resolvers (in Lambda, the VPC's or AWS's), or the one
 * {@code DNS_RESOLVER} names ({@code host:port}). Nothing is cached, so a record added or removed a
 * minute ago is what the next check sees (as far as the resolver's own cache allows).
 */
public final class DnsTxtRecords implements DomainRecords {

    private final String resolverAddress;
    private volatile Resolver resolver;

    /** {@code resolver}: {@code host:port}, or null for the system's resolvers (read on the first look-up). */
    public DnsTxtRecords(String resolver) {
        if (resolver != null && !resolver.isBlank() && resolver.lastIndexOf(':') < 1) {
            throw new IllegalArgumentException("DNS_RESOLVER must be host:port, got '" + resolver + "'");
        }
        this.resolverAddress = resolver == null || resolver.isBlank() ? null : resolver;
    }

    private Resolver resolver() {
        Resolver chosen = resolver;
        if (chosen == null) {
            if (resolverAddress == null) {
                chosen = new ExtendedResolver();
            } else {
                int colon = resolverAddress.lastIndexOf(':');
                chosen = new SimpleResolver(new InetSocketAddress(resolverAddress.substring(0, colon),
                        Integer.parseInt(resolverAddress.substring(colon + 1))));
            }
            chosen.setTimeout(Duration.ofSeconds(3));
            resolver = chosen;
        }
        return chosen;
    }

    @Override
    public List<String> txt(String domain) throws Unavailable {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(domain.endsWith(".") ? domain : domain + "."), Type.TXT);
        } catch (TextParseException e) {
            return List.of();
        }
        lookup.setResolver(resolver());
        lookup.setCache(null);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<String> strings = new ArrayList<>();
                for (Record record : records) {
                    if (record instanceof TXTRecord txt) {
                        // A long TXT value comes as several strings that make one value.
                        strings.add(String.join("", txt.getStrings()));
                    }
                }
                return strings;
            }
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> {
                return List.of();
            }
            default -> throw new Unavailable("DNS did not answer for " + domain + ": " + lookup.getErrorString());
        }
    }
}
