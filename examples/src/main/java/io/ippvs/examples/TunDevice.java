package io.ippvs.examples;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.ippvs.api.Offload;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux TUN device ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): every read gives one IP
 * packet the kernel routed to the device, every write hands one IP packet to the kernel as if it had
 * arrived on the device. No link layer and no packet-information prefix, so a packet is exactly what
 * {@link io.ippvs.core.director.Director#process} takes.
 *
 * <p>Opening attaches to an existing device of that name (for example a persistent one made by
 * {@code ip tuntap add dev tun0 mode tun}) or creates a new one that disappears on {@link #close()}.
 * Both need CAP_NET_ADMIN. Errors at open time are {@link IOException}s that say what to check.
 *
 * <h2>Offloads and queues</h2>
 * {@link #open(String, int, boolean, PrintStream)} asks for more, and takes what the kernel gives:
 * <ul>
 *   <li>{@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD} (checksum, TSO4, TSO6, TSO ECN, and USO4/USO6
 *       where the kernel has them): each read and write carries a 10-byte {@code virtio_net_hdr}
 *       in front of the packet, which {@link #read(ByteBuffer, int, Offload)} and
 *       {@link #write(ByteBuffer, Offload)} turn into and from an {@link Offload}. The kernel then
 *       hands over and takes back whole super-packets of up to 64 KB with partial checksums: one
 *       system call per 64 KB rather than per 1500 bytes;
 *   <li>{@code IFF_MULTI_QUEUE}: one file descriptor (queue) per thread; the kernel spreads flows
 *       over the queues by their hash, so each flow stays on one thread.
 * </ul>
 * A flag the kernel (or an existing persistent device) refuses is dropped and said once on the
 * given stream; the device then works as before.
 *
 * <p>Packets are read into direct buffers from {@link #newBuffer()}: a read leaves {@link #HEADROOM}
 * bytes before the packet and at least {@link #TAILROOM} after it, since the director may move
 * {@code position} back (tunnel headers, ICMP errors quoting the packet) or {@code limit} forward (an
 * FTP reply rewritten to a longer address). Not thread-safe: one thread per queue.
 */
public final class TunDevice implements Closeable {

    /** Bytes left free before a packet read into a buffer. */
    public static final int HEADROOM = 128;
    /** Bytes at least left free after a packet read into a buffer. */
    public static final int TAILROOM = 256;
    /** The largest packet read: an IPv4 or IPv6 (non-jumbo) packet's maximum total length. */
    public static final int MAX_PACKET = 65535;

    /** {@code sizeof(struct virtio_net_hdr)}: what precedes each packet with {@code IFF_VNET_HDR}. */
    public static final int VNET_HDR_LENGTH = 10;

    private static final int O_RDWR = 0x2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code _IOW('T', 202, int)} from {@code <linux/if_tun.h>}. */
    private static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 208, unsigned int)}. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** {@code TUN_F_*}: what the kernel may hand over unfinished. */
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    static final int TUN_F_TSO_ECN = 0x08;
    static final int TUN_F_USO4 = 0x20;
    static final int TUN_F_USO6 = 0x40;
    private static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** {@code struct ifreq}: a 16-byte name, then a union whose first member is the flags short. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;

    /** The libc calls the device needs; errno comes back as a {@link LastErrorException}. */
    /** The per-packet calls, directly mapped: several times cheaper per call than the interface below. */
    private static final class Io {
        static {
            Native.register("c");
        }

        static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

        static native long read(int fd, Pointer buf, long count) throws LastErrorException;

        static native long write(int fd, Pointer buf, long count) throws LastErrorException;
    }

    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final LibC libc;
    private final String name;
    private final Memory pollFd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    private final boolean vnetHeader;
    private final boolean nonBlocking;
    private int offloads;
    private int fd;
    /** The native address of the last buffer used, so a packet costs no Pointer object. */
    private ByteBuffer lastBuffer;
    private Pointer lastPointer;

    private TunDevice(LibC libc, int fd, String name, boolean vnetHeader, boolean nonBlocking) {
        this.libc = libc;
        this.fd = fd;
        this.name = name;
        this.vnetHeader = vnetHeader;
        this.nonBlocking = nonBlocking;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
    }

    /**
     * Opens (or creates) the TUN device {@code name}; {@code "tun%d"} lets the kernel pick a number.
     *
     * @throws IOException naming the step that failed and what usually causes it
     */
    public static TunDevice open(String name) throws IOException {
        LibC libc = libc();
        int fd = openFd(libc, 0);
        try {
            String actual = attach(libc, fd, name, (short) (IFF_TUN | IFF_NO_PI));
            return new TunDevice(libc, fd, actual, false, false);
        } catch (LastErrorException e) {
            libc.close(fd);
            throw new IOException("TUNSETIFF " + name + ": " + errnoText(e) + "; " + hint(e.getErrorCode()), e);
        }
    }

    /**
     * Opens {@code queues} queues of the TUN device {@code name} ({@code IFF_MULTI_QUEUE} when more
     * than one), each with {@code IFF_VNET_HDR} and the device with checksum and segmentation
     * offloads when {@code offload}. What the kernel refuses is left out and said once on
     * {@code notes}: a device that takes no second queue gives one, one without a virtio-net header
     * gives plain packets. The queues are non-blocking.
     *
     * @return at least one queue
     * @throws IOException when not even one plain queue can be had
     */
    public static List<TunDevice> open(String name, int queues, boolean offload, PrintStream notes) throws IOException {
        if (queues < 1) {
            throw new IllegalArgumentException("queues: " + queues + " must be at least 1");
        }
        LibC libc = libc();
        short base = (short) (IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0));
        // a persistent device keeps its multi-queue flag: try the asked-for form first, then the other
        short[] tries = queues > 1 ? new short[] {(short) (base | IFF_MULTI_QUEUE), base}
                : new short[] {base, (short) (base | IFF_MULTI_QUEUE)};
        List<TunDevice> opened = new ArrayList<>();
        LastErrorException last = null;
        for (short flags : tries) {
            for (int attempt = 0; attempt < 2 && opened.isEmpty(); attempt++) {
                short f = attempt == 0 ? flags : (short) (flags & ~IFF_VNET_HDR);
                if (attempt == 1 && f == flags) {
                    break;
                }
                int fd = openFd(libc, O_NONBLOCK);
                try {
                    String actual = attach(libc, fd, name, f);
                    opened.add(new TunDevice(libc, fd, actual, (f & IFF_VNET_HDR) != 0, true));
                    if ((f & IFF_VNET_HDR) == 0 && offload) {
                        notes.println("TunDevice: " + name + ": IFF_VNET_HDR refused; offloads off");
                    }
                    boolean multi = (f & IFF_MULTI_QUEUE) != 0;
                    for (int q = 1; q < queues && multi; q++) {
                        int more = openFd(libc, O_NONBLOCK);
                        try {
                            attach(libc, more, actual, f);
                            opened.add(new TunDevice(libc, more, actual, (f & IFF_VNET_HDR) != 0, true));
                        } catch (LastErrorException e) {
                            libc.close(more);
                            notes.println("TunDevice: " + name + ": queue " + (q + 1) + " refused (" + errnoText(e)
                                    + "); " + q + " queue(s)");
                            break;
                        }
                    }
                    if (queues > 1 && !multi) {
                        notes.println("TunDevice: " + name + ": IFF_MULTI_QUEUE refused (a persistent device made"
                                + " without multi_queue?); one queue");
                    }
                } catch (LastErrorException e) {
                    libc.close(fd);
                    last = e;
                }
            }
            if (!opened.isEmpty()) {
                break;
            }
        }
        if (opened.isEmpty()) {
            int errno = last == null ? EINVAL : last.getErrorCode();
            throw new IOException("TUNSETIFF " + name + ": " + (last == null ? "refused" : errnoText(last)) + "; "
                    + hint(errno), last);
        }
        if (opened.get(0).vnetHeader) {
            opened.get(0).setOffloads(notes);
            for (TunDevice d : opened) {
                d.offloads = opened.get(0).offloads;
            }
        }
        return opened;
    }

    /** TUNSETOFFLOAD with everything useful, then without USO, then checksum only. */
    private void setOffloads(PrintStream notes) {
        int tso = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
        int[] tries = {tso | TUN_F_USO4 | TUN_F_USO6, tso, TUN_F_CSUM};
        for (int i = 0; i < tries.length; i++) {
            try {
                libc.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new Pointer(tries[i]));
                offloads = tries[i];
                if (i > 0) {
                    notes.println("TunDevice: " + name + ": TUNSETOFFLOAD " + (i == 1 ? "without USO" : "checksum only")
                            + " (the kernel refused more)");
                }
                return;
            } catch (LastErrorException e) {
                // try less
            }
        }
        notes.println("TunDevice: " + name + ": TUNSETOFFLOAD refused; whole packets with complete checksums");
    }

    private static LibC libc() throws IOException {
        try {
            return Holder.LIBC;
        } catch (LinkageError e) {
            throw new IOException("libc: cannot be loaded through JNA (" + e.getMessage() + ")", e);
        }
    }

    private static int openFd(LibC libc, int extra) throws IOException {
        try {
            return libc.open("/dev/net/tun", O_RDWR | O_CLOEXEC | extra);
        } catch (LastErrorException e) {
            throw new IOException("/dev/net/tun: cannot open (" + errnoText(e) + "); "
                    + "it needs the tun module and root or CAP_NET_ADMIN", e);
        }
    }

    /** TUNSETIFF; the device's name as the kernel gave it. */
    private static String attach(LibC libc, int fd, String name, short flags) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length == 0 || ascii.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("name: '" + name + "' must have 1 to " + (IFNAMSIZ - 1) + " characters");
        }
        Memory ifr = new Memory(IFREQ_SIZE);
        ifr.clear();
        ifr.write(0, ascii, 0, ascii.length);
        ifr.setShort(IFNAMSIZ, flags);
        libc.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
        return ifr.getString(0, StandardCharsets.US_ASCII.name());
    }

    /** Whether reads and writes carry a {@code virtio_net_hdr}. */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** The {@code TUN_F_*} offloads the kernel accepted; 0 for none. */
    public int offloads() {
        return offloads;
    }

    /** The offloads in words, for a start-up line. */
    public String describeOffloads() {
        if (!vnetHeader) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        String[] names = {"csum", "tso4", "tso6", "tso-ecn", "ufo", "uso4", "uso6"};
        for (int i = 0; i < names.length; i++) {
            if ((offloads & (1 << i)) != 0) {
                s.append(s.length() == 0 ? "" : ",").append(names[i]);
            }
        }
        return s.length() == 0 ? "vnet-hdr only" : s.toString();
    }

    private static String hint(int errno) {
        switch (errno) {
            case 1: // EPERM
                return "attaching needs CAP_NET_ADMIN, or to be the owner of a persistent device";
            case 16: // EBUSY
                return "another process holds the device (one queue only)";
            case EINVAL:
                return "a device of that name exists but is not a TUN device with IFF_NO_PI (a TAP, or 'pi' set?)";
            default:
                return "see tuntap.rst in the kernel documentation";
        }
    }

    /** JNA's "[errno] strerror" text. */
    private static String errnoText(LastErrorException e) {
        return e.getMessage();
    }

    /** The device's name as the kernel gave it. */
    public String name() {
        return name;
    }

    /** A direct buffer a read can fill: headroom, the largest packet, tailroom. */
    public static ByteBuffer newBuffer() {
        return ByteBuffer.allocateDirect(HEADROOM + MAX_PACKET + TAILROOM);
    }

    /**
     * Waits up to {@code timeoutMillis} for a packet and reads it into {@code buffer} (a
     * {@link #newBuffer()}): {@code position} is {@link #HEADROOM}, {@code limit} the packet's end.
     *
     * @return false when no packet came in time (or a signal interrupted the wait)
     * @throws IOException when the device fails, for example after it was deleted
     */
    public boolean read(ByteBuffer buffer, int timeoutMillis) throws IOException {
        return read(buffer, timeoutMillis, null);
    }

    /**
     * {@link #read(ByteBuffer, int)}, with the packet's {@code virtio_net_hdr} turned into
     * {@code offload} (cleared for a plain packet, and always without {@link #vnetHeader()}). A queue
     * opened non-blocking tries the read first and waits only when nothing is there.
     */
    public boolean read(ByteBuffer buffer, int timeoutMillis, Offload offload) throws IOException {
        if (!buffer.isDirect() || buffer.capacity() < HEADROOM + TAILROOM + 20) {
            throw new IllegalArgumentException("buffer: must be direct, as from newBuffer()");
        }
        Pointer base = pointer(buffer);
        int skip = vnetHeader ? VNET_HDR_LENGTH : 0;
        long capacity = buffer.capacity() - HEADROOM - TAILROOM + skip;
        try {
            long n = -1;
            if (nonBlocking) {
                n = tryRead(base, skip, capacity);
            }
            if (n < 0) {
                if (Io.poll(pollFd, 1, timeoutMillis) == 0) {
                    return false;
                }
                n = tryRead(base, skip, capacity);
                if (n < 0) {
                    return false;
                }
            }
            n -= skip;
            if (n <= 0) {
                return false;
            }
            buffer.clear().limit(HEADROOM + (int) n).position(HEADROOM);
            if (offload != null) {
                offload.clear();
                if (vnetHeader) {
                    header(buffer, offload);
                }
            }
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN) {
                return false;
            }
            throw new IOException(name + ": read failed (" + errnoText(e) + ")", e);
        }
    }

    /** One read at {@code HEADROOM - skip}; -1 when nothing is waiting. */
    private long tryRead(Pointer base, int skip, long capacity) throws IOException {
        try {
            return Io.read(fd(), base.share(HEADROOM - skip), capacity);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return -1;
            }
            throw e;
        }
    }

    /** {@code struct virtio_net_hdr} (native order) before {@code HEADROOM} into {@code offload}. */
    private static void header(ByteBuffer buffer, Offload offload) {
        int at = HEADROOM - VNET_HDR_LENGTH;
        ByteOrder order = ByteOrder.nativeOrder();
        int flags = buffer.get(at) & 0xFF;
        int gsoType = buffer.get(at + 1) & 0xFF;
        int hdrLen = u16(buffer, at + 2, order);
        int gsoSize = u16(buffer, at + 4, order);
        int csumStart = u16(buffer, at + 6, order);
        int csumOffset = u16(buffer, at + 8, order);
        if ((flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
            offload.checksumPartial(csumStart, csumOffset);
        }
        if (gsoType != Offload.GSO_NONE) {
            offload.segmentation(gsoType, gsoSize, hdrLen);
        }
    }

    private static int u16(ByteBuffer b, int at, ByteOrder order) {
        short v = b.getShort(at);
        return Short.toUnsignedInt(order == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    private static void put16(ByteBuffer b, int at, int value, ByteOrder order) {
        short v = (short) value;
        b.putShort(at, order == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    private Pointer pointer(ByteBuffer buffer) {
        if (buffer != lastBuffer) {
            lastPointer = Native.getDirectBufferPointer(buffer);
            lastBuffer = buffer;
        }
        return lastPointer;
    }

    /**
     * Writes the packet in {@code [position, limit)} of the direct {@code buffer}; the buffer is unchanged.
     *
     * @return false when the kernel refused the packet as malformed (EINVAL): that costs the packet,
     *     not the device
     */
    public boolean write(ByteBuffer buffer) throws IOException {
        return write(buffer, null);
    }

    /**
     * {@link #write(ByteBuffer)} of a packet with its {@code offload} facts: with
     * {@link #vnetHeader()} they go into the {@code virtio_net_hdr} written in the
     * {@value #VNET_HDR_LENGTH} bytes before {@code position} (which the buffer's headroom holds);
     * without, the packet must be plain. A super-packet in an IP-in-IP header has no virtio-net form.
     *
     * @return false when the kernel refused the packet (EINVAL), or it cannot be said to this device
     */
    public boolean write(ByteBuffer buffer, Offload offload) throws IOException {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer: must be direct");
        }
        int start = buffer.position();
        boolean plain = offload == null || offload.isPlain();
        if (vnetHeader) {
            if (start < VNET_HDR_LENGTH || (!plain && offload.encapsulation() != 0)) {
                return false;
            }
            start -= VNET_HDR_LENGTH;
            ByteOrder order = ByteOrder.nativeOrder();
            boolean partial = !plain && offload.checksumPartial();
            int gso = plain ? Offload.GSO_NONE : offload.gsoTypeField();
            buffer.put(start, (byte) (partial ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0));
            buffer.put(start + 1, (byte) gso);
            // a hint the kernel refuses beyond the packet's end (the FTP helper may have shortened it)
            put16(buffer, start + 2, plain ? 0 : Math.min(offload.headerLength(), buffer.remaining()), order);
            put16(buffer, start + 4, plain ? 0 : offload.segmentSize(), order);
            put16(buffer, start + 6, partial ? offload.checksumStart() : 0, order);
            put16(buffer, start + 8, partial ? offload.checksumOffset() : 0, order);
        } else if (!plain) {
            return false;
        }
        try {
            Io.write(fd(), pointer(buffer).share(start), buffer.limit() - start);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL || e.getErrorCode() == EAGAIN) {
                return false;
            }
            throw new IOException(name + ": write failed (" + errnoText(e) + ")", e);
        }
    }

    private int fd() throws IOException {
        if (fd < 0) {
            throw new IOException(name + ": closed");
        }
        return fd;
    }

    /** Closes the file descriptor; a device this process created goes away with it. */
    @Override
    public void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + "]";
    }
}
