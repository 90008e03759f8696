package io.ippvs.examples;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
 * <p>Packets are read into direct buffers from {@link #newBuffer()}: a read leaves {@link #HEADROOM}
 * bytes before the packet and at least {@link #TAILROOM} after it, since the director may move
 * {@code position} back (tunnel headers, ICMP errors quoting the packet) or {@code limit} forward (an
 * FTP reply rewritten to a longer address). Not thread-safe: one reading thread.
 */
public final class TunDevice implements Closeable {

    /** Bytes left free before a packet read into a buffer. */
    public static final int HEADROOM = 128;
    /** Bytes at least left free after a packet read into a buffer. */
    public static final int TAILROOM = 256;
    /** The largest packet read: an IPv4 or IPv6 (non-jumbo) packet's maximum total length. */
    public static final int MAX_PACKET = 65535;

    private static final int O_RDWR = 0x2;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code _IOW('T', 202, int)} from {@code <linux/if_tun.h>}. */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    /** {@code struct ifreq}: a 16-byte name, then a union whose first member is the flags short. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;

    /** The libc calls the device needs; errno comes back as a {@link LastErrorException}. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int poll(Pointer fds, NativeLong nfds, int timeoutMillis) throws LastErrorException;

        NativeLong read(int fd, Pointer buf, NativeLong count) throws LastErrorException;

        NativeLong write(int fd, Pointer buf, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final LibC libc;
    private final String name;
    private final Memory pollFd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    private int fd;

    private TunDevice(LibC libc, int fd, String name) {
        this.libc = libc;
        this.fd = fd;
        this.name = name;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
    }

    /**
     * Opens (or creates) the TUN device {@code name}; {@code "tun%d"} lets the kernel pick a number.
     *
     * @throws IOException naming the step that failed and what usually causes it
     */
    public static TunDevice open(String name) throws IOException {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length == 0 || ascii.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("name: '" + name + "' must have 1 to " + (IFNAMSIZ - 1) + " characters");
        }
        LibC libc;
        try {
            libc = Holder.LIBC;
        } catch (LinkageError e) {
            throw new IOException("libc: cannot be loaded through JNA (" + e.getMessage() + ")", e);
        }
        int fd;
        try {
            fd = libc.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("/dev/net/tun: cannot open (" + errnoText(e) + "); "
                    + "it needs the tun module and root or CAP_NET_ADMIN", e);
        }
        Memory ifr = new Memory(IFREQ_SIZE);
        ifr.clear();
        ifr.write(0, ascii, 0, ascii.length);
        ifr.setShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
        try {
            libc.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
        } catch (LastErrorException e) {
            libc.close(fd);
            throw new IOException("TUNSETIFF " + name + ": " + errnoText(e) + "; " + hint(e.getErrorCode()), e);
        }
        return new TunDevice(libc, fd, ifr.getString(0, StandardCharsets.US_ASCII.name()));
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
        if (!buffer.isDirect() || buffer.capacity() < HEADROOM + TAILROOM + 20) {
            throw new IllegalArgumentException("buffer: must be direct, as from newBuffer()");
        }
        try {
            if (libc.poll(pollFd, new NativeLong(1), timeoutMillis) == 0) {
                return false;
            }
            Pointer at = Native.getDirectBufferPointer(buffer).share(HEADROOM);
            long n = libc.read(fd(), at, new NativeLong(buffer.capacity() - HEADROOM - TAILROOM)).longValue();
            buffer.clear().limit(HEADROOM + (int) n).position(HEADROOM);
            return n > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN) {
                return false;
            }
            throw new IOException(name + ": read failed (" + errnoText(e) + ")", e);
        }
    }

    /**
     * Writes the packet in {@code [position, limit)} of the direct {@code buffer}; the buffer is unchanged.
     *
     * @return false when the kernel refused the packet as malformed (EINVAL): that costs the packet,
     *     not the device
     */
    public boolean write(ByteBuffer buffer) throws IOException {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer: must be direct");
        }
        Pointer at = Native.getDirectBufferPointer(buffer).share(buffer.position());
        try {
            libc.write(fd(), at, new NativeLong(buffer.remaining()));
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL) {
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
