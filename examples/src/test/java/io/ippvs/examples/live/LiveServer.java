package io.ippvs.examples.live;

import io.ippvs.examples.CommandLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server of the live test, run inside its namespace: on the identity port every connection is
 * answered with one line, {@code NAME PEER_ADDRESS:PEER_PORT}, so the client learns which server it
 * reached and the test learns what source address the server saw; on the FTP port a small passive-mode
 * FTP server ({@link FtpSession}). Standard input takes {@code connections} (identity connections
 * accepted so far); its end stops the server. On the download ports (optional, comma-separated) a client sends a size
 * in bytes and a newline and gets that many bytes of {@link #content}, then the close; or it sends
 * {@code upload SIZE}, a newline and SIZE bytes, and gets back how many arrived and their sha256.
 *
 * <pre>LiveServer NAME IDENTITY_PORT FTP_PORT [DOWNLOAD_PORT[,DOWNLOAD_PORT...]]</pre>
 */
public final class LiveServer {

    private LiveServer() {}

    public static void main(String[] args) throws IOException {
        String name = args[0];
        ServerSocket identity = listen(Integer.parseInt(args[1]));
        ServerSocket ftp = listen(Integer.parseInt(args[2]));
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
        for (String port : args.length > 3 ? args[3].split(",") : new String[0]) {
            ServerSocket download = listen(Integer.parseInt(port));
            daemon("download-" + port, () -> {
                while (true) {
                    Socket s;
                    try {
                        s = download.accept();
                    } catch (IOException e) {
                        System.err.println(name + " download: " + e);
                        return;
                    }
                    daemon("transfer-" + port, () -> transfer(name, s));
                }
            });
        }
        CommandLoop.ready(name);
        CommandLoop.run(line -> {
            if (!line.equals("connections")) {
                throw new IllegalArgumentException("unknown command '" + line + "'");
            }
            return accepted.get() + "\n";
        });
        System.exit(0);
    }

    /**
     * One connection on a download port: {@code SIZE\n} asks for SIZE bytes of {@link #content};
     * {@code upload SIZE\n} announces SIZE bytes, which are read to the end and answered with
     * {@code RECEIVED_BYTES SHA256\n}.
     */
    private static void transfer(String name, Socket socket) {
        try (Socket s = socket) {
            InputStream in = s.getInputStream();
            String[] request = line(in).strip().split(" ");
            OutputStream out = s.getOutputStream();
            if (request[0].equals("upload")) {
                long size = Long.parseLong(request[1]);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] chunk = new byte[64 * 1024];
                long received = 0;
                for (int n; received < size && (n = in.read(chunk, 0, (int) Math.min(chunk.length, size - received))) > 0; ) {
                    sha.update(chunk, 0, n);
                    received += n;
                }
                out.write((received + " " + HexFormat.of().formatHex(sha.digest()) + "\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(content(Integer.parseInt(request[0])));
            }
            out.flush();
            s.shutdownOutput();
            s.setSoTimeout(10000);
            in.read();
        } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
            System.err.println(name + " transfer: " + e);
        }
    }

    /** One line read byte by byte, so nothing after it is taken from the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            s.append((char) c);
        }
        return s.toString();
    }

    /** The bytes a download of {@code size} bytes delivers: a fixed pseudo-random sequence, the same everywhere. */
    static byte[] content(int size) {
        byte[] b = new byte[size];
        new java.util.Random(size).nextBytes(b);
        return b;
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
