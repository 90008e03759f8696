package io.ippvs.health;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * keepalived's {@code UDP_CHECK} ({@code check_udp.c}, {@code layer4.c udp_socket_state}): sends one
 * datagram ({@code payload}, or a fixed filler) on a connected socket and waits up to the timeout.
 *
 * <ul>
 *   <li>an ICMP port-unreachable (or any receive error) is a failure;
 *   <li>silence is a success, unless {@code require_reply} is set, when it is a failure;
 *   <li>a reply is a success, unless {@code require_reply} gives reply bytes: then the reply must be
 *       {@code min_reply_length..max_reply_length} long and its first bytes (as many as both have)
 *       must equal them, bits set in the optional mask excepted.
 * </ul>
 */
public final class UdpCheck implements HealthChecker {

    private static final byte[] FILLER = "ippvs-health UDP_CHECK probe....".getBytes(StandardCharsets.US_ASCII);

    private final byte[] payload;
    private final boolean requireReply;
    private final byte[] replyData;
    private final byte[] replyMask;
    private final int minReplyLength;
    private final int maxReplyLength;

    private UdpCheck(Builder b) {
        this.payload = b.payload;
        this.requireReply = b.requireReply;
        this.replyData = b.replyData;
        this.replyMask = b.replyMask;
        this.minReplyLength = b.minReplyLength;
        this.maxReplyLength = b.maxReplyLength;
    }

    /** keepalived's defaults: the filler payload, no reply required, replies of 0..255 bytes. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "UDP_CHECK";
    }

    @Override
    public CheckResult check(CheckTarget target) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(target.address());
            s.setSoTimeout(target.timeoutMillis());
            byte[] out = payload == null ? FILLER : payload;
            s.send(new DatagramPacket(out, out.length));
            byte[] in = new byte[maxReplyLength + 1];
            DatagramPacket reply = new DatagramPacket(in, in.length);
            try {
                s.receive(reply);
            } catch (SocketTimeoutException e) {
                return requireReply ? CheckResult.down("no reply within " + target.timeout()) : CheckResult.up();
            } catch (PortUnreachableException e) {
                return CheckResult.down("ICMP port unreachable");
            }
            if (replyData != null && mismatch(in, reply.getLength())) {
                return CheckResult.down("reply data mismatch");
            }
            return CheckResult.up();
        }
    }

    /** keepalived's check_udp_reply. */
    private boolean mismatch(byte[] in, int len) {
        if (len < minReplyLength || len > maxReplyLength) {
            return true;
        }
        int n = Math.min(len, replyData.length);
        for (int i = 0; i < n; i++) {
            int ignore = replyMask == null ? 0 : replyMask[i];
            if (((in[i] ^ replyData[i]) & ~ignore & 0xFF) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpCheck u && Arrays.equals(payload, u.payload) && requireReply == u.requireReply
                && Arrays.equals(replyData, u.replyData) && Arrays.equals(replyMask, u.replyMask)
                && minReplyLength == u.minReplyLength && maxReplyLength == u.maxReplyLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(payload), requireReply, Arrays.hashCode(replyData), Arrays.hashCode(replyMask),
                minReplyLength, maxReplyLength);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return name() + (payload == null ? "" : " payload " + hex.formatHex(payload))
                + (requireReply ? " require_reply" + (replyData == null ? "" : " " + hex.formatHex(replyData)) : "")
                + " reply " + minReplyLength + ".." + maxReplyLength;
    }

    /** Builds a {@link UdpCheck}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private byte[] payload;
        private boolean requireReply;
        private byte[] replyData;
        private byte[] replyMask;
        private int minReplyLength;
        private int maxReplyLength = 255;

        private Builder() {}

        /** @throws IllegalArgumentException naming {@code payload} when empty */
        public Builder payload(byte[] payload) {
            if (payload == null || payload.length == 0 || payload.length > 65507) {
                throw new IllegalArgumentException("payload: must be 1..65507 bytes");
            }
            this.payload = payload.clone();
            return this;
        }

        /** A reply is required; any reply will do. */
        public Builder requireReply() {
            this.requireReply = true;
            return this;
        }

        /**
         * A reply is required and must start with {@code data}; bits set in {@code mask} (may be null,
         * else as long as {@code data}) are not compared.
         */
        public Builder requireReply(byte[] data, byte[] mask) {
            if (data == null || data.length == 0) {
                throw new IllegalArgumentException("require_reply: reply data must not be empty");
            }
            if (mask != null && mask.length != data.length) {
                throw new IllegalArgumentException("require_reply: the mask has " + mask.length + " bytes, the data " + data.length);
            }
            this.requireReply = true;
            this.replyData = data.clone();
            this.replyMask = mask == null ? null : mask.clone();
            return this;
        }

        /** @throws IllegalArgumentException naming {@code min_reply_length} when outside 0..65535 */
        public Builder minReplyLength(int length) {
            if (length < 0 || length > 0xFFFF) {
                throw new IllegalArgumentException("min_reply_length: " + length + " is outside 0..65535");
            }
            this.minReplyLength = length;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code max_reply_length} when outside 0..65535 */
        public Builder maxReplyLength(int length) {
            if (length < 0 || length > 0xFFFF) {
                throw new IllegalArgumentException("max_reply_length: " + length + " is outside 0..65535");
            }
            this.maxReplyLength = length;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code min_reply_length} when above the maximum (keepalived: "will always fail") */
        public UdpCheck build() {
            if (minReplyLength > maxReplyLength) {
                throw new IllegalArgumentException("min_reply_length: " + minReplyLength + " exceeds max_reply_length "
                        + maxReplyLength + "; the check would always fail");
            }
            return new UdpCheck(this);
        }
    }
}
