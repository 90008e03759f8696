package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.testkit.Pcap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The master's datagrams, as UDP to 224.0.0.81:8848 in a pcap, decoded by Wireshark's {@code ipvs}
 * dissector ({@code tshark -d udp.port==8848,ipvs}): every header and entry field it shows must be
 * what our decoder reads. tshark is installed (Debian's package) when missing and we are root;
 * otherwise the test is skipped with the reason.
 *
 * <p>Wireshark's dissector (4.0) steps over entries by their fixed size and does not read options,
 * so the datagrams here carry none (no FTP offsets, no PE data): options are covered by the byte
 * layouts of {@code SyncCodecTest}.
 */
class SyncTsharkTest {

    private static String tshark;

    @BeforeAll
    static void findOrInstallTshark() throws Exception {
        tshark = which("tshark");
        if (tshark == null && "root".equals(System.getProperty("user.name")) && which("apt-get") != null) {
            ProcessBuilder pb = new ProcessBuilder("apt-get", "install", "-y", "tshark").redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            p.waitFor(10, TimeUnit.MINUTES);
            tshark = which("tshark");
        }
    }

    private static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    @Test
    void wiresharkDecodesTheMastersDatagramsAsWeDo() throws Exception {
        assumeTrue(tshark != null, "tshark is not installed and cannot be (not root or no apt-get)");
        FakeClock clock = new FakeClock();
        ServiceKey v4 = key(Protocol.TCP, "10.0.0.1", 80);
        ServiceKey v6 = key(Protocol.UDP, "2001:db8::1", 53);
        Director d = Director.builder().nanoClock(clock).rewriter(new RecordingRewriter(ForwardingMethod.MASQUERADE, true))
                .rewriter(new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false)).build();
        d.addService(ServiceConfig.builder(v4).scheduler("rr").persistent(600).build());
        d.addRealServer(v4, server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
        d.addService(ServiceConfig.builder(v6).scheduler("rr").build());
        d.addRealServer(v6, server("2001:db8:2::5", 53, ForwardingMethod.DIRECT_ROUTE));
        SyncMaster m = d.startSyncMaster(SyncSettings.builder().syncId(9).maxLength(400).build(), new SyncCounters());
        for (int i = 0; i < 12; i++) {
            ByteBuffer syn = PacketBuilder.ipv4("198.51.100." + (i + 1), "10.0.0.1").tcp(40000 + i, 80).flags(SYN).buffer();
            d.process(syn);
            for (int k = 0; k < 2; k++) {
                d.process(PacketBuilder.ipv4("198.51.100." + (i + 1), "10.0.0.1").tcp(40000 + i, 80).flags(ACK).buffer());
            }
            for (int k = 0; k < 3; k++) {
                d.process(PacketBuilder.ipv6("2001:db8:9::" + (i + 1), "2001:db8::1").udp(5000 + i, 53).payload("q").buffer());
            }
        }
        List<byte[]> datagrams = new ArrayList<>();
        m.flush(clock.nanos(), true, (b, off, len) -> {
            byte[] p = new byte[len];
            b.get(off, p);
            datagrams.add(p);
            return true;
        });
        assertThat(datagrams.size()).isGreaterThan(1); // 400-byte datagrams: several

        List<byte[]> packets = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        SyncDecoder dec = new SyncDecoder(new SyncCounters());
        for (byte[] p : datagrams) {
            packets.add(PacketBuilder.ipv4("192.0.2.1", "224.0.0.81").ttl(1).udp(33000, 8848).payload(p).bytes());
            List<SyncEntry> entries = new ArrayList<>();
            dec.decode(ByteBuffer.wrap(p), 0, p.length, 0, e -> {
                entries.add(new SyncEntry().copyFrom(e));
                return null;
            });
            expected.append(fields(p, entries)).append('\n');
        }
        Path pcap = Pcap.dump("sync-master", packets);
        Process t = new ProcessBuilder(tshark, "-r", pcap.toString(), "-d", "udp.port==8848,ipvs", "-T", "fields",
                "-E", "separator=|", "-e", "ipvs.syncid", "-e", "ipvs.size", "-e", "ipvs.conncount", "-e",
                "ipvs.version", "-e", "ipvs.proto", "-e", "ipvs.size.v1", "-e", "ipvs.flags.v1", "-e", "ipvs.state",
                "-e", "ipvs.cport", "-e", "ipvs.vport", "-e", "ipvs.dport", "-e", "ipvs.timeout", "-e", "ipvs.caddr",
                "-e", "ipvs.vaddr", "-e", "ipvs.daddr", "-e", "ipvs.caddr6", "-e", "ipvs.daddr6")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(t.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo(expected.toString());
    }

    /** One pcap row as tshark prints it: repeated fields joined by commas, in the order of -e. */
    private static String fields(byte[] p, List<SyncEntry> entries) {
        List<String> proto = new ArrayList<>();
        List<String> size = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        List<String> state = new ArrayList<>();
        List<String> cport = new ArrayList<>();
        List<String> vport = new ArrayList<>();
        List<String> dport = new ArrayList<>();
        List<String> timeout = new ArrayList<>();
        List<String> c4 = new ArrayList<>();
        List<String> v4 = new ArrayList<>();
        List<String> d4 = new ArrayList<>();
        List<String> c6 = new ArrayList<>();
        List<String> d6 = new ArrayList<>();
        for (SyncEntry e : entries) {
            proto.add(String.format("0x%02x", e.protocol));
            size.add(String.valueOf(e.encodedSize()));
            flags.add(String.format("0x%08x", e.flags & ~0x20L)); // the decoder adds SYNC; the wire has none
            state.add(String.format("0x%04x", e.state));
            cport.add(String.valueOf(e.clientPort));
            vport.add(String.valueOf(e.virtualPort));
            dport.add(String.valueOf(e.destinationPort));
            timeout.add(String.valueOf(e.timeout));
            if (e.family == Addresses.IPV4) {
                c4.add(Addresses.format(e.family, e.clientHigh, e.clientLow));
                v4.add(Addresses.format(e.family, e.virtualHigh, e.virtualLow));
                d4.add(Addresses.format(e.family, e.destinationHigh, e.destinationLow));
            } else {
                c6.add(Addresses.format(e.family, e.clientHigh, e.clientLow));
                d6.add(Addresses.format(e.family, e.destinationHigh, e.destinationLow));
            }
        }
        return String.join("|", String.valueOf(p[1] & 0xFF), String.valueOf(p.length), String.valueOf(entries.size()),
                "1", String.join(",", proto), String.join(",", size), String.join(",", flags), String.join(",", state),
                String.join(",", cport), String.join(",", vport), String.join(",", dport), String.join(",", timeout),
                String.join(",", c4), String.join(",", v4), String.join(",", d4), String.join(",", c6),
                String.join(",", d6));
    }

}
