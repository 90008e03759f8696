package io.ippvs.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Addresses;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encoder and decoder against byte layouts written by hand from the kernel's structs
 * (net/netfilter/ipvs/ip_vs_sync.c: {@code struct ip_vs_sync_mesg}, {@code struct ip_vs_sync_v4},
 * {@code struct ip_vs_sync_v6}, {@code struct ip_vs_sync_conn_options}, {@code struct
 * ip_vs_sync_mesg_v0}, {@code struct ip_vs_sync_conn_v0}) and the checks of
 * {@code ip_vs_process_message} / {@code ip_vs_proc_sync_conn}.
 */
class SyncCodecTest {

    /** One IPv4 TCP connection: header (reserved 0, syncid 7, size 44, 1 conn, version 1, spare 0) + ip_vs_sync_v4. */
    static final String ONE_V4 = ""
            + "00 07 002c 01 01 0000"      // struct ip_vs_sync_mesg
            + "00 06 0024"                 // type 0 (IPv4), protocol 6, ver_size: version 0, size 36
            + "00000180"                   // flags NOOUTPUT | INACTIVE, MASQ
            + "0001 3039"                  // state 1 (ESTABLISHED), cport 12345
            + "0050 1f90"                  // vport 80, dport 8080
            + "00000000 00000384"          // fwmark 0, timeout 900 s
            + "0a000002 c0a80001 ac100005"; // caddr 10.0.0.2, vaddr 192.168.0.1, daddr 172.16.0.5

    /**
     * Two entries: an IPv4 template with PE data and name (36 + 2+3 + 2+3 = 46 bytes, padded to 48),
     * then an IPv6 connection with sequence data (72 + 2+24 = 98). Size 8 + 48 + 98 = 154 (no padding
     * after the last entry).
     */
    static final String TWO_MIXED = ""
            + "00 00 009a 02 01 0000"
            + "00 11 002e 00001000 0000 0000 0035 0035 00000000 000000b4"
            + "0a000000 c0a80001 ac100005"
            + "02 03 616263"                // IPVS_OPT_PE_DATA "abc"
            + "03 03 736970"               // IPVS_OPT_PE_NAME "sip"
            + "0000"                       // padding to 4
            + "01 06 0062 00000400 0005 d431 01bb 01bb 0000002a 00000000"
            + "20010db8000000000000000000000001"
            + "20010db80000000000000000000000ff"
            + "20010db8000100000000000000000005"
            + "01 18"                      // IPVS_OPT_SEQ_DATA, 24
            + "00000064 00000002 00000001" // in: init_seq 100, delta 2, previous_delta 1
            + "fffffff0 fffffffe 00000000"; // out: init_seq 0xfffffff0, delta -2, previous_delta 0

    static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    static String hexOf(ByteBuffer b, int length) {
        byte[] a = new byte[length];
        b.get(0, a);
        return HexFormat.of().formatHex(a);
    }

    static SyncEntry v4Connection() {
        SyncEntry e = new SyncEntry();
        e.protocol = 6;
        e.flags = 0x180;
        e.state = 1;
        e.clientPort = 12345;
        e.virtualPort = 80;
        e.destinationPort = 8080;
        e.timeout = 900;
        e.clientLow = 0x0a000002L;
        e.virtualLow = 0xc0a80001L;
        e.destinationLow = 0xac100005L;
        return e;
    }

    static List<SyncEntry> decodeAll(ByteBuffer b, int syncId, SyncCounters counters) {
        List<SyncEntry> out = new ArrayList<>();
        new SyncDecoder(counters).decode(b, 0, b.capacity(), syncId, e -> {
            out.add(new SyncEntry().copyFrom(e));
            return null;
        });
        return out;
    }

    @Test
    void encodesOneIpv4ConnectionAsTheKernelLaysItOut() {
        ByteBuffer b = ByteBuffer.allocate(1472);
        SyncEncoder enc = new SyncEncoder().begin(b, 0, 1472, 7);
        assertThat(enc.add(v4Connection())).isTrue();
        assertThat(enc.length()).isEqualTo(44);
        assertThat(hexOf(b, enc.length())).isEqualTo(ONE_V4.replace(" ", ""));
    }

    @Test
    void decodesOneIpv4ConnectionWithSyncAddedToItsFlags() {
        SyncCounters c = new SyncCounters();
        List<SyncEntry> got = decodeAll(hex(ONE_V4), 7, c);
        assertThat(got).hasSize(1);
        SyncEntry e = got.get(0);
        assertThat(e.family).isEqualTo(Addresses.IPV4);
        assertThat(e.flags).isEqualTo(0x180 | SyncProtocol.F_SYNC);
        assertThat(e.state).isEqualTo(1);
        assertThat(e.clientPort).isEqualTo(12345);
        assertThat(e.virtualPort).isEqualTo(80);
        assertThat(e.destinationPort).isEqualTo(8080);
        assertThat(e.timeout).isEqualTo(900);
        assertThat(e.clientLow).isEqualTo(0x0a000002L);
        assertThat(e.virtualLow).isEqualTo(0xc0a80001L);
        assertThat(e.destinationLow).isEqualTo(0xac100005L);
        assertThat(c.messagesReceived()).isEqualTo(1);
        assertThat(c.entriesInstalled()).isEqualTo(1);
        assertThat(c.droppedTotal()).isZero();
    }

    @Test
    void encodesAndDecodesPaddingOptionsAndIpv6() {
        SyncEntry t = new SyncEntry();
        t.protocol = 17;
        t.flags = SyncProtocol.F_TEMPLATE;
        t.virtualPort = 53;
        t.destinationPort = 53;
        t.timeout = 180;
        t.clientLow = 0x0a000000L;
        t.virtualLow = 0xc0a80001L;
        t.destinationLow = 0xac100005L;
        t.peDataLength = 3;
        System.arraycopy("abc".getBytes(), 0, t.peData, 0, 3);
        t.peNameLength = 3;
        System.arraycopy("sip".getBytes(), 0, t.peName, 0, 3);
        SyncEntry v6 = new SyncEntry();
        v6.family = Addresses.IPV6;
        v6.protocol = 6;
        v6.flags = SyncProtocol.F_IN_SEQ;
        v6.state = 5;
        v6.clientPort = 54321;
        v6.virtualPort = 443;
        v6.destinationPort = 443;
        v6.fwmark = 42;
        v6.clientHigh = 0x20010db800000000L;
        v6.clientLow = 1;
        v6.virtualHigh = 0x20010db800000000L;
        v6.virtualLow = 0xff;
        v6.destinationHigh = 0x20010db800010000L;
        v6.destinationLow = 5;
        v6.hasSequence = true;
        v6.inInitSeq = 100;
        v6.inDelta = 2;
        v6.inPreviousDelta = 1;
        v6.outInitSeq = 0xfffffff0;
        v6.outDelta = -2;
        v6.outPreviousDelta = 0;
        ByteBuffer b = ByteBuffer.allocate(1472);
        SyncEncoder enc = new SyncEncoder().begin(b, 0, 1472, 0);
        assertThat(enc.add(t)).isTrue();
        assertThat(enc.add(v6)).isTrue();
        assertThat(hexOf(b, enc.length())).isEqualTo(TWO_MIXED.replace(" ", ""));

        List<SyncEntry> got = decodeAll(hex(TWO_MIXED), 0, new SyncCounters());
        assertThat(got).hasSize(2);
        assertThat(got.get(0).isTemplate()).isTrue();
        assertThat(new String(got.get(0).peData, 0, got.get(0).peDataLength)).isEqualTo("abc");
        assertThat(new String(got.get(0).peName, 0, got.get(0).peNameLength)).isEqualTo("sip");
        SyncEntry e = got.get(1);
        assertThat(e.family).isEqualTo(Addresses.IPV6);
        assertThat(e.virtualLow).isEqualTo(0xff);
        assertThat(e.fwmark).isEqualTo(42);
        assertThat(e.hasSequence).isTrue();
        assertThat(e.outInitSeq).isEqualTo(0xfffffff0);
        assertThat(e.outDelta).isEqualTo(-2);
    }

    @Test
    void aMessageWhoseSizeDiffersFromItsLengthIsDroppedWhole() {
        SyncCounters c = new SyncCounters();
        ByteBuffer b = hex(ONE_V4 + "00");
        assertThat(new SyncDecoder(c).decode(b, 0, b.capacity(), 0, e -> null)).isEqualTo(-1);
        assertThat(c.dropped(SyncDrop.BAD_SIZE)).isEqualTo(1);
    }

    @Test
    void anotherSyncIdIsDroppedUnlessTheBackupsIsZero() {
        SyncCounters c = new SyncCounters();
        assertThat(decodeAll(hex(ONE_V4), 8, c)).isEmpty();
        assertThat(c.dropped(SyncDrop.FOREIGN_SYNCID)).isEqualTo(1);
        assertThat(decodeAll(hex(ONE_V4), 0, c)).hasSize(1);
    }

    @Test
    void aFaultInTheSecondEntryDropsTheWholeMessageIncludingTheFirst() {
        // two entries; the second's size (4) is below sizeof(struct ip_vs_sync_v4): -20 in ip_vs_proc_sync_conn
        String second = "00 06 0004 00000000 0001 3039 0050 1f90 00000000 00000000 0a000002 c0a80001 ac100005";
        String msg = "00 00 0050 02 01 0000" + ONE_V4.substring(ONE_V4.indexOf("0000") + 4) + second;
        SyncCounters c = new SyncCounters();
        assertThat(decodeAll(hex(msg), 0, c)).isEmpty();
        assertThat(c.dropped(SyncDrop.ENTRY_SHORT)).isEqualTo(1);
        assertThat(c.entriesReceived()).isZero();
    }

    @Test
    void entryLevelFaultsDropOnlyThatEntry() {
        // entry 1: unknown mandatory option 5; entry 2: UDP with state 1 (UDP has one state); entry 3: good
        String e1 = "00 06 002c 00000000 0001 3039 0050 1f90 00000000 00000000 0a000002 c0a80001 ac100005"
                + "05 06 000000000000";
        String e2 = "00 11 0024 00000000 0001 3039 0050 1f90 00000000 00000000 0a000002 c0a80001 ac100005";
        String e3 = "00 06 0028 00000000 0001 3039 0050 1f90 00000000 00000000 0a000002 c0a80001 ac100005"
                + "45 02 0000"; // optional unknown option 0x45 is skipped
        int size = 8 + 44 + 36 + 40;
        String msg = String.format("00 00 %04x 03 01 0000", size) + e1 + e2 + e3;
        SyncCounters c = new SyncCounters();
        List<SyncEntry> got = decodeAll(hex(msg), 0, c);
        assertThat(got).hasSize(1);
        assertThat(c.dropped(SyncDrop.UNKNOWN_MANDATORY_OPTION)).isEqualTo(1);
        assertThat(c.dropped(SyncDrop.INVALID_STATE)).isEqualTo(1);
        assertThat(c.entriesReceived()).isEqualTo(3);
    }

    @Test
    void optionChecksOfTheKernel() {
        String fixed = "00 06 %04x 00000000 0001 3039 0050 1f90 00000000 00000000 0a000002 c0a80001 ac100005";
        // seq option of the wrong length (-50), seq option twice (-50), option past the entry (-40),
        // PE data without a name (entry dropped, 50), PE name of 17 bytes (-70)
        assertDrop(String.format(fixed, 36 + 2 + 20) + "01 14" + "00".repeat(20), SyncDrop.SEQ_OPTION);
        assertDrop(String.format(fixed, 36 + 52) + ("01 18" + "00".repeat(24)).repeat(2), SyncDrop.SEQ_OPTION);
        assertDrop(String.format(fixed, 36 + 4) + "02 09 0000", SyncDrop.OPTION_BOUNDS);
        assertDrop(String.format(fixed, 36 + 1) + "02", SyncDrop.OPTION_BOUNDS);
        assertDrop(String.format(fixed, 36 + 4) + "02 02 abcd", SyncDrop.PERSISTENCE_ENGINE);
        assertDrop(String.format(fixed, 36 + 19) + "03 11" + "61".repeat(17), SyncDrop.PE_NAME_OPTION);
        // the optional bit 0x40 still selects the known option: 0x41 is sequence data
        assertDrop(String.format(fixed, 36 + 2 + 20) + "41 14" + "00".repeat(20), SyncDrop.SEQ_OPTION);
        // type 2 is neither IPv4 (0) nor IPv6 (bit 0): -10
        assertDrop("02" + String.format(fixed, 36).substring(2), SyncDrop.ENTRY_TYPE);
        // version nibble 1
        assertDrop(String.format(fixed, 0x1024), SyncDrop.ENTRY_VERSION);
    }

    private static void assertDrop(String entry, SyncDrop reason) {
        byte[] e = HexFormat.of().parseHex(entry.replace(" ", ""));
        int size = 8 + e.length;
        String msg = String.format("00 00 %04x 01 01 0000", size) + entry;
        SyncCounters c = new SyncCounters();
        assertThat(decodeAll(hex(msg), 0, c)).as(reason.name()).isEmpty();
        assertThat(c.dropped(reason)).as(reason.name()).isEqualTo(1);
        assertThat(c.droppedTotal()).as(reason.name()).isEqualTo(1);
    }

    @Test
    void truncatedAndTooShortMessages() {
        SyncCounters c = new SyncCounters();
        assertThat(decodeAll(hex("000000"), 0, c)).isEmpty();
        assertThat(c.dropped(SyncDrop.TOO_SHORT)).isEqualTo(1);
        // nr_conns 2 but only one entry's bytes
        String msg = "00 00 002c 02 01 0000" + ONE_V4.substring(ONE_V4.indexOf("0000") + 4);
        assertThat(decodeAll(hex(msg), 0, c)).isEmpty();
        assertThat(c.dropped(SyncDrop.TRUNCATED)).isEqualTo(1);
    }

    /**
     * Version 0 ({@code struct ip_vs_sync_mesg_v0}: nr_conns, syncid, size; {@code struct
     * ip_vs_sync_conn_v0}: reserved, protocol, cport, vport, dport, caddr, vaddr, daddr, flags u16,
     * state u16): a message whose version byte is not 1 is read the old way.
     */
    @Test
    void versionZeroMessagesAreRecognisedAndRead() {
        String v0 = "01 05 001c" + "00 06 3039 0050 1f90 0a000002 c0a80001 ac100005 0180 0001";
        SyncCounters c = new SyncCounters();
        List<SyncEntry> got = decodeAll(hex(v0), 5, c);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).flags).isEqualTo(0x180 | SyncProtocol.F_SYNC);
        assertThat(got.get(0).timeout).isZero();
        assertThat(got.get(0).destinationPort).isEqualTo(8080);
        // the same with SEQ flags but no room for the options
        String cut = "01 05 001c" + "00 06 3039 0050 1f90 0a000002 c0a80001 ac100005 0580 0001";
        assertThat(decodeAll(hex(cut), 5, c)).isEmpty();
        assertThat(c.dropped(SyncDrop.V0_TRUNCATED)).isEqualTo(1);
    }

    @Test
    void theEncoderStopsAtMaxLengthAnd255Entries() {
        ByteBuffer b = ByteBuffer.allocate(65535);
        SyncEncoder enc = new SyncEncoder().begin(b, 0, 8 + 36 * 3, 1);
        SyncEntry e = v4Connection();
        assertThat(enc.add(e)).isTrue();
        assertThat(enc.add(e)).isTrue();
        assertThat(enc.add(e)).isTrue();
        assertThat(enc.add(e)).isFalse();
        enc.begin(b, 0, 65535, 1);
        int n = 0;
        while (enc.add(e)) {
            n++;
        }
        assertThat(n).isEqualTo(255);
        assertThat(decodeAll(ByteBuffer.wrap(b.array(), 0, enc.length()).slice(), 1, new SyncCounters())).hasSize(255);
    }
}
