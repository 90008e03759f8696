package io.ippvs.core.testing;

import io.ippvs.api.Verdict;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.testkit.ChecksumVerifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one mutation helper, after pcap4j's {@code RandomPacketTester}: mutates good packets (bit flips,
 * truncations, length fields that lie, overwritten header bytes, trailing garbage, TTL / hop limit at
 * the edges) and feeds them to a target, checking after each one that: nothing was thrown; the verdict
 * is one the caller allows; nothing was written outside the buffer (guard bytes around it); unless the
 * target {@linkplain #movesPosition may move the packet}, position stayed and nothing was written into
 * the headroom before the packet; a PASS left the packet as it was; a FORWARD or REPLY of a packet
 * whose checksums were all valid is valid too (unless {@linkplain #verifyOutputChecksums turned off});
 * and whatever the caller's own {@link Check} says of the outcome.
 *
 * <p>The buffers are allocated once and refilled: a million packets take seconds. {@link #count}
 * reads the system property {@code ippvs.fuzz.packets} (the nightly profile raises it).
 */
public final class MutationFuzzer {

    public static final int HEADROOM = 16;
    public static final int TAILROOM = 64;
    private static final byte PATTERN = 0x5A;

    /** The code under test: one mutated packet of seed {@code seed} in {@code [position, limit)}. */
    @FunctionalInterface
    public interface Target {
        Verdict apply(ByteBuffer packet, int seed);
    }

    /** Called with the good packet of seed {@code seed} in the buffer, before it is mutated in place. */
    @FunctionalInterface
    public interface BeforeMutation {
        void accept(ByteBuffer packet, int seed);
    }

    /**
     * A caller's check of one outcome: {@code input} is the mutated packet as the target got it,
     * {@code headroom} where it started in {@code buffer}; null when fine, else what is wrong.
     */
    @FunctionalInterface
    public interface Check {
        String problem(byte[] input, int headroom, ByteBuffer buffer, Verdict verdict, int seed);
    }

    /** What a run found. */
    public static final class Report {
        public long packets;
        public long checksumVerified;
        public final long[] byAction = new long[Verdict.Action.values().length];
        public final List<String> failures = new ArrayList<>();

        public long count(Verdict.Action action) {
            return byAction[action.ordinal()];
        }

        @Override
        public String toString() {
            return packets + " packets " + Arrays.toString(Verdict.Action.values()) + "=" + Arrays.toString(byAction)
                    + ", " + checksumVerified + " outputs verified, " + failures.size() + " failures";
        }
    }

    private final List<byte[]> seeds;
    private final int minHeadroom;
    private final int maxHeadroom;
    private final boolean movesPosition;
    private final boolean verifyOutputChecksums;
    private final int capacity;
    private final ByteBuffer[] wholes = new ByteBuffer[2];
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private final byte[] scratch;
    private final PacketParser verifyingParser = new PacketParser(true);
    private final PacketInfo verifyInfo = new PacketInfo();

    /** Packets at {@link #HEADROOM} that the target must leave where they are. */
    public MutationFuzzer(List<byte[]> seeds) {
        this(seeds, HEADROOM, HEADROOM, false, true);
    }

    private MutationFuzzer(List<byte[]> seeds, int minHeadroom, int maxHeadroom, boolean movesPosition,
                           boolean verifyOutputChecksums) {
        this.seeds = List.copyOf(seeds);
        this.minHeadroom = minHeadroom;
        this.maxHeadroom = maxHeadroom;
        this.movesPosition = movesPosition;
        this.verifyOutputChecksums = verifyOutputChecksums;
        int max = 0;
        for (byte[] s : seeds) {
            max = Math.max(max, s.length);
        }
        this.capacity = maxHeadroom + max + TAILROOM;
        this.scratch = new byte[capacity];
        for (int d = 0; d < 2; d++) {
            int size = capacity + 2 * Guarded.GUARD;
            wholes[d] = d == 0 ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                wholes[d].put(i, Guarded.GUARD_BYTE);
            }
            buffers[d] = wholes[d].duplicate().position(Guarded.GUARD).limit(Guarded.GUARD + capacity).slice();
        }
    }

    /** The same seeds, each packet placed after a random headroom in {@code [min, max]}. */
    public MutationFuzzer headroom(int min, int max) {
        return new MutationFuzzer(seeds, min, max, movesPosition, verifyOutputChecksums);
    }

    /** For targets that encapsulate, decapsulate or shift the packet: position may move, headroom may be used. */
    public MutationFuzzer movesPosition() {
        return new MutationFuzzer(seeds, minHeadroom, maxHeadroom, true, verifyOutputChecksums);
    }

    /** For targets whose output need not be valid when the input's checksums are (a decapsulator's inner packet). */
    public MutationFuzzer withoutOutputChecksums() {
        return new MutationFuzzer(seeds, minHeadroom, maxHeadroom, movesPosition, false);
    }

    /** The number of packets to try: {@code ippvs.fuzz.packets} or {@code defaultCount}. */
    public static int count(int defaultCount) {
        return Integer.getInteger("ippvs.fuzz.packets", defaultCount);
    }

    public Report run(long seed, int count, Function<ByteBuffer, Verdict> target, Predicate<Verdict> allowed) {
        return run(seed, count, null, (b, s) -> target.apply(b), allowed, null);
    }

    /**
     * Runs {@code count} mutated packets (stopping after 5 failures).
     *
     * @param before may be null
     * @param check may be null
     * @param allowed the verdicts the target documents (null is never one)
     */
    public Report run(long seed, int count, BeforeMutation before, Target target, Predicate<Verdict> allowed, Check check) {
        SplittableRandom random = new SplittableRandom(seed);
        Report report = new Report();
        for (int n = 0; n < count && report.failures.size() < 5; n++) {
            int which = random.nextInt(seeds.size());
            byte[] original = seeds.get(which);
            int headroom = minHeadroom + random.nextInt(maxHeadroom - minHeadroom + 1);
            ByteBuffer b = buffers[n & 1];
            b.clear();
            for (int i = 0; i < capacity; i++) {
                b.put(i, PATTERN);
            }
            for (int i = 0; i < original.length; i++) {
                b.put(headroom + i, original[i]);
            }
            if (before != null) {
                b.limit(headroom + original.length).position(headroom);
                before.accept(b, which);
                b.clear();
            }
            int length = mutate(b, headroom, original.length, capacity - headroom, random);
            b.limit(headroom + length).position(headroom);
            for (int i = 0; i < length; i++) {
                scratch[i] = b.get(headroom + i);
            }
            boolean checksumsValid = verifyOutputChecksums && verifyingParser.parse(b, verifyInfo) == ParseStatus.OK
                    && ChecksumVerifier.valid(b);
            Verdict v;
            try {
                v = target.apply(b, which);
            } catch (RuntimeException | AssertionError e) {
                fail(report, "threw " + e, scratch, length, null);
                continue;
            }
            report.packets++;
            if (v == null || !allowed.test(v)) {
                fail(report, "verdict " + v, scratch, length, null);
                continue;
            }
            report.byAction[v.action().ordinal()]++;
            if (!guardsIntact(n & 1)) {
                fail(report, "wrote outside the buffer (" + v + ")", scratch, length, null);
                continue;
            }
            if (!movesPosition && (b.position() != headroom || b.limit() < b.position() || b.limit() > capacity)) {
                fail(report, "position/limit " + b.position() + "/" + b.limit(), scratch, length, null);
                continue;
            }
            if (!movesPosition && wroteBefore(b, headroom)) {
                fail(report, "wrote before the packet (" + v + ")", scratch, length, null);
                continue;
            }
            if (v.isPass() && !samePacket(b, headroom, length)) {
                fail(report, "PASS changed the packet", scratch, length, ChecksumVerifier.toBytes(b));
                continue;
            }
            if (checksumsValid && (v.isForward() || v.isReply())) {
                report.checksumVerified++;
                if (!ChecksumVerifier.valid(b)) {
                    fail(report, v + " of a valid packet has bad checksums " + ChecksumVerifier.problems(b), scratch, length,
                            ChecksumVerifier.toBytes(b));
                    continue;
                }
            }
            if (check != null) {
                String problem;
                try {
                    problem = check.problem(Arrays.copyOf(scratch, length), headroom, b, v, which);
                } catch (RuntimeException | AssertionError e) {
                    problem = "check threw " + e;
                }
                if (problem != null) {
                    fail(report, problem + " (" + v + ")", scratch, length, ChecksumVerifier.toBytes(b));
                }
            }
        }
        return report;
    }

    /** True when {@code buffer} holds {@code input} untouched from {@code headroom}. */
    public static boolean untouched(byte[] input, int headroom, ByteBuffer buffer) {
        if (buffer.position() != headroom || buffer.remaining() != input.length) {
            return false;
        }
        for (int i = 0; i < input.length; i++) {
            if (buffer.get(headroom + i) != input[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean wroteBefore(ByteBuffer b, int headroom) {
        for (int i = 0; i < headroom; i++) {
            if (b.get(i) != PATTERN) {
                return true;
            }
        }
        return false;
    }

    private boolean samePacket(ByteBuffer b, int headroom, int length) {
        if (b.position() != headroom || b.remaining() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b.get(headroom + i) != scratch[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean guardsIntact(int d) {
        ByteBuffer w = wholes[d];
        for (int i = 0; i < Guarded.GUARD; i++) {
            if (w.get(i) != Guarded.GUARD_BYTE || w.get(Guarded.GUARD + capacity + i) != Guarded.GUARD_BYTE) {
                return false;
            }
        }
        return true;
    }

    private static void fail(Report report, String what, byte[] input, int length, byte[] output) {
        byte[] in = Arrays.copyOf(input, length);
        report.failures.add(what + "\n  input  " + Guarded.hex(in) + (output == null ? "" : "\n  output " + Guarded.hex(output))
                + "\n  pcap   " + Guarded.dump("fuzz-" + report.failures.size(), output == null ? List.of(in) : List.of(in, output)));
    }

    /** Mutates the packet at {@code l3} in place (with {@code room} bytes from there); returns its new length. */
    private static int mutate(ByteBuffer b, int l3, int length, int room, SplittableRandom r) {
        boolean v4 = (b.get(l3) & 0xF0) == 0x40;
        int l4 = l3 + (v4 ? (b.get(l3) & 0x0F) * 4 : 40);
        int ops = 1 + (r.nextInt(4) == 0 ? 1 : 0);
        for (int op = 0; op < ops; op++) {
            switch (r.nextInt(6)) {
                case 0: { // bit flips
                    int flips = 1 + r.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        int at = l3 + r.nextInt(length);
                        b.put(at, (byte) (b.get(at) ^ (1 << r.nextInt(8))));
                    }
                    break;
                }
                case 1: // truncation
                    length = r.nextInt(length);
                    if (length == 0) {
                        length = 1;
                    }
                    break;
                case 2: { // a length field that lies
                    int[] fields = v4 ? new int[] {l3 + 2, l4 + 4, l4 + 12, l4 + 14, l4 + 8 + 2} : new int[] {l3 + 4, l4 + 4, l4 + 12,
                            l4 + 14, l4 + 8 + 4};
                    int at = fields[r.nextInt(fields.length)];
                    if (at + 2 <= l3 + length) {
                        int old = b.getShort(at) & 0xFFFF;
                        int lie = r.nextBoolean() ? r.nextInt(0x10000) : old + r.nextInt(33) - 16;
                        b.putShort(at, (short) lie);
                    }
                    if (v4 && r.nextInt(4) == 0) {
                        b.put(l3, (byte) (0x40 | r.nextInt(16))); // IHL lie
                    }
                    break;
                }
                case 3: { // overwrite header bytes
                    int n = 1 + r.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        int at = l3 + r.nextInt(Math.min(length, 96));
                        b.put(at, (byte) r.nextInt(256));
                    }
                    break;
                }
                case 4: { // trailing garbage inside the buffer
                    int extra = Math.min(1 + r.nextInt(TAILROOM / 2), room - length);
                    for (int i = 0; i < extra; i++) {
                        b.put(l3 + length + i, (byte) r.nextInt(256));
                    }
                    length += extra;
                    break;
                }
                default: { // shift the TTL / hop limit to the edges
                    b.put(l3 + (v4 ? 8 : 7), (byte) r.nextInt(3));
                    break;
                }
            }
        }
        return length;
    }
}
