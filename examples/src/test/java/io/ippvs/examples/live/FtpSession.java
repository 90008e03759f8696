package io.ippvs.examples.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One control connection of the live test's FTP server: USER, PASS, TYPE, PASV, EPSV, RETR, QUIT and
 * {@code SITE SPLIT}, which makes the next 227 reply leave in two TCP segments cut inside the address,
 * the case the director's FTP helper must read whole. The passive data socket listens on the server's
 * own address, which the director must replace by the virtual address in the 227 reply.
 */
final class FtpSession implements Runnable {

    private final String server;
    private final Socket control;
    private OutputStream out;
    private boolean splitNextPassive;

    FtpSession(String server, Socket control) {
        this.server = server;
        this.control = control;
    }

    /** What RETR sends: several kilobytes naming the server and the file, so a mix-up shows. */
    static String content(String server, String file) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            s.append(server).append(' ').append(file).append(" line ").append(i).append('\n');
        }
        return s.toString();
    }

    @Override
    public void run() {
        ServerSocket passive = null;
        try (Socket c = control) {
            c.setTcpNoDelay(true); // each reply, and each half of a split one, leaves at once
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            out = c.getOutputStream();
            reply("220 " + server + " ready");
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.split(" ", 2);
                String arg = words.length > 1 ? words[1] : "";
                switch (words[0].toUpperCase(java.util.Locale.ROOT)) {
                    case "USER" -> reply("331 password please");
                    case "PASS" -> reply("230 logged in");
                    case "TYPE" -> reply("200 type " + arg);
                    case "SITE" -> {
                        splitNextPassive = arg.equalsIgnoreCase("SPLIT");
                        reply(splitNextPassive ? "200 next 227 comes in two segments" : "501 SITE SPLIT only");
                    }
                    case "PASV" -> {
                        passive = reopen(passive);
                        byte[] a = c.getLocalAddress().getAddress();
                        int port = passive.getLocalPort();
                        // the text after the address makes the line (about 120 bytes) longer than
                        // the smallest segment a Linux sender makes (TCP_MIN_MSS 88 less 12 bytes of
                        // timestamps), so a tiny MSS always cuts the reply before its end
                        passiveReply(String.format("227 Entering Passive Mode (%d,%d,%d,%d,%d,%d). "
                                + "Open the data connection to this address and port within five seconds.",
                                a[0] & 0xFF, a[1] & 0xFF, a[2] & 0xFF, a[3] & 0xFF, port >> 8, port & 0xFF));
                    }
                    case "EPSV" -> {
                        passive = reopen(passive);
                        reply("229 Entering Extended Passive Mode (|||" + passive.getLocalPort() + "|)");
                    }
                    case "RETR" -> {
                        if (passive == null) {
                            reply("425 use PASV or EPSV first");
                            continue;
                        }
                        reply("150 sending " + arg);
                        try (ServerSocket p = passive; Socket data = p.accept()) {
                            data.getOutputStream().write(content(server, arg).getBytes(StandardCharsets.US_ASCII));
                        }
                        passive = null;
                        reply("226 transfer complete");
                    }
                    case "QUIT" -> {
                        reply("221 bye");
                        return;
                    }
                    default -> reply("502 not implemented");
                }
            }
        } catch (IOException e) {
            System.err.println(server + " ftp session: " + e);
        } finally {
            closeQuietly(passive);
        }
    }

    private ServerSocket reopen(ServerSocket previous) throws IOException {
        closeQuietly(previous);
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(control.getLocalAddress(), 0), 1);
        s.setSoTimeout(5000);
        return s;
    }

    private void passiveReply(String text) throws IOException {
        if (!splitNextPassive) {
            reply(text);
            return;
        }
        splitNextPassive = false;
        int cut = text.indexOf('(') + 5; // inside the address: "(10,1" | "0,11,2,..."
        send(text.substring(0, cut));
        try {
            Thread.sleep(50); // with TCP_NODELAY the first part is on the wire before the rest is written
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(text.substring(cut) + "\r\n");
    }

    private void reply(String text) throws IOException {
        send(text + "\r\n");
    }

    private void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a listening socket has nothing to report
            }
        }
    }
}
