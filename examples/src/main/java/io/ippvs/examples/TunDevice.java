package io.ippvs.examples;

import io.ippvs.api.Offload;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One queue of a Linux TUN device ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): every read
 * gives one IP packet the kernel routed to the device, every write hands one IP packet to the kernel
 * as if it had arrived on the device. No link layer and no packet-information prefix, so a packet is
 * exactly what {@link io.ippvs.core.director.Director#process} takes.
 *
 * <h2>Offloads and queues</h2>
 * {@link #open(String)} opens the plain kind: one queue, every packet at most the device's MTU with
 * complete checksums. {@link #open(String, int, int, PrintStream)} opens {@code queues} queues of the
 * same device ({@code IFF_MULTI_QUEUE}: the kernel spreads flows over them by hash) and, when asked
 * for offloads, with {@code IFF_VNET_HDR}: each packet then comes and goes with a
 * {@code struct virtio_net_hdr} ({@link VirtioNetHeader}), and {@code TUNSETOFFLOAD} lets the kernel
 * hand over packets whose transport checksum is left partial ({@code TUN_F_CSUM}) and TCP and UDP
 * super-packets of up to 64 KB ({@code TUN_F_TSO4}, {@code TUN_F_TSO6}, {@code TUN_F_USO4},
 * {@code TUN_F_USO6}), which it cuts into segments only after the director has written them back.
 * One read and one write system call then move up to 64 KB instead of one MTU: that, not the
 * director's work per packet, is what bounds a TUN data plane. Flags the kernel refuses are dropped
 * one by one (said once on the given stream); without {@code IFF_VNET_HDR} the queues run plain.
 * The facts travel as the api's {@link Offload}: {@link #read(ByteBuffer, int, Offload)} fills it,
 * {@link #write(ByteBuffer, Offload)} writes it in front of the packet.
 *
 * <p>Opening attaches to an existing device of that name (for example a persistent one made by
 * {@code ip tuntap add dev tun0 mode tun [multi_queue]}) or creates a new one that disappears when
 * its last queue is {@link #close() closed}. Both need CAP_NET_ADMIN. Errors at open time are
 * {@link IOException}s that say what to check.
 *
 * <p>Packets are read into direct buffers from {@link #newBuffer()}: a read leaves {@link #HEADROOM}
 * bytes before the packet and at least {@link #TAILROOM} after it, since the director may move
 * {@code position} back (tunnel headers, ICMP errors quoting the packet) or {@code limit} forward (an
 * FTP reply rewritten to a longer address). Each queue is for one thread; reads and writes allocate
 * nothing once a buffer has been seen.
 */
public final class TunDevice implements Closeable {

    /** Bytes left free before a packet read into a buffer (the virtio-net header goes in front of them). */
    public static final int HEADROOM = 192;
    /** Bytes at least left free after a packet read into a buffer. */
    public static final int TAILROOM = 256;
    /** The largest packet read: an IPv4 or IPv6 (non-jumbo) packet's maximum total length. */
    public static final int MAX_PACKET = 65535;

    /** {@code TUN_F_CSUM}: the kernel may hand over packets with a partial transport checksum. */
    public static final int TUN_F_CSUM = 0x01;
    /** {@code TUN_F_TSO4}: TCP over IPv4 super-packets. */
    public static final int TUN_F_TSO4 = 0x02;
    /** {@code TUN_F_TSO6}: TCP over IPv6 super-packets. */
    public static final int TUN_F_TSO6 = 0x04;
    /** {@code TUN_F_TSO_ECN}: TCP super-packets with ECN's CWR. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** {@code TUN_F_USO4}: UDP over IPv4 super-packets (Linux 6.2). */
    public static final int TUN_F_USO4 = 0x20;
    /** {@code TUN_F_USO6}: UDP over IPv6 super-packets (Linux 6.2). */
    public static final int TUN_F_USO6 = 0x40;
    /** Every offload the director can take. */
    public static final int ALL_OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6;

    private static final int O_RDWR = 0x2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code _IOW('T', 202, int)} from {@code <linux/if_tun.h>}. */
    private static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOR('T', 207, unsigned int)}. */
    private static final long TUNGETFEATURES = 0x800454cfL;
    /** {@code _IOW('T', 208, unsigned int)}. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOR('T', 215, int)}. */
    private static final long TUNGETVNETHDRSZ = 0x800454d7L;
    /** {@code _IOW('T', 216, int)}. */
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** {@code struct ifreq}: a 16-byte name, then a union whose first member is the flags short. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The libc calls of opening; errno comes back as a {@link LastErrorException}. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** The calls per packet, directly mapped: primitive arguments, no argument conversion or allocation. */
    private static final class Io {
        static {
            Native.register(Io.class, "c");
        }

        static native long read(int fd, long buf, long count) throws LastErrorException;

        static native long write(int fd, long buf, long count) throws LastErrorException;

        static native int poll(long fds, long nfds, int timeoutMillis) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final LibC libc;
    private final String name;
    /** 0: plain; else the virtio-net header's size in front of each packet. */
    private final int vnetHeader;
    private final int offloads;
    private final Memory pollFd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    /** The last buffer seen and its address, so a read or write needs no JNA conversion. */
    private ByteBuffer lastBuffer;
    private long lastAddress;
    private int fd;

    private TunDevice(LibC libc, int fd, String name, int vnetHeader, int offloads) {
        this.libc = libc;
        this.fd = fd;
        this.name = name;
        this.vnetHeader = vnetHeader;
        this.offloads = offloads;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
    }

    /**
     * Opens (or creates) the TUN device {@code name} plain and with one queue; {@code "tun%d"} lets the
     * kernel pick a number.
     *
     * @throws IOException naming the step that failed and what usually causes it
     */
    public static TunDevice open(String name) throws IOException {
        return open(name, 1, 0, null)[0];
    }

    /**
     * Opens {@code queues} queues of the TUN device {@code name} (made if missing), asking the kernel
     * for the {@code TUN_F_*} offloads in {@code wanted} (0: plain).
     *
     * @param warnings where a refused flag is said, once; null for silence
     * @return the queues, all of one device, each with the same {@link #offloads()}
     * @throws IOException naming the step that failed and what usually causes it
     */
    public static TunDevice[] open(String name, int queues, int wanted, PrintStream warnings) throws IOException {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length == 0 || ascii.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("name: '" + name + "' must have 1 to " + (IFNAMSIZ - 1) + " characters");
        }
        if (queues < 1) {
            throw new IllegalArgumentException("queues: " + queues + " is below 1");
        }
        LibC libc;
        try {
            libc = Holder.LIBC;
        } catch (LinkageError e) {
            throw new IOException("libc: cannot be loaded through JNA (" + e.getMessage() + ")", e);
        }
        short flags = (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE);
        if (wanted != 0) {
            Memory features = new Memory(4);
            int fd = openDevice(libc);
            try {
                libc.ioctl(fd, new NativeLong(TUNGETFEATURES), features);
                if ((features.getInt(0) & IFF_VNET_HDR) != 0) {
                    flags |= IFF_VNET_HDR;
                } else {
                    say(warnings, name + ": the kernel has no IFF_VNET_HDR; running without offloads");
                    wanted = 0;
                }
            } catch (LastErrorException e) {
                say(warnings, name + ": TUNGETFEATURES failed (" + e.getMessage() + "); running without offloads");
                wanted = 0;
            } finally {
                libc.close(fd);
            }
        }
        TunDevice[] opened = new TunDevice[queues];
        int n = 0;
        try {
            String actual = name;
            int header = 0;
            int offloads = 0;
            for (; n < queues; n++) {
                int fd = openDevice(libc);
                Memory ifr = new Memory(IFREQ_SIZE);
                try {
                    try {
                        setIff(libc, fd, ifr, actual, flags);
                    } catch (LastErrorException e) {
                        // a persistent device made without multi_queue takes single-queue opens only
                        if (e.getErrorCode() != EINVAL || queues > 1) {
                            throw e;
                        }
                        flags &= ~IFF_MULTI_QUEUE;
                        setIff(libc, fd, ifr, actual, flags);
                    }
                    actual = ifr.getString(0, StandardCharsets.US_ASCII.name());
                    if (n == 0 && (flags & IFF_VNET_HDR) != 0) {
                        // per device, not per queue: set once
                        header = vnetHeaderSize(libc, fd, actual);
                        offloads = setOffload(libc, fd, actual, wanted, warnings);
                    } else if (n == 0) {
                        setOffload(libc, fd, actual, 0, null); // a persistent device keeps an earlier user's
                    }
                } catch (LastErrorException e) {
                    libc.close(fd);
                    throw new IOException("TUNSETIFF " + actual + ": " + e.getMessage() + "; "
                            + hint(e.getErrorCode(), queues), e);
                }
                opened[n] = new TunDevice(libc, fd, actual, header, offloads);
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < n; i++) {
                opened[i].close();
            }
            throw e;
        }
    }

    private static int openDevice(LibC libc) throws IOException {
        try {
            return libc.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("/dev/net/tun: cannot open (" + e.getMessage() + "); "
                    + "it needs the tun module and root or CAP_NET_ADMIN", e);
        }
    }

    private static void setIff(LibC libc, int fd, Memory ifr, String name, short flags) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        ifr.clear();
        ifr.write(0, ascii, 0, ascii.length);
        ifr.setShort(IFNAMSIZ, flags);
        libc.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
    }

    /** Sets the virtio-net header to {@link VirtioNetHeader#SIZE} bytes, the kernel's default, and returns what the kernel then says. */
    private static int vnetHeaderSize(LibC libc, int fd, String name) throws IOException {
        Memory size = new Memory(4);
        size.setInt(0, VirtioNetHeader.SIZE);
        libc.ioctl(fd, new NativeLong(TUNSETVNETHDRSZ), size);
        libc.ioctl(fd, new NativeLong(TUNGETVNETHDRSZ), size);
        int n = size.getInt(0);
        if (n < VirtioNetHeader.SIZE || n > HEADROOM / 2) {
            throw new IOException(name + ": virtio-net header of " + n + " bytes");
        }
        return n;
    }

    /**
     * {@code TUNSETOFFLOAD} with {@code wanted}, dropping what the kernel refuses (USO first, then ECN,
     * then TSO) until it accepts; says once what was refused.
     */
    private static int setOffload(LibC libc, int fd, String name, int wanted, PrintStream warnings) {
        int[] drops = {TUN_F_USO4 | TUN_F_USO6, TUN_F_TSO_ECN, TUN_F_TSO4 | TUN_F_TSO6, TUN_F_CSUM};
        int flags = wanted;
        for (int i = 0; ; i++) {
            try {
                libc.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new Pointer(flags));
                break;
            } catch (LastErrorException e) {
                if (i == drops.length || flags == 0) {
                    throw e;
                }
                flags &= ~drops[i];
            }
        }
        if (flags != wanted) {
            say(warnings, name + ": the kernel refused " + offloadNames(wanted & ~flags) + "; offloads: "
                    + (flags == 0 ? "none" : offloadNames(flags)));
        }
        return flags;
    }

    /** The {@code TUN_F_*} names of {@code flags}, joined by '|'. */
    public static String offloadNames(int flags) {
        StringBuilder s = new StringBuilder();
        String[] names = {"CSUM", "TSO4", "TSO6", "TSO_ECN", "UFO", "USO4", "USO6"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & 1 << i) != 0) {
                s.append(s.length() == 0 ? "" : "|").append("TUN_F_").append(names[i]);
            }
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    private static void say(PrintStream warnings, String text) {
        if (warnings != null) {
            warnings.println("ippvs: " + text);
            warnings.flush();
        }
    }

    private static String hint(int errno, int queues) {
        switch (errno) {
            case 1: // EPERM
                return "attaching needs CAP_NET_ADMIN, or to be the owner of a persistent device";
            case 16: // EBUSY
                return "another process holds the device (one queue only)";
            case EINVAL:
                return queues > 1
                        ? "a device of that name exists but is not a multi-queue TUN device (ip tuntap add ... multi_queue)"
                        : "a device of that name exists but is not a TUN device with IFF_NO_PI (a TAP, or 'pi' set?)";
            default:
                return "see tuntap.rst in the kernel documentation";
        }
    }

    /** The device's name as the kernel gave it. */
    public String name() {
        return name;
    }

    /** The {@code TUN_F_*} offloads the kernel accepted; 0 for a plain device. */
    public int offloads() {
        return offloads;
    }

    /** Whether packets come and go with a virtio-net header (and so may be partial or super-packets). */
    public boolean offloading() {
        return vnetHeader != 0;
    }

    /** A direct buffer a read can fill: headroom, the largest packet, tailroom. */
    public static ByteBuffer newBuffer() {
        return ByteBuffer.allocateDirect(HEADROOM + MAX_PACKET + TAILROOM);
    }

    /** {@link #read(ByteBuffer, int, Offload)} of a plain packet (offload facts, if any, are dropped). */
    public boolean read(ByteBuffer buffer, int timeoutMillis) throws IOException {
        return read(buffer, timeoutMillis, null);
    }

    /**
     * Reads a packet into {@code buffer} (a {@link #newBuffer()}), waiting up to {@code timeoutMillis}
     * when none is there: {@code position} is {@link #HEADROOM}, {@code limit} the packet's end, and
     * {@code offload} (when the device offloads) holds the packet's virtio-net header.
     *
     * @param offload filled with the packet's facts; may be null only on a plain device
     * @return false when no packet came in time (or a signal interrupted the wait), or when the
     *     header asked for something {@link Offload} cannot carry
     * @throws IOException when the device fails, for example after it was deleted
     */
    public boolean read(ByteBuffer buffer, int timeoutMillis, Offload offload) throws IOException {
        if (!buffer.isDirect() || buffer.capacity() < HEADROOM + TAILROOM + 20) {
            throw new IllegalArgumentException("buffer: must be direct, as from newBuffer()");
        }
        int fd = fd();
        long base = address(buffer);
        int at = HEADROOM - vnetHeader;
        long count = buffer.capacity() - at - TAILROOM;
        long n;
        try {
            n = Io.read(fd, base + at, count);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EAGAIN && e.getErrorCode() != EINTR) {
                throw new IOException(name + ": read failed (" + e.getMessage() + ")", e);
            }
            try {
                if (Io.poll(Pointer.nativeValue(pollFd), 1, timeoutMillis) == 0) {
                    return false;
                }
                n = Io.read(fd, base + at, count);
            } catch (LastErrorException again) {
                if (again.getErrorCode() == EINTR || again.getErrorCode() == EAGAIN) {
                    return false;
                }
                throw new IOException(name + ": read failed (" + again.getMessage() + ")", again);
            }
        }
        if (n <= vnetHeader) {
            return false;
        }
        buffer.clear().limit(at + (int) n).position(HEADROOM);
        if (vnetHeader == 0) {
            return true;
        }
        if (offload == null) {
            throw new IllegalArgumentException("offload: the device offloads, so a read needs an Offload");
        }
        return VirtioNetHeader.read(buffer, at, LITTLE_ENDIAN, offload);
    }

    /** {@link #write(ByteBuffer, Offload)} of a plain packet with complete checksums. */
    public boolean write(ByteBuffer buffer) throws IOException {
        return write(buffer, null);
    }

    /**
     * Writes the packet in {@code [position, limit)} of the direct {@code buffer}, on an offloading
     * device with {@code offload}'s facts as its virtio-net header (written into the bytes before
     * {@code position}; null: a plain packet). The packet's bytes are unchanged.
     *
     * @return false when the kernel refused the packet as malformed (EINVAL): that costs the packet,
     *     not the device
     */
    public boolean write(ByteBuffer buffer, Offload offload) throws IOException {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer: must be direct");
        }
        int at = buffer.position();
        int length = buffer.remaining();
        if (vnetHeader != 0) {
            if (at < vnetHeader) {
                // no room in front: move the packet up (never on the director's way, which keeps headroom)
                if (buffer.limit() + vnetHeader - at > buffer.capacity()) {
                    return false;
                }
                ByteBuffer src = buffer.duplicate();
                buffer.position(vnetHeader);
                buffer.put(src);
                buffer.position(vnetHeader).limit(vnetHeader + length);
                at = vnetHeader;
            }
            at -= vnetHeader;
            VirtioNetHeader.write(offload, buffer, at, vnetHeader, LITTLE_ENDIAN);
            length += vnetHeader;
        }
        try {
            Io.write(fd(), address(buffer) + at, length);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL) {
                return false;
            }
            throw new IOException(name + ": write failed (" + e.getMessage() + ")", e);
        }
    }

    private long address(ByteBuffer buffer) {
        if (buffer != lastBuffer) {
            lastAddress = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
            lastBuffer = buffer;
        }
        return lastAddress;
    }

    private int fd() throws IOException {
        if (fd < 0) {
            throw new IOException(name + ": closed");
        }
        return fd;
    }

    /** Closes this queue's file descriptor; a device this process created goes away with its last queue. */
    @Override
    public void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + (vnetHeader != 0 ? ", " + offloadNames(offloads) : "") + "]";
    }
}
