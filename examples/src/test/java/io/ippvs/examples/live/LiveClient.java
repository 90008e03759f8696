package io.ippvs.examples.live;

import io.ippvs.examples.CommandLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of the live test, run inside the client namespace and driven through standard input:
 * <ul>
 *   <li>{@code http HOST PORT COUNT}: COUNT connections one after another; per connection a line
 *       {@code PEER_ADDRESS ANSWER} (the address the socket is connected to, the server's line).
 *   <li>{@code ftp HOST FILE pasv|pasv-split|epsv}: log in, open a passive data connection the way the
 *       server's reply says, RETR FILE; lines {@code banner}, {@code passive} (the reply as received),
 *       {@code data} (the data connection's peer), {@code received LENGTH SHA256}, {@code done}.
 *   <li>{@code hold HOST PORT COUNT}: opens COUNT connections to an {@link EchoServer} and keeps them;
 *       sends a line on each and prints the answer, {@code I SERVER} per connection.
 *   <li>{@code upload HOST PORT SIZE SECONDS}: sends SIZE pseudo-random bytes to a {@link LiveServer}
 *       download port and prints {@code PEER SENT_SHA256 RECEIVED_BYTES RECEIVED_SHA256}.
 *   <li>{@code ping}: on every held connection a line and its echo, {@code I SERVER} each; a connection
 *       that does not answer within the timeout fails the command.
 * </ul>
 */
public final class LiveClient {

    private static final int TIMEOUT_MILLIS = 5000;
    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    /** The connections of {@code hold}, kept open between commands. */
    private static final java.util.List<Socket> HELD = new java.util.ArrayList<>();
    private static final java.util.List<BufferedReader> HELD_IN = new java.util.ArrayList<>();

    private LiveClient() {}

    public static void main(String[] args) throws IOException {
        CommandLoop.ready("client");
        CommandLoop.run(line -> {
            String[] w = line.split("\\s+");
            return switch (w[0]) {
                case "http" -> http(InetAddress.getByName(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]));
                case "ftp" -> ftp(InetAddress.getByName(w[1]), w[2], w[3]);
                case "hold" -> hold(InetAddress.getByName(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]));
                case "ping" -> ping();
                case "download" -> download(InetAddress.getByName(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]));
                case "upload" -> upload(InetAddress.getByName(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]),
                        Integer.parseInt(w[4]));
                default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
            };
        });
        System.exit(0);
    }

    private static String http(InetAddress host, int port, int count) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            try (Socket socket = connect(host, port)) {
                BufferedReader in = reader(socket.getInputStream());
                String answer = in.readLine();
                s.append(socket.getInetAddress().getHostAddress()).append(' ').append(answer).append('\n');
            }
        }
        return s.toString();
    }

    private static String ftp(InetAddress host, String file, String mode) throws IOException {
        StringBuilder s = new StringBuilder();
        try (Socket control = connect(host, 21)) {
            BufferedReader in = reader(control.getInputStream());
            OutputStream out = control.getOutputStream();
            s.append("banner ").append(expect(in, "220")).append('\n');
            command(out, in, "USER anonymous", "331");
            command(out, in, "PASS live@test", "230");
            command(out, in, "TYPE I", "200");
            if (mode.equals("pasv-split")) {
                command(out, in, "SITE SPLIT", "200");
            }
            InetSocketAddress dataAddress;
            if (mode.equals("epsv")) {
                String reply = command(out, in, "EPSV", "229");
                s.append("passive ").append(reply).append('\n');
                dataAddress = new InetSocketAddress(control.getInetAddress(), Integer.parseInt(match(EPSV, reply).group(1)));
            } else {
                String reply = command(out, in, "PASV", "227");
                s.append("passive ").append(reply).append('\n');
                Matcher m = match(PASV, reply);
                String address = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
                int port = Integer.parseInt(m.group(5)) << 8 | Integer.parseInt(m.group(6));
                dataAddress = new InetSocketAddress(InetAddress.getByName(address), port);
            }
            try (Socket data = new Socket()) {
                data.connect(dataAddress, TIMEOUT_MILLIS);
                data.setSoTimeout(TIMEOUT_MILLIS);
                command(out, in, "RETR " + file, "150");
                byte[] bytes = data.getInputStream().readAllBytes();
                s.append("data ").append(data.getInetAddress().getHostAddress()).append(':').append(data.getPort()).append('\n');
                s.append("received ").append(bytes.length).append(' ').append(sha256(bytes)).append('\n');
            }
            s.append("done ").append(expect(in, "226")).append('\n');
            command(out, in, "QUIT", "221");
        }
        return s.toString();
    }

    private static String hold(InetAddress host, int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = connect(host, port);
            HELD.add(socket);
            HELD_IN.add(reader(socket.getInputStream()));
        }
        return ping();
    }

    private static String ping() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < HELD.size(); i++) {
            HELD.get(i).getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            HELD.get(i).getOutputStream().flush();
            String answer = HELD_IN.get(i).readLine();
            if (answer == null || !answer.endsWith(" ping " + i)) {
                throw new IOException("connection " + i + " (local port " + HELD.get(i).getLocalPort() + ") answered " + answer);
            }
            s.append(i).append(' ').append(answer.split(" ")[0]).append('\n');
        }
        return s.toString();
    }

    /** Asks for {@code size} bytes and reads them to the end: "PEER RECEIVED_BYTES SHA256". */
    private static String download(InetAddress host, int port, int size) throws IOException {
        try (Socket socket = connect(host, port)) {
            socket.getOutputStream().write((size + "\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] received = socket.getInputStream().readAllBytes();
            return socket.getInetAddress().getHostAddress() + " " + received.length + " " + sha256(received) + "\n";
        }
    }

    /**
     * Sends {@code size} pseudo-random bytes ({@code new Random(size)}, see {@link #contentSha256}) after
     * {@code upload SIZE}, waits for the server's count and sha256: "PEER SENT_SHA256 RECEIVED_BYTES
     * RECEIVED_SHA256". After
     * {@code seconds} the socket is closed, so a transfer that stalls fails instead of blocking.
     */
    private static String upload(InetAddress host, int port, long size, int seconds) throws IOException {
        Socket socket = connect(host, port);
        try {
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(seconds * 1000L);
                    socket.close();
                } catch (InterruptedException | IOException e) {
                    // done in time, or closed already
                }
            }, "upload-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(("upload " + size + "\n").getBytes(StandardCharsets.US_ASCII));
                MessageDigest sha = digest();
                byte[] chunk = new byte[64 * 1024];
                Random random = new Random(size);
                for (long sent = 0; sent < size; ) {
                    int n = (int) Math.min(chunk.length, size - sent);
                    random.nextBytes(chunk); // chunks of a multiple of 4 bytes continue one sequence
                    out.write(chunk, 0, n);
                    sha.update(chunk, 0, n);
                    sent += n;
                }
                out.flush();
                socket.setSoTimeout(seconds * 1000);
                String answer = reader(socket.getInputStream()).readLine();
                return socket.getInetAddress().getHostAddress() + " " + HexFormat.of().formatHex(sha.digest()) + " "
                        + answer + "\n";
            } catch (IOException e) {
                throw new IOException("upload to " + host.getHostAddress() + ":" + port + " of " + size
                        + " bytes: " + e.getMessage() + (socket.isClosed() ? " (not done within " + seconds + " s)" : ""), e);
            } finally {
                watchdog.interrupt();
            }
        } finally {
            socket.close();
        }
    }

    /** The sha256 of the first {@code size} bytes an upload of {@code size} bytes sends, computed apart from any upload. */
    static String contentSha256(long size) {
        MessageDigest sha = digest();
        Random random = new Random(size);
        byte[] b = new byte[1 << 20];
        for (long left = size; left > 0; left -= b.length) {
            random.nextBytes(b);
            sha.update(b, 0, (int) Math.min(b.length, left));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Socket connect(InetAddress host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    }

    private static String command(OutputStream out, BufferedReader in, String command, String code) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return expect(in, code);
    }

    private static String expect(BufferedReader in, String code) throws IOException {
        String reply = in.readLine();
        if (reply == null || !reply.startsWith(code + " ")) {
            throw new IOException("expected a " + code + " reply, got " + reply);
        }
        return reply;
    }

    private static Matcher match(Pattern p, String reply) throws IOException {
        Matcher m = p.matcher(reply);
        if (!m.find()) {
            throw new IOException("no address in '" + reply + "'");
        }
        return m;
    }
}
