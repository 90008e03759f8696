package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.Addresses;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.testkit.PacketBuilder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final List<String> removals = new ArrayList<>();
    private final ConnectionTable table = new ConnectionTable(64, 42L,
            (t, h, expired) -> removals.add(h + (expired ? " expired" : " removed") + " rs" + t.realServer(h)));

    private static long v4(String dotted) {
        try {
            return Addresses.low(InetAddress.getByName(dotted));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ConnectionSpec tcp(String client, int cport, String virtual, int vport, String server, int dport) {
        return new ConnectionSpec().protocol(TCP).client(0, v4(client), cport).virtual(0, v4(virtual), vport)
                .destination(0, v4(server), dport).state(3, 60).realServer(7);
    }

    private int lookupIn(String client, int cport, String virtual, int vport, long now) {
        return table.lookupInbound(4, TCP, 0, v4(client), cport, 0, v4(virtual), vport, now);
    }

    private int lookupOut(String server, int dport, String client, int cport, long now) {
        return table.lookupOutbound(4, TCP, 0, v4(server), dport, 0, v4(client), cport, now);
    }

    @Test
    void insertedConnectionIsFoundByBothKeysWithAllItsFields() {
        int h = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 8080).attachment(99), 0);

        assertThat(h).isGreaterThanOrEqualTo(0);
        assertThat(lookupIn("192.0.2.1", 40000, "10.0.0.1", 80, SECOND)).isEqualTo(h);
        assertThat(lookupOut("192.168.1.10", 8080, "192.0.2.1", 40000, SECOND)).isEqualTo(h);
        assertThat(table.family(h)).isEqualTo(4);
        assertThat(table.protocol(h)).isEqualTo(TCP);
        assertThat(table.clientLow(h)).isEqualTo(v4("192.0.2.1"));
        assertThat(table.clientHigh(h)).isZero();
        assertThat(table.clientPort(h)).isEqualTo(40000);
        assertThat(table.virtualLow(h)).isEqualTo(v4("10.0.0.1"));
        assertThat(table.virtualPort(h)).isEqualTo(80);
        assertThat(table.destinationLow(h)).isEqualTo(v4("192.168.1.10"));
        assertThat(table.destinationPort(h)).isEqualTo(8080);
        assertThat(table.state(h)).isEqualTo(3);
        assertThat(table.timeoutSeconds(h)).isEqualTo(60);
        assertThat(table.expiresAtNanos(h)).isEqualTo(60 * SECOND);
        assertThat(table.realServer(h)).isEqualTo(7);
        assertThat(table.template(h)).isEqualTo(ConnectionTable.NO_HANDLE);
        assertThat(table.attachment(h)).isEqualTo(99);
        assertThat(table.isTemplate(h)).isFalse();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void everyKeyFieldMatters() {
        table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 8080), 0);

        assertThat(lookupIn("192.0.2.2", 40000, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupIn("192.0.2.1", 40001, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupIn("192.0.2.1", 40000, "10.0.0.2", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupIn("192.0.2.1", 40000, "10.0.0.1", 81, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(table.lookupInbound(4, UDP, 0, v4("192.0.2.1"), 40000, 0, v4("10.0.0.1"), 80, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupOut("192.168.1.11", 8080, "192.0.2.1", 40000, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupOut("192.168.1.10", 8081, "192.0.2.1", 40000, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupOut("192.168.1.10", 8080, "192.0.2.9", 40000, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupOut("192.168.1.10", 8080, "192.0.2.1", 40009, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        // the inbound key is not an outbound key
        assertThat(lookupOut("192.0.2.1", 40000, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void ipv6ConnectionsKeepAllSixWords() {
        ConnectionSpec s = new ConnectionSpec().family(6).protocol(TCP)
                .client(0x20010db800000001L, 0x11L, 5000)
                .virtual(0x20010db800000002L, 0x22L, 443)
                .destination(0x20010db800000003L, 0x33L, 8443).state(1, 900);
        int h = table.insert(s, 0);

        assertThat(table.lookupInbound(6, TCP, 0x20010db800000001L, 0x11L, 5000, 0x20010db800000002L, 0x22L, 443, 0))
                .isEqualTo(h);
        assertThat(table.lookupOutbound(6, TCP, 0x20010db800000003L, 0x33L, 8443, 0x20010db800000001L, 0x11L, 5000, 0))
                .isEqualTo(h);
        assertThat(table.lookupInbound(6, TCP, 0x20010db800000001L, 0x12L, 5000, 0x20010db800000002L, 0x22L, 443, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(table.lookupInbound(4, TCP, 0, 0x11L, 5000, 0, 0x22L, 443, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(table.family(h)).isEqualTo(6);
        assertThat(table.clientHigh(h)).isEqualTo(0x20010db800000001L);
        assertThat(table.clientLow(h)).isEqualTo(0x11L);
        assertThat(table.virtualHigh(h)).isEqualTo(0x20010db800000002L);
        assertThat(table.virtualLow(h)).isEqualTo(0x22L);
        assertThat(table.destinationHigh(h)).isEqualTo(0x20010db800000003L);
        assertThat(table.destinationLow(h)).isEqualTo(0x33L);
        assertThat(table.destinationPort(h)).isEqualTo(8443);
    }

    @Test
    void duplicateInboundKeyReturnsTheExistingEntry() {
        int h = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        int r = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.11", 80), 0);

        assertThat(ConnectionTable.exists(r)).isTrue();
        assertThat(ConnectionTable.inserted(r)).isFalse();
        assertThat(ConnectionTable.existingHandle(r)).isEqualTo(h);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void fullTableRefusesAndNeverEvicts() {
        ConnectionTable small = new ConnectionTable(3, 1L, null);
        for (int i = 0; i < 3; i++) {
            assertThat(small.insert(tcp("192.0.2.1", 1000 + i, "10.0.0.1", 80, "192.168.1.10", 80), 0))
                    .isGreaterThanOrEqualTo(0);
        }
        assertThat(small.insert(tcp("192.0.2.1", 2000, "10.0.0.1", 80, "192.168.1.10", 80), 0))
                .isEqualTo(ConnectionTable.FULL);
        assertThat(small.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(small.lookupInbound(4, TCP, 0, v4("192.0.2.1"), 1000 + i, 0, v4("10.0.0.1"), 80, 0))
                    .isGreaterThanOrEqualTo(0);
        }
        // after one leaves there is room again
        small.remove(small.lookupInbound(4, TCP, 0, v4("192.0.2.1"), 1001, 0, v4("10.0.0.1"), 80, 0));
        assertThat(small.insert(tcp("192.0.2.1", 2000, "10.0.0.1", 80, "192.168.1.10", 80), 0))
                .isGreaterThanOrEqualTo(0);
        assertThat(small.size()).isEqualTo(3);
    }

    @Test
    void expiredEntryIsAbsentOnLookupAndReclaimedWithTheListener() {
        int h = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 80), 0);

        assertThat(lookupIn("192.0.2.1", 40000, "10.0.0.1", 80, 60 * SECOND - 1)).isEqualTo(h);
        assertThat(lookupIn("192.0.2.1", 40000, "10.0.0.1", 80, 60 * SECOND)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(removals).containsExactly(h + " expired rs7");
        assertThat(table.size()).isZero();
        assertThat(table.isLive(h)).isFalse();
        assertThat(lookupOut("192.168.1.10", 80, "192.0.2.1", 40000, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void refreshAndStateChangesMoveTheExpiry() {
        int h = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        table.refresh(h, 50 * SECOND);
        assertThat(table.expiresAtNanos(h)).isEqualTo(110 * SECOND);

        assertThat(table.compareAndSetState(h, 2, 1, 900, 100 * SECOND)).isFalse();
        assertThat(table.compareAndSetState(h, 3, 1, 900, 100 * SECOND)).isTrue();
        assertThat(table.state(h)).isEqualTo(1);
        assertThat(table.expiresAtNanos(h)).isEqualTo(1000 * SECOND);

        table.state(h, 4, 120, 200 * SECOND);
        assertThat(table.state(h)).isEqualTo(4);
        assertThat(table.timeoutSeconds(h)).isEqualTo(120);
        assertThat(table.expiresAtNanos(h)).isEqualTo(320 * SECOND);
        table.timeoutSeconds(h, 10);
        assertThat(table.expiresAtNanos(h)).isEqualTo(320 * SECOND);
        table.refresh(h, 400 * SECOND);
        assertThat(table.expiresAtNanos(h)).isEqualTo(410 * SECOND);
    }

    @Test
    void flagsPacketsAttachmentAndRealServerAreMutable() {
        int h = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 80)
                .flags(ConnectionFlags.MASQ | ConnectionFlags.NO_OUTPUT), 0);

        assertThat(table.clearFlags(h, ConnectionFlags.NO_OUTPUT)).isEqualTo(ConnectionFlags.NO_OUTPUT);
        assertThat(table.setFlags(h, ConnectionFlags.INACTIVE | ConnectionFlags.TEMPLATE)).isZero();
        assertThat(table.flags(h)).isEqualTo(ConnectionFlags.INACTIVE); // TEMPLATE is the table's
        assertThat(table.incrementPackets(h)).isEqualTo(1);
        assertThat(table.incrementPackets(h)).isEqualTo(2);
        assertThat(table.packets(h)).isEqualTo(2);
        table.attachment(h, -5);
        table.realServer(h, 12);
        assertThat(table.attachment(h)).isEqualTo(-5);
        assertThat(table.realServer(h)).isEqualTo(12);
        assertThat(table.template(h)).isEqualTo(ConnectionTable.NO_HANDLE);
        assertThat(table.state(h)).isEqualTo(3);
    }

    @Test
    void sweepRemovesOnlyExpiredEntries() {
        int a = table.insert(tcp("192.0.2.1", 1, "10.0.0.1", 80, "192.168.1.10", 80).state(0, 2), 0);
        int b = table.insert(tcp("192.0.2.1", 2, "10.0.0.1", 80, "192.168.1.10", 80).state(1, 900), 0);

        assertThat(table.sweep(SECOND)).isZero();
        assertThat(table.sweep(2 * SECOND)).isEqualTo(1);
        assertThat(table.isLive(a)).isFalse();
        assertThat(table.isLive(b)).isTrue();
        assertThat(removals).containsExactly(a + " expired rs7");
        assertThat(table.sweep(900 * SECOND)).isEqualTo(1);
        assertThat(table.size()).isZero();
    }

    @Test
    void removeTellsTheListenerOnce() {
        int h = table.insert(tcp("192.0.2.1", 1, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        assertThat(table.remove(h)).isTrue();
        assertThat(table.remove(h)).isFalse();
        assertThat(removals).containsExactly(h + " removed rs7");
        assertThat(lookupIn("192.0.2.1", 1, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void recycledHandleDoesNotAnswerForItsOldKey() {
        int h = table.insert(tcp("192.0.2.1", 1, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        table.remove(h);
        int h2 = table.insert(tcp("192.0.2.2", 2, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        assertThat(lookupIn("192.0.2.1", 1, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupIn("192.0.2.2", 2, "10.0.0.1", 80, 0)).isEqualTo(h2);
    }

    /** A 360 s template of 192.0.2.0 for 10.0.0.1:80 on 192.168.1.10, server id 3. */
    static ConnectionSpec template(int clientPort, int destinationPort) {
        return new ConnectionSpec().protocol(TCP).flags(ConnectionFlags.TEMPLATE)
                .client(0, v4("192.0.2.0"), clientPort).virtual(0, v4("10.0.0.1"), 80)
                .destination(0, v4("192.168.1.10"), destinationPort).state(0, 360).realServer(3);
    }

    /** ip_vs_check_template: unhash, dport = vport = 0xffff, cport = 0, hash again; the timer is kept. */
    @Test
    void anInvalidatedTemplateIsReKeyedWithPorts0xffffAndFreesItsKey() {
        ConnectionSpec t = template(0, 8080);
        int th = table.insert(t, 0);
        int c = table.insert(tcp("192.0.2.7", 5555, "10.0.0.1", 80, "192.168.1.10", 8080).state(1, 900).template(th), 0);
        assertThat(table.invalidateTemplate(th)).isTrue();
        assertThat(table.invalidateTemplate(th)).isFalse(); // vport is 0xffff already
        assertThat(table.virtualPort(th)).isEqualTo(ConnectionTable.INVALID_PORT);
        assertThat(table.destinationPort(th)).isEqualTo(ConnectionTable.INVALID_PORT);
        assertThat(table.expiresAtNanos(th)).isEqualTo(360 * SECOND);
        assertThat(table.controlledCount(th)).isEqualTo(1);
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 80, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
        int fresh = table.insert(t.realServer(4), 0);
        assertThat(ConnectionTable.inserted(fresh)).isTrue();
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 80, 0)).isEqualTo(fresh);
        assertThat(ConnectionTableHooks.templates(table)).isEqualTo(2);
        assertThat(table.remove(c)).isTrue();
        assertThat(table.sweep(360 * SECOND)).isEqualTo(2);
        assertThat(ConnectionTableHooks.templates(table)).isZero();
        assertThat(table.invalidateTemplate(c)).isFalse(); // not live
    }

    @Test
    void templatesHaveTheirOwnKeyAndLiveWhileTheyControlConnections() {
        ConnectionSpec t = template(1234, 80);
        int th = table.insert(t, 0);
        assertThat(table.isTemplate(th)).isTrue();
        assertThat(table.clientPort(th)).isZero();
        assertThat(ConnectionTableHooks.templates(table)).isEqualTo(1);
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 80, 0)).isEqualTo(th);
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 0, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
        // a template is not a connection with client port 0
        assertThat(lookupIn("192.0.2.0", 0, "10.0.0.1", 80, 0)).isEqualTo(ConnectionTable.NOT_FOUND);

        int c = table.insert(tcp("192.0.2.7", 5555, "10.0.0.1", 80, "192.168.1.10", 80).state(1, 900).template(th), 0);
        assertThat(table.template(c)).isEqualTo(th);
        assertThat(table.controlledCount(th)).isEqualTo(1);

        // past the template's timeout it stays while c lives: ip_vs_conn_expire sets cp->timeout to
        // 60 s and re-arms it, not for its own 360 s
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 80, 400 * SECOND))
                .isEqualTo(th);
        assertThat(table.expiresAtNanos(th)).isEqualTo(460 * SECOND);
        assertThat(table.timeoutSeconds(th)).isEqualTo(60);
        assertThat(table.sweep(470 * SECOND)).isZero();
        assertThat(table.expiresAtNanos(th)).isEqualTo(530 * SECOND);
        assertThat(table.remove(c)).isTrue();
        assertThat(table.controlledCount(th)).isZero();
        assertThat(table.isLive(th)).isTrue();
        assertThat(table.sweep(529 * SECOND)).isZero();
        assertThat(table.sweep(530 * SECOND)).isEqualTo(1);
        assertThat(table.isLive(th)).isFalse();
        assertThat(ConnectionTableHooks.templates(table)).isZero();
    }

    @Test
    void removingATemplateWithConnectionsDetachesItUntilTheLastOneGoes() {
        ConnectionSpec t = new ConnectionSpec().protocol(TCP).flags(ConnectionFlags.TEMPLATE)
                .client(0, v4("192.0.2.0"), 0).virtual(0, v4("10.0.0.1"), 80)
                .destination(0, v4("192.168.1.10"), 80).state(0, 360).realServer(3);
        int th = table.insert(t, 0);
        int c = table.insert(tcp("192.0.2.7", 5555, "10.0.0.1", 80, "192.168.1.10", 80).template(th), 0);

        assertThat(table.remove(th)).isTrue();
        assertThat(table.lookupTemplate(4, TCP, 0, v4("192.0.2.0"), 0, v4("10.0.0.1"), 80, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(table.isLive(th)).isTrue();
        assertThat(table.insert(tcp("192.0.2.8", 5555, "10.0.0.1", 80, "192.168.1.10", 80).template(th), 0))
                .isEqualTo(ConnectionTable.STALE_TEMPLATE);
        assertThat(removals).isEmpty();

        table.remove(c);
        assertThat(table.isLive(th)).isFalse();
        assertThat(removals).containsExactly(c + " removed rs7", th + " removed rs3");
        assertThat(table.size()).isZero();
    }

    @Test
    void templateHandleMustNameALiveTemplate() {
        // a handle that names a connection (a template's handle reused since its lookup) is stale
        int c = table.insert(tcp("192.0.2.7", 5555, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        assertThat(table.insert(tcp("192.0.2.8", 1, "10.0.0.1", 80, "192.168.1.10", 80).template(c), 0))
                .isEqualTo(ConnectionTable.STALE_TEMPLATE);
        assertThat(table.insert(tcp("192.0.2.8", 1, "10.0.0.1", 80, "192.168.1.10", 80).template(60), 0))
                .isEqualTo(ConnectionTable.STALE_TEMPLATE);
        assertThatThrownBy(() -> table.insert(tcp("192.0.2.8", 1, "10.0.0.1", 80, "192.168.1.10", 80).template(64), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("template:");
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void wildcardClientPortIsBoundByTheFirstPacket() {
        int h = table.insert(tcp("192.0.2.1", 777, "10.0.0.1", 20, "192.168.1.10", 20)
                .flags(ConnectionFlags.NO_CPORT), 0);
        assertThat(table.clientPort(h)).isZero(); // stored as a wildcard whatever the spec said

        int found = lookupIn("192.0.2.1", 33333, "10.0.0.1", 20, 0);
        assertThat(found).isEqualTo(h);
        assertThat(table.clientPort(h)).isEqualTo(33333);
        assertThat(table.flags(h) & ConnectionFlags.NO_CPORT).isZero();
        // bound: other ports no longer match, both new keys do
        assertThat(lookupIn("192.0.2.1", 44444, "10.0.0.1", 20, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(lookupIn("192.0.2.1", 33333, "10.0.0.1", 20, 0)).isEqualTo(h);
        assertThat(lookupOut("192.168.1.10", 20, "192.0.2.1", 33333, 0)).isEqualTo(h);
        assertThat(lookupOut("192.168.1.10", 20, "192.0.2.1", 0, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        table.remove(h);
        assertThat(table.size()).isZero();
    }

    @Test
    void wildcardClientPortBindsFromTheOutboundSideToo() {
        int h = table.insert(tcp("192.0.2.1", 0, "10.0.0.1", 20, "192.168.1.10", 20)
                .flags(ConnectionFlags.NO_CPORT), 0);
        assertThat(lookupOut("192.168.1.10", 20, "192.0.2.1", 1025, 0)).isEqualTo(h);
        assertThat(lookupIn("192.0.2.1", 1025, "10.0.0.1", 20, 0)).isEqualTo(h);
    }

    @Test
    void forEachVisitsLiveEntriesAndStops() {
        List<Integer> seen = new ArrayList<>();
        int a = table.insert(tcp("192.0.2.1", 1, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        int b = table.insert(tcp("192.0.2.1", 2, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        int c = table.insert(tcp("192.0.2.1", 3, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        table.remove(b);
        table.forEach((t, h) -> seen.add(h) || true);
        assertThat(seen).containsExactly(a, c);
        seen.clear();
        table.forEach((t, h) -> !seen.add(h));
        assertThat(seen).containsExactly(a);
        seen.clear();
        table.forEach(c, c + 1, (t, h) -> seen.add(h));
        assertThat(seen).containsExactly(c);
    }

    @Test
    void badSpecsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().family(5), 0)).hasMessageStartingWith("family:");
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().protocol(256), 0)).hasMessageStartingWith("protocol:");
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().client(0, 1, 65536), 0)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().state(256, 1), 0)).hasMessageStartingWith("state:");
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().state(1, -1), 0))
                .hasMessageStartingWith("timeoutSeconds:");
        assertThatThrownBy(() -> table.insert(new ConnectionSpec().flags(0x10000), 0)).hasMessageStartingWith("flags:");
        assertThatThrownBy(() -> new ConnectionTable(0)).hasMessageStartingWith("maxConnections:");
        assertThat(table.size()).isZero();
    }

    @Test
    void parsedPacketsFindTheirConnectionBothWays() {
        int h4 = table.insert(tcp("192.0.2.1", 40000, "10.0.0.1", 80, "192.168.1.10", 8080), 0);
        int h6 = table.insert(new ConnectionSpec().family(6).protocol(TCP).client(0x20010db800000000L, 1, 40000)
                .virtual(0x20010db800000000L, 0x100, 443).destination(0x20010db800000000L, 0x200, 8443).state(1, 900), 0);
        PacketParser parser = new PacketParser(false);
        PacketInfo info = new PacketInfo();

        assertThat(parser.parse(PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").tcp(40000, 80).flags(PacketBuilder.ACK)
                .buffer(), info)).isEqualTo(ParseStatus.OK);
        assertThat(table.lookupInbound(info, 0)).isEqualTo(h4);
        assertThat(table.lookupOutbound(info, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(parser.parse(PacketBuilder.ipv4("192.168.1.10", "192.0.2.1").tcp(8080, 40000)
                .flags(PacketBuilder.ACK).buffer(), info)).isEqualTo(ParseStatus.OK);
        assertThat(table.lookupOutbound(info, 0)).isEqualTo(h4);

        assertThat(parser.parse(PacketBuilder.ipv6("2001:db8::1", "2001:db8::100").tcp(40000, 443)
                .flags(PacketBuilder.SYN).buffer(), info)).isEqualTo(ParseStatus.OK);
        assertThat(table.lookupInbound(info, 0)).isEqualTo(h6);
        assertThat(parser.parse(PacketBuilder.ipv6("2001:db8::200", "2001:db8::1").tcp(8443, 40000)
                .flags(PacketBuilder.ACK).buffer(), info)).isEqualTo(ParseStatus.OK);
        assertThat(table.lookupOutbound(info, 0)).isEqualTo(h6);
        // the same addresses over UDP are another flow
        assertThat(parser.parse(PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").udp(40000, 80).buffer(), info))
                .isEqualTo(ParseStatus.OK);
        assertThat(table.lookupInbound(info, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void ipv4ConnectionsCostAtMost96BytesEachAtOneMillion() {
        ConnectionTable big = new ConnectionTable(1 << 20, 1L, null);
        double perConnection = (double) big.footprintBytes() / (1 << 20);
        assertThat(perConnection).isLessThanOrEqualTo(96.0);
    }

    @Test
    void handlesFreedByAnotherThreadAreTakenOverWhenTheTableIsFull() throws Exception {
        ConnectionTable small = new ConnectionTable(20, 5L, null);
        int[] handles = new int[20];
        for (int i = 0; i < 20; i++) {
            handles[i] = small.insert(tcp("192.0.2.1", 1000 + i, "10.0.0.1", 80, "192.168.1.10", 80), 0);
        }
        // another thread frees them all, into its own free list
        Thread other = new Thread(() -> {
            for (int h : handles) {
                small.remove(h);
            }
        });
        other.start();
        other.join();
        assertThat(small.size()).isZero();
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int h = small.insert(tcp("192.0.2.2", 2000 + i, "10.0.0.1", 80, "192.168.1.10", 80), 0);
            assertThat(h).isGreaterThanOrEqualTo(0);
            again.add(h);
        }
        assertThat(again).containsExactlyInAnyOrder(java.util.Arrays.stream(handles).boxed().toArray(Integer[]::new));
        assertThat(small.insert(tcp("192.0.2.2", 3000, "10.0.0.1", 80, "192.168.1.10", 80), 0))
                .isEqualTo(ConnectionTable.FULL);
        assertThat(small.size()).isEqualTo(20);
    }
}
