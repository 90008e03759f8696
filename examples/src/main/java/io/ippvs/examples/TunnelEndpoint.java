package io.ippvs.examples;

import io.ippvs.api.Offload;
import io.ippvs.tunnel.DecapStatus;
import io.ippvs.tunnel.Decapsulator;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * The real server's end of VS/TUN on a TUN device, for kernels without ipip, fou or gre: the kernel
 * routes the tunnel packets arriving from the director into the device, this loop strips the outer
 * headers with the library's {@link Decapsulator} and writes the client's packet back, which the
 * kernel then delivers to the local socket on the virtual address. Replies leave by the ordinary
 * routes, straight to the client.
 *
 * <p>Packets that are not ours or not well formed are discarded and counted by status.
 */
final class TunnelEndpoint extends TunLoop {

    private final Decapsulator decapsulator;

    TunnelEndpoint(TunDevice tun, Decapsulator decapsulator, PrintStream out) {
        super(tun, "tunnel-endpoint", out);
        this.decapsulator = decapsulator;
    }

    /** {@code counters}: every decapsulation outcome that occurred and the packets the kernel refused. */
    String command(String line) {
        if (!line.equals("counters")) {
            throw new IllegalArgumentException("unknown command '" + line + "' (counters, quit)");
        }
        return counters();
    }

    String counters() {
        StringBuilder s = new StringBuilder("decapsulated ").append(decapsulator.count(DecapStatus.OK))
                .append(" refused-by-kernel ").append(refused());
        for (DecapStatus status : DecapStatus.values()) {
            if (status != DecapStatus.OK && decapsulator.count(status) > 0) {
                s.append(' ').append(status).append(' ').append(decapsulator.count(status));
            }
        }
        return s.append('\n').toString();
    }

    @Override
    boolean packet(int queue, ByteBuffer buf, Offload offload) {
        // OK: the buffer now holds the client's packet, for the kernel to deliver; the rest is counted
        return decapsulator.decapsulate(buf) == DecapStatus.OK;
    }

    @Override
    String report() {
        return counters();
    }
}
