package com.image2model.company;

import java.util.List;

/** The DNS TXT records of a domain, as the world sees them now (a real DNS lookup, no cache). */
@FunctionalInterface
public interface DomainRecords {

    /**
     * The domain's TXT strings; empty when the domain or its TXT records do not exist. Throws
     * {@link Unavailable} when DNS gave no answer (a time-out, a server failure): nothing is known then.
     */
    List<String> txt(String domain) throws Unavailable;

    /** No answer from DNS: neither proof nor disproof. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }
}
