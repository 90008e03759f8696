package io.ippvs.examples;

import io.ippvs.api.Addresses;
import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.director.Director;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.nat.NatRewriter;
import java.nio.ByteBuffer;
import picocli.CommandLine.Command;

/**
 * The embedded demo: the 1998 setup ({@code ippfvsadm -A -t 203.1.1.10:8080 -R 10.1.1.1:8080}) run
 * in-process. Clients connect to the virtual address; the director picks real servers round-robin,
 * rewrites the destination, and on the way back restores the virtual address. No root, no network:
 * the packets are built in memory and the rewritten bytes are parsed again and printed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The 1998 director in-process: no root, no network.")
public final class DemoCommand implements Runnable {

    private static final int TCP_SYN = 0x02;
    private static final int TCP_ACK = 0x10;

    @Override
    public void run() {
        Director director = Director.builder().rewriter(NatRewriter.builder().build()).build();
        Ipvsadm ipvsadm = Ipvsadm.forDirector(director);

        // the 1998 form, then today's syntax for a second real server and the scheduler
        run(ipvsadm, "-A -t 203.1.1.10:8080 -R 10.1.1.1:8080");
        run(ipvsadm, "-E -t 203.1.1.10:8080 -s rr");
        run(ipvsadm, "-a -t 203.1.1.10:8080 -r 10.1.1.2:8080 -m -w 1");

        PacketParser parser = new PacketParser(true);
        PacketInfo info = new PacketInfo();
        NextHop hop = new NextHop();
        int vip = ipv4(203, 1, 1, 10);
        for (int i = 0; i < 3; i++) {
            int client = ipv4(198, 51, 100, 7 + i);
            int clientPort = 40000 + i;
            ByteBuffer syn = tcp(client, clientPort, vip, 8080, TCP_SYN, 1000, 0);
            Verdict v = director.process(syn, 0, hop);
            parser.parse(syn, info);
            System.out.printf("client %s:%d -> 203.1.1.10:8080 SYN      %s, now to %s:%d (checksums %s)%n",
                    text(client), clientPort, v, text((int) info.dstLow()), info.dstPort(), ok(parser, syn, info));

            // the real server answers; the director restores the virtual address
            int server = (int) hop.addressLow();
            ByteBuffer synAck = tcp(server, 8080, client, clientPort, TCP_SYN | TCP_ACK, 5000, 1001);
            v = director.process(synAck);
            parser.parse(synAck, info);
            System.out.printf("server %s:8080 -> client  SYN-ACK  %s, now from %s:%d (checksums %s)%n",
                    text(server), v, text((int) info.srcLow()), info.srcPort(), ok(parser, synAck, info));
        }
        System.out.println();
        run(ipvsadm, "-L -n");
        run(ipvsadm, "-L -n -c");
        run(ipvsadm, "-L -n --stats --exact");
    }

    private static void run(Ipvsadm ipvsadm, String command) {
        System.out.println("$ ipvsadm " + command);
        System.out.print(ipvsadm.execute(command));
    }

    private static String ok(PacketParser parser, ByteBuffer packet, PacketInfo info) {
        return parser.parse(packet, info).name().equals("OK") ? "verified" : "BAD";
    }

    /** A 40-byte IPv4/TCP segment with correct checksums. */
    private static ByteBuffer tcp(int src, int srcPort, int dst, int dstPort, int flags, long seq, long ack) {
        ByteBuffer b = ByteBuffer.allocate(40);
        new Ipv4Header().wrap(b, 0).version(4).headerLength(20).totalLength(40).dontFragment(true).ttl(64)
                .protocol(6).sourceAddress(src).destinationAddress(dst).updateChecksum();
        b.putShort(20, (short) srcPort).putShort(22, (short) dstPort).putInt(24, (int) seq).putInt(28, (int) ack);
        b.put(32, (byte) 0x50).put(33, (byte) flags).putShort(34, (short) 65535);
        int pseudo = InternetChecksum.pseudoHeaderV4(src, dst, 6, 20);
        b.putShort(36, (short) InternetChecksum.checksum(b, 20, 20, pseudo));
        return b;
    }

    private static int ipv4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static String text(int address) {
        return Addresses.format(Addresses.IPV4, 0, address & 0xFFFFFFFFL);
    }
}
