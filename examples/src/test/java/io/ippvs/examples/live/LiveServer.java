package io.ippvs.examples.live;

import io.ippvs.examples.CommandLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server of the live test, run inside its namespace: on the identity port every connection is
 * answered with one line, {@code NAME PEER_ADDRESS:PEER_PORT}, so the client learns which server it
 * reached and the test learns what source address the server saw; on the FTP port a small passive-mode
 * FTP server ({@link FtpSession}). Standard input takes {@code connections} (identity connections
 * accepted so far); its end stops the server.
 *
 * On the optional bulk port, {@link Bulk} transfers.
 *
 * <pre>LiveServer NAME IDENTITY_PORT FTP_PORT [BULK_PORT]</pre>
 */
public final class LiveServer {

    private LiveServer() {}

    public static void main(String[] args) throws IOException {
        String name = args[0];
        ServerSocket identity = listen(Integer.parseInt(args[1]));
        ServerSocket ftp = listen(Integer.parseInt(args[2]));
        if (args.length > 3) {
            Bulk.serve(Integer.parseInt(args[3]));
        }
        AtomicInteger accepted = new AtomicInteger();
        daemon("identity", () -> {
            while (true) {
                try (Socket s = identity.accept()) {
                    accepted.incrementAndGet();
                    InetSocketAddress peer = (InetSocketAddress) s.getRemoteSocketAddress();
                    String line = name + " " + peer.getAddress().getHostAddress() + ":" + peer.getPort() + "\n";
                    OutputStream out = s.getOutputStream();
                    out.write(line.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.shutdownOutput();
                    // wait for the client's FIN so the close is orderly on both sides
                    s.setSoTimeout(5000);
                    s.getInputStream().read();
                } catch (IOException e) {
                    System.err.println(name + " identity: " + e);
                }
            }
        });
        daemon("ftp", () -> {
            while (true) {
                Socket control;
                try {
                    control = ftp.accept();
                } catch (IOException e) {
                    System.err.println(name + " ftp: " + e);
                    return;
                }
                daemon("ftp-session", () -> new FtpSession(name, control).run());
            }
        });
        CommandLoop.ready(name);
        CommandLoop.run(line -> {
            if (!line.equals("connections")) {
                throw new IllegalArgumentException("unknown command '" + line + "'");
            }
            return accepted.get() + "\n";
        });
        System.exit(0);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), 64);
        return s;
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
