package io.ippvs.examples;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.nat.NatRewriter;
import io.ippvs.tunnel.DirectRouteRewriter;
import io.ippvs.tunnel.TunnelRewriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ippvs pcap}: replays a capture through one director. Each record's timestamp is the
 * director's clock, and the once-a-second sweep an appliance runs is run whenever a second of
 * capture time has passed, so timeouts and expiry happen as they would have on the wire. Every
 * FORWARD and REPLY packet is written, in order, to the output with the input's link type, byte
 * order and timestamp resolution; Ethernet frames keep their header (a REPLY's addresses swapped, as
 * it goes back to the sender).
 */
@Command(name = "pcap", mixinStandardHelpOptions = true,
        description = {"Replays a capture through one director, using each record's time as the clock.",
                "Reads classic pcap (either byte order, micro- or nanosecond timestamps) with link type "
                        + "Ethernet (1), raw IP (101), IPv4 (228) or IPv6 (229); pcapng and damaged files exit with 2.",
                "Prints each packet's verdict (drop reasons included), then the counters and ipvsadm -L -n --stats."})
public final class PcapCommand implements Callable<Integer> {

    /** Room before the packet for tunnel headers, as the library asks of an appliance. */
    private static final int HEADROOM = 64;
    /** Room after it for FTP rewrites and ICMP errors that quote more than the packet had. */
    private static final int TAILROOM = 1600;
    private static final long SECOND = 1_000_000_000L;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;

    @Spec
    private CommandSpec spec;

    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "ipvsadm rules file (ipvsadm -S format).")
    Path rules;

    @Option(names = "--in", required = true, paramLabel = "IN.pcap", description = "The capture to replay.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "OUT.pcap", description = "Where the FORWARD and REPLY packets go.")
    Path out;

    @Option(names = "--fwmark", paramLabel = "N", description = "Firewall mark passed with every packet (0: none). Default: ${DEFAULT-VALUE}.")
    long fwmark;

    @Option(names = "--verify-checksums", description = "Drop packets whose checksums are wrong (BAD_CHECKSUM), as a NIC without offload would.")
    boolean verifyChecksums;

    @Option(names = "--list-at", paramLabel = "T", split = ",",
            description = "Also print the listing (-L -n --stats and -L -n -c) at T seconds of capture time after the first record (repeatable).")
    List<Double> listAt = new ArrayList<>();

    @Option(names = "--tunnel-source", paramLabel = "ADDR", description = "Outer source address of tunnelled (-i) packets. Default: ${DEFAULT-VALUE}.")
    String tunnelSource = "192.0.2.1";

    @Option(names = "--quiet", description = "No line per packet; only the counters and the listing.")
    boolean quiet;

    @Option(names = "--sync-out", paramLabel = "SYNC.pcap",
            description = "Run a sync master and write its datagrams (IPv4 UDP to 224.0.0.81:8848) to this capture.")
    Path syncOut;

    @Option(names = "--sync-in", paramLabel = "SYNC.pcap",
            description = "Before the replay, load the connections of the sync datagrams (UDP to port 8848) in this capture, as a backup does.")
    Path syncIn;

    @Option(names = "--syncid", paramLabel = "ID", description = "Sync id the --sync-out master writes. Default: ${DEFAULT-VALUE}.")
    int syncId;

    private long clock;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (fwmark < 0 || fwmark > 0xFFFFFFFFL) {
            throw new ParameterException(spec.commandLine(), "--fwmark: " + fwmark + " is not in 0..4294967295");
        }
        if (listAt.stream().anyMatch(t -> t < 0 || t.isNaN())) {
            throw new ParameterException(spec.commandLine(), "--list-at: a time is negative");
        }
        PcapFile capture;
        try {
            capture = PcapFile.read(Files.readAllBytes(in));
        } catch (IOException e) {
            err.println("ippvs pcap: " + RulesFiles.describe(in, e));
            return 2;
        } catch (PcapFile.FormatException e) {
            err.println("ippvs pcap: " + in + ": " + e.getMessage());
            return 2;
        }
        Director director;
        try {
            director = Director.builder()
                    .nanoClock(() -> clock)
                    .verifyChecksums(verifyChecksums)
                    .rewriter(NatRewriter.builder().build())
                    .rewriter(TunnelRewriter.builder().sourceAddress(NumericAddress.parse("--tunnel-source", tunnelSource)).build())
                    .rewriter(DirectRouteRewriter.builder().build())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Ipvsadm ipvsadm = Ipvsadm.forDirector(director);
        try {
            RulesFiles.restore(ipvsadm, rules);
        } catch (IllegalArgumentException | IOException e) {
            err.println("ippvs pcap: " + e.getMessage());
            return 1;
        }
        if (syncIn != null) {
            PcapFile sync;
            try {
                sync = PcapFile.read(Files.readAllBytes(syncIn));
            } catch (IOException e) {
                err.println("ippvs pcap: " + RulesFiles.describe(syncIn, e));
                return 2;
            } catch (PcapFile.FormatException e) {
                err.println("ippvs pcap: " + syncIn + ": " + e.getMessage());
                return 2;
            }
            SyncCounters c = SyncCapture.load(sync, director, t -> clock = t);
            o.printf("sync in: %d datagrams, %d entries installed, %d dropped%n", c.messagesReceived(),
                    c.entriesInstalled(), c.droppedTotal());
        }
        SyncMaster master = null;
        if (syncOut != null) {
            try {
                master = director.startSyncMaster(SyncSettings.builder().syncId(syncId).build(), new SyncCounters());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--syncid: " + e.getMessage());
            }
        }
        Replay r = new Replay(capture, director, ipvsadm, o);
        try (PcapFile.Writer w = capture.writer(new BufferedOutputStream(Files.newOutputStream(out)));
                PcapFile.Writer sw = syncOut == null ? null : new PcapFile.Writer(
                        new BufferedOutputStream(Files.newOutputStream(syncOut)), ByteOrder.LITTLE_ENDIAN, true,
                        PcapFile.MAX_RECORD, PcapFile.LINKTYPE_RAW)) {
            r.sync = master;
            r.syncSender = sw == null ? null : SyncCapture.writer(sw, () -> clock);
            r.run(w);
            if (master != null) {
                master.flush(clock, true, r.syncSender);
                o.printf("sync out: %d datagrams, %d entries written to %s%n", master.counters().messagesSent(),
                        master.counters().entriesSent(), syncOut);
            }
        }
        o.flush();
        return 0;
    }

    /** One pass over the capture. */
    private final class Replay {
        final PcapFile capture;
        final Director director;
        final Ipvsadm ipvsadm;
        final PrintWriter o;
        final NextHop hop = new NextHop();
        SyncMaster sync;
        SyncMaster.Sender syncSender;
        long notIp;
        long unfit;
        long written;

        Replay(PcapFile capture, Director director, Ipvsadm ipvsadm, PrintWriter o) {
            this.capture = capture;
            this.director = director;
            this.ipvsadm = ipvsadm;
            this.o = o;
        }

        void run(PcapFile.Writer w) throws IOException {
            List<Double> lists = new ArrayList<>(listAt);
            lists.sort(null);
            long first = capture.records.isEmpty() ? 0 : capture.records.get(0).nanos();
            long lastSweep = first;
            int n = 0;
            for (PcapFile.Record rec : capture.records) {
                n++;
                long now = rec.nanos();
                while (!lists.isEmpty() && now - first >= (long) (lists.get(0) * SECOND)) {
                    listAt(first, lists.remove(0));
                }
                if (now - lastSweep >= SECOND) {
                    clock = now;
                    director.sweep();
                    lastSweep = now;
                }
                clock = now;
                packet(n, now - first, rec, w);
                if (sync != null) {
                    sync.flush(now, false, syncSender); // full datagrams at once, a partial one after 2 s
                }
            }
            for (double t : lists) {
                listAt(first, t); // after the end of the capture: the table as time goes on without traffic
            }
            o.printf("%d records: %d forwarded, %d replied, %d passed, %d dropped, %d not IP%n", capture.records.size(),
                    director.forwarded(), director.replied(), director.passed(), director.dropped(), notIp);
            for (DropReason reason : DropReason.values()) {
                if (director.drops(reason) > 0) {
                    o.printf("  dropped %s: %d%n", reason.name().toLowerCase(Locale.ROOT), director.drops(reason));
                }
            }
            if (unfit > 0) {
                o.printf("%d packets not written: their address family does not fit link type %d%n", unfit, capture.linkType);
            }
            o.printf("%d packets written to %s%n", written, out);
            o.println("$ ipvsadm -L -n --stats");
            o.print(ipvsadm.execute("-L -n --stats"));
        }

        private void listAt(long first, double t) {
            clock = first + (long) (t * SECOND);
            director.sweep();
            o.printf("# at %.6fs of capture time%n", t);
            o.println("$ ipvsadm -L -n --stats");
            o.print(ipvsadm.execute("-L -n --stats"));
            o.println("$ ipvsadm -L -n -c");
            o.print(ipvsadm.execute("-L -n -c"));
        }

        private void packet(int n, long sinceFirst, PcapFile.Record rec, PcapFile.Writer w) throws IOException {
            byte[] frame = rec.data();
            int l2 = 0;
            if (capture.linkType == PcapFile.LINKTYPE_ETHERNET) {
                int type = frame.length >= 14 ? (frame[12] & 0xFF) << 8 | frame[13] & 0xFF : -1;
                l2 = 14;
                if (type == ETHERTYPE_VLAN && frame.length >= 18) {
                    type = (frame[16] & 0xFF) << 8 | frame[17] & 0xFF;
                    l2 = 18;
                }
                if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
                    notIp++;
                    line(n, sinceFirst, type < 0 ? "Ethernet frame of " + frame.length + " bytes"
                            : String.format("Ethernet type 0x%04x", type), "not IP, skipped");
                    return;
                }
            }
            int ipLength = frame.length - l2;
            ByteBuffer buf = ByteBuffer.allocate(HEADROOM + ipLength + TAILROOM);
            buf.put(HEADROOM, frame, l2, ipLength).position(HEADROOM).limit(HEADROOM + ipLength);
            String before = quiet ? "" : PacketText.describe(buf);
            Verdict v = director.process(buf, (int) fwmark, hop);
            switch (v.action()) {
                case FORWARD -> {
                    write(w, rec, frame, l2, buf, false);
                    // the hop names the connection's real server in both directions
                    line(n, sinceFirst, before, "FORWARD " + (hop.isSet() ? "(real server "
                            + hop.address().getHostAddress() + ", " + hop.method() + ") " : "")
                            + (quiet ? "" : PacketText.describe(buf)));
                }
                case REPLY -> {
                    write(w, rec, frame, l2, buf, true);
                    line(n, sinceFirst, before, "REPLY " + (quiet ? "" : PacketText.describe(buf)));
                }
                case PASS -> line(n, sinceFirst, before, "PASS (not a virtual service's)");
                case DROP -> line(n, sinceFirst, before, "DROP " + v.dropReason().name().toLowerCase(Locale.ROOT));
            }
        }

        private void write(PcapFile.Writer w, PcapFile.Record rec, byte[] frame, int l2, ByteBuffer ip, boolean reply)
                throws IOException {
            int version = (ip.get(ip.position()) & 0xFF) >>> 4;
            int link = capture.linkType;
            if (link == PcapFile.LINKTYPE_IPV4 && version != 4 || link == PcapFile.LINKTYPE_IPV6 && version != 6) {
                unfit++;
                return;
            }
            if (l2 > 0) {
                ByteBuffer out = ByteBuffer.allocate(l2 + ip.remaining());
                out.put(frame, 0, l2).put(ip.duplicate());
                if (reply) { // back to the sender: swap the Ethernet addresses
                    out.put(0, frame, 6, 6).put(6, frame, 0, 6);
                }
                // a tunnel can change the family (4in6, 6in4): the EtherType follows the packet
                out.putShort(l2 - 2, (short) (version == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4));
                out.flip();
                w.write(rec.nanos(), out, out.remaining());
            } else {
                w.write(rec.nanos(), ip, ip.remaining());
            }
            written++;
        }

        private void line(int n, long sinceFirst, String packet, String verdict) {
            if (!quiet) {
                o.printf("#%d %.6f %s: %s%n", n, sinceFirst / 1e9, packet, verdict);
            }
        }
    }
}
