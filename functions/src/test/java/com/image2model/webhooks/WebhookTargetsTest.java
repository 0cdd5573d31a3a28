package com.image2model.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A resolver that answers {@code address} for every name (as a rebinding DNS server would). */
    private static WebhookTargets resolving(WebhookTargets.Policy policy, String address) {
        return new WebhookTargets(policy, host -> new InetAddress[] {ip(address)});
    }

    @Test
    void privateLoopbackLinkLocalMetadataAndReservedAddressesAreNotPublic() {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1",
                "192.0.0.170", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "ff02::1", "2001:db8::1"}) {
            assertThat(WebhookTargets.isPublic(ip(address))).as(address).isFalse();
        }
        for (String address : new String[] {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                "::ffff:8.8.8.8"}) {
            assertThat(WebhookTargets.isPublic(ip(address))).as(address).isTrue();
        }
    }

    @Test
    void savedUrlsAreHttpsWithAHostAndNoCredentials() throws Exception {
        // A resolver as the internet answers: public names to a public address, local and internal names to loopback,
        // the metadata service, or nothing.
        Map<String, String> dns = Map.of("hooks.example.com", "93.184.216.34", "a.example.com", "93.184.216.34", "localhost", "127.0.0.1",
                "metadata.google.internal", "169.254.169.254");
        WebhookTargets targets = new WebhookTargets(WebhookTargets.Policy.PUBLIC_HTTPS, host -> {
            if (!dns.containsKey(host)) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {ip(dns.get(host))};
        });
        assertThat(targets.check("https://hooks.example.com/image2model?x=1")).isEqualTo(URI.create("https://hooks.example.com/image2model?x=1"));
        for (String url : new String[] {"http://hooks.example.com/", "ftp://hooks.example.com/", "https://user:pw@hooks.example.com/",
                "https:///nohost", "hooks.example.com", "https://localhost/", "https://metadata.google.internal/", "https://printer/",
                "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://10.0.0.8/", "https://a.example.com/#frag",
                "https://a.example.com/ with space", "", "https://" + "a".repeat(2000) + ".com/"}) {
            assertThatThrownBy(() -> targets.check(url)).as(url).isInstanceOf(WebhookTargets.Refused.class);
        }
    }

    @Test
    void theNameIsJudgedByWhatItResolvesToAtSendTime() throws Exception {
        URI uri = URI.create("https://hooks.example.com/x");
        assertThat(resolving(WebhookTargets.Policy.PUBLIC_HTTPS, "93.184.216.34").addresses(uri)).containsExactly(ip("93.184.216.34"));
        assertThatThrownBy(() -> resolving(WebhookTargets.Policy.PUBLIC_HTTPS, "169.254.169.254").addresses(uri))
                .isInstanceOf(WebhookTargets.Refused.class).hasMessageContaining("169.254.169.254");
        assertThatThrownBy(() -> resolving(WebhookTargets.Policy.PUBLIC_HTTPS, "127.0.0.1").addresses(uri))
                .isInstanceOf(WebhookTargets.Refused.class);
        // One bad address among good ones is enough to refuse.
        WebhookTargets mixed = new WebhookTargets(WebhookTargets.Policy.PUBLIC_HTTPS, host -> new InetAddress[] {ip("8.8.8.8"), ip("10.0.0.1")});
        assertThatThrownBy(() -> mixed.addresses(uri)).isInstanceOf(WebhookTargets.Refused.class);
        WebhookTargets none = new WebhookTargets(WebhookTargets.Policy.PUBLIC_HTTPS, host -> {
            throw new UnknownHostException(host);
        });
        assertThatThrownBy(() -> none.addresses(uri)).isInstanceOf(WebhookTargets.Refused.class).hasMessageContaining("does not resolve");
    }

    @Test
    void aLocalStackAllowsHttpAndLoopbackButStillNoPrivateOrMetadataAddress() throws Exception {
        WebhookTargets local = resolving(WebhookTargets.Policy.LOOPBACK_ALLOWED, "127.0.0.1");
        assertThat(local.addresses(local.check("http://localhost:8123/hook"))).containsExactly(ip("127.0.0.1"));
        assertThatThrownBy(() -> local.check("http://169.254.169.254/")).isInstanceOf(WebhookTargets.Refused.class);
        assertThatThrownBy(() -> resolving(WebhookTargets.Policy.LOOPBACK_ALLOWED, "10.0.0.1").addresses(URI.create("http://x.example/")))
                .isInstanceOf(WebhookTargets.Refused.class);
        assertThatThrownBy(() -> WebhookTargets.Policy.parse("anything")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retriesWaitAsListedAndStopAfterTheWindow() {
        RetrySchedule schedule = RetrySchedule.parse("30,120,600", 3600);
        Instant created = Instant.parse("2026-12-04T00:00:00Z");
        assertThat(schedule.next(1, created, created)).contains(created.plusSeconds(30));
        assertThat(schedule.next(2, created, created)).contains(created.plusSeconds(120));
        assertThat(schedule.next(9, created, created)).contains(created.plusSeconds(600));
        assertThat(schedule.next(9, created, created.plus(Duration.ofMinutes(55)))).isEmpty();
        assertThatThrownBy(() -> RetrySchedule.parse("30,-1", 10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RetrySchedule.parse("0", 10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RetrySchedule.parse("30", 0)).isInstanceOf(IllegalStateException.class);
    }
}
