package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.core.director.DirectorTest.udp;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.FIN;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncProtocol;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.testing.FakeClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master's choice of what to send, from {@code ip_vs_sync_conn_needed} and {@code
 * ip_vs_sync_conn} (net/netfilter/ipvs/ip_vs_sync.c) with the default sysctls (sync_threshold 3,
 * sync_period 50, sync_refresh_period 0), its batching into datagrams of sync_maxlen and its 2 s
 * flush ({@code IPVS_SYNC_FLUSH_TIME}), read back through the decoder.
 */
class SyncMasterTest {

    static final String VIP = DirectorTest.VIP;
    static final String CLIENT = DirectorTest.CLIENT;
    final FakeClock clock = new FakeClock();
    final ServiceKey http = key(Protocol.TCP, VIP, 80);

    Director.Builder builder() {
        return Director.builder().nanoClock(clock).rewriter(new RecordingRewriter(ForwardingMethod.MASQUERADE, true))
                .maxConnections(1000).hashSeed(42);
    }

    Director natDirector(String scheduler, String server) {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler(scheduler).build());
        d.addRealServer(http, server(server, 8080, ForwardingMethod.MASQUERADE));
        return d;
    }


    final List<byte[]> datagrams = new ArrayList<>();
    final SyncMaster.Sender sender = (b, off, len) -> {
        byte[] d = new byte[len];
        b.get(off, d);
        datagrams.add(d);
        return true;
    };

    List<SyncEntry> sent() {
        List<SyncEntry> out = new ArrayList<>();
        SyncDecoder dec = new SyncDecoder(new SyncCounters());
        for (byte[] d : datagrams) {
            dec.decode(ByteBuffer.wrap(d), 0, d.length, 0, e -> {
                out.add(new SyncEntry().copyFrom(e));
                return null;
            });
        }
        datagrams.clear();
        return out;
    }

    SyncMaster master(Director d, SyncSettings s) {
        return d.startSyncMaster(s, new SyncCounters());
    }

    void packets(Director d, int clientPort, int flags, int n) {
        for (int i = 0; i < n; i++) {
            d.process(tcp(CLIENT, clientPort, VIP, 80, flags));
        }
    }

    @Test
    void establishedTcpIsSentAtTheThirdPacketThenEveryFiftieth() {
        Director d = natDirector("rr", "192.168.1.10");
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN)); // pkts 1, SYN_RECV: not a sync state
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK)); // pkts 2, ESTABLISHED: 2 % 50 != 3
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).isEmpty();
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK)); // pkts 3
        m.flush(clock.nanos(), true, sender);
        List<SyncEntry> got = sent();
        assertThat(got).hasSize(1);
        SyncEntry e = got.get(0);
        assertThat(e.protocol).isEqualTo(6);
        assertThat(e.state).isEqualTo(TcpState.ESTABLISHED.code());
        assertThat(e.clientPort).isEqualTo(40000);
        assertThat(e.virtualPort).isEqualTo(80);
        assertThat(e.destinationPort).isEqualTo(8080);
        assertThat(e.destinationLow).isEqualTo(0xC0A8010AL);
        assertThat(e.timeout).isEqualTo(900);
        // MASQ (NOOUTPUT is for DR and tunnel connections only, __ip_vs_update_dest), not INACTIVE
        assertThat(e.flags & ~SyncProtocol.F_SYNC).isZero();
        packets(d, 40000, ACK, 49); // pkts 4..52
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).isEmpty();
        packets(d, 40000, ACK, 1); // pkts 53
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).hasSize(1);
    }

    @Test
    void aChangeIntoCloseWaitIsSentAtOnceAndOnlyOnce() {
        Director d = natDirector("rr", "192.168.1.10");
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        packets(d, 40001, SYN, 1);
        packets(d, 40001, ACK, 3);
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).hasSize(1);
        packets(d, 40001, FIN | ACK, 1); // the client's FIN, IN rows: ESTABLISHED -> CLOSE_WAIT, pkts 5
        m.flush(clock.nanos(), true, sender);
        List<SyncEntry> got = sent();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).state).isEqualTo(TcpState.CLOSE_WAIT.code());
        assertThat(got.get(0).flags & SyncProtocol.F_INACTIVE).isNotZero();
        packets(d, 40001, ACK, 1); // still CLOSE_WAIT: no change, 6 % 50 != 3
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).isEmpty();
    }

    @Test
    void udpBySyncPeriodOnly() {
        ServiceKey dns = key(Protocol.UDP, VIP, 53);
        Director d = builder().build();
        d.addService(ServiceConfig.builder(dns).scheduler("rr").build());
        d.addRealServer(dns, server("192.168.1.10", 53, ForwardingMethod.MASQUERADE));
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        for (int i = 1; i <= 103; i++) {
            d.process(udp(CLIENT, 5353, VIP, 53));
        }
        m.flush(clock.nanos(), true, sender);
        List<SyncEntry> got = sent();
        assertThat(got).hasSize(3); // pkts 3, 53, 103
        assertThat(got.get(0).protocol).isEqualTo(17);
        assertThat(got.get(0).flags & SyncProtocol.F_INACTIVE).isNotZero();
    }

    @Test
    void onePacketConnectionsAreNeverSent() {
        ServiceKey dns = key(Protocol.UDP, VIP, 53);
        Director d = builder().build();
        d.addService(ServiceConfig.builder(dns).scheduler("rr").onePacket(true).build());
        d.addRealServer(dns, server("192.168.1.10", 53, ForwardingMethod.MASQUERADE));
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        for (int i = 1; i <= 60; i++) {
            d.process(udp(CLIENT, 5353, VIP, 53));
        }
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).isEmpty();
    }

    @Test
    void templatesGoWithEveryPacketOfTheirConnections() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(300).build());
        d.addRealServer(http, server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        packets(d, 40002, SYN, 1);
        packets(d, 40002, ACK, 2);
        m.flush(clock.nanos(), true, sender);
        List<SyncEntry> got = sent();
        // three templates (sync_period > 0 skips the packet test for templates) and the connection at pkts 3
        assertThat(got).hasSize(4);
        assertThat(got.stream().filter(SyncEntry::isTemplate).count()).isEqualTo(3);
        SyncEntry t = got.get(0);
        assertThat(t.isTemplate()).isTrue();
        assertThat(t.clientPort).isZero();
        assertThat(t.virtualPort).isEqualTo(80);
        assertThat(t.timeout).isEqualTo(300);
        assertThat(t.state).isZero();
        assertThat(got.get(2).isTemplate()).isFalse(); // the connection first, then its template
        assertThat(got.get(3).isTemplate()).isTrue();
    }

    @Test
    void aFullQueueLosesEntriesAndCountsThemWithoutBlocking() {
        Director d = natDirector("rr", "192.168.1.10");
        SyncMaster m = master(d, SyncSettings.DEFAULT.toBuilder().queueCapacity(2).build());
        for (int port = 41000; port < 41005; port++) {
            packets(d, port, SYN, 1);
            packets(d, port, ACK, 2);
        }
        assertThat(m.counters().entriesLost()).isEqualTo(3);
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).hasSize(2);
        assertThat(m.counters().entriesSent()).isEqualTo(2);
    }

    @Test
    void aPartialDatagramWaitsAtMostTwoSecondsAndFullOnesGoAtOnce() {
        Director d = natDirector("rr", "192.168.1.10");
        SyncMaster m = master(d, SyncSettings.DEFAULT.toBuilder().maxLength(8 + 36 * 2).build());
        for (int port = 42000; port < 42005; port++) {
            packets(d, port, SYN, 1);
            packets(d, port, ACK, 2);
        }
        assertThat(m.flush(clock.nanos(), false, sender)).isEqualTo(2); // two full datagrams of two
        assertThat(datagrams).allSatisfy(g -> assertThat(g.length).isEqualTo(8 + 72));
        clock.advanceMillis(1999);
        assertThat(m.flush(clock.nanos(), false, sender)).isZero();
        clock.advanceMillis(1);
        assertThat(m.flush(clock.nanos(), false, sender)).isEqualTo(1);
        assertThat(sent()).hasSize(5);
    }

    @Test
    void withoutAMasterNothingIsQueuedAndStoppingStops() {
        Director d = natDirector("rr", "192.168.1.10");
        SyncMaster m = master(d, SyncSettings.DEFAULT);
        assertThat(d.stopSyncMaster()).isTrue();
        packets(d, 43000, SYN, 1);
        packets(d, 43000, ACK, 2);
        m.flush(clock.nanos(), true, sender);
        assertThat(sent()).isEmpty();
        assertThat(d.stopSyncMaster()).isFalse();
    }
}
