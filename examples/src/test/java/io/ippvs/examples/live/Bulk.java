package io.ippvs.examples.live;

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
import java.util.SplittableRandom;

/**
 * Bulk transfers of the live test over real Linux TCP: a deterministic pseudo-random stream (seed and
 * length name it), so each end can compute its SHA-256 without the other's bytes.
 *
 * <p>Protocol, one request per connection: the client sends {@code PUT LENGTH SEED\n} and LENGTH
 * bytes, the server answers with the SHA-256 of what it received; or {@code GET LENGTH SEED\n}, and
 * the server sends the stream and closes.
 */
final class Bulk {

    private static final int CHUNK = 64 * 1024;

    private Bulk() {}

    /** The SHA-256 of the stream {@code (length, seed)}. */
    static String sha256(long length, long seed) {
        MessageDigest digest = digest();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        for (long done = 0; done < length; done += CHUNK) {
            random.nextBytes(chunk);
            digest.update(chunk, 0, (int) Math.min(CHUNK, length - done));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void send(OutputStream out, long length, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        for (long done = 0; done < length; done += CHUNK) {
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(CHUNK, length - done));
        }
        out.flush();
    }

    /** Reads to the end (or {@code length} bytes); "BYTES SHA256". */
    private static String receive(InputStream in, long length) throws IOException {
        MessageDigest digest = digest();
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        int n;
        while (total < length && (n = in.read(chunk, 0, (int) Math.min(CHUNK, length - total))) > 0) {
            digest.update(chunk, 0, n);
            total += n;
        }
        return total + " " + HexFormat.of().formatHex(digest.digest());
    }

    /** The server side: one thread per connection, until the process ends. */
    static void serve(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), 64);
        Thread t = new Thread(() -> {
            while (true) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread session = new Thread(() -> session(s), "bulk-session");
                session.setDaemon(true);
                session.start();
            }
        }, "bulk");
        t.setDaemon(true);
        t.start();
    }

    private static void session(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String[] request = line(in).split(" ");
            long length = Long.parseLong(request[1]);
            long seed = Long.parseLong(request[2]);
            OutputStream out = s.getOutputStream();
            if (request[0].equals("PUT")) {
                out.write((receive(in, length) + "\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                send(out, length, seed);
            }
            out.flush();
            s.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            System.err.println("bulk: " + e);
        }
    }

    /** The request line, read byte by byte so no payload byte is consumed with it. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            s.append((char) c);
        }
        return s.toString();
    }

    /** The client side: {@code put} or {@code get}; "BYTES SHA256" as the receiving end counted them. */
    static String transfer(InetAddress host, int port, String direction, long length, long seed) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            boolean put = direction.equals("put");
            out.write(((put ? "PUT " : "GET ") + length + " " + seed + "\n").getBytes(StandardCharsets.US_ASCII));
            if (put) {
                send(out, length, seed);
                s.shutdownOutput();
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            }
            out.flush();
            return receive(s.getInputStream(), length);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
