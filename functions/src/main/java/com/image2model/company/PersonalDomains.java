package com.image2model.company;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The maintained list of free and disposable mail domains, vendored as
 * {@code free-email-domains.txt} (its header names its origin and licence). Read once per Lambda.
 */
public final class PersonalDomains {

    static final String RESOURCE = "/free-email-domains.txt";

    private static volatile Set<String> vendored;

    private PersonalDomains() {
    }

    /** The vendored list (about 14,000 domains); a jar without it cannot start. */
    public static Set<String> vendored() {
        Set<String> result = vendored;
        if (result == null) {
            result = read();
            vendored = result;
        }
        return result;
    }

    private static Set<String> read() {
        try (InputStream in = PersonalDomains.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            Set<String> domains = new HashSet<>(32_768);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String domain = line.trim().toLowerCase(Locale.ROOT);
                if (!domain.isEmpty() && !domain.startsWith("#")) {
                    domains.add(domain);
                }
            }
            if (domains.size() < 1000) {
                throw new IllegalStateException(RESOURCE + " holds only " + domains.size() + " domains");
            }
            return Set.copyOf(domains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
