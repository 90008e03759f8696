package io.ippvs.examples.live;

import io.ippvs.examples.CommandLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real server of the failover test: on PORT every line a client sends comes back as
 * {@code NAME LINE}, for as long as the connection lasts, so a long-lived idle connection can be
 * asked at any time whether it still reaches the same server. The end of standard input stops it.
 *
 * <pre>EchoServer NAME PORT</pre>
 */
public final class EchoServer {

    private EchoServer() {}

    public static void main(String[] args) throws IOException {
        String name = args[0];
        ServerSocket listen = new ServerSocket();
        listen.setReuseAddress(true);
        listen.bind(new InetSocketAddress(Integer.parseInt(args[1])), 64);
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket s = listen.accept();
                    Thread t = new Thread(() -> echo(name, s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    System.err.println(name + " echo: " + e);
                    return;
                }
            }
        }, "accept");
        acceptor.setDaemon(true);
        acceptor.start();
        CommandLoop.ready(name);
        CommandLoop.run(line -> {
            throw new IllegalArgumentException("unknown command '" + line + "'");
        });
        System.exit(0);
    }

    private static void echo(String name, Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write((name + " " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            System.err.println(name + " echo: " + e);
        }
    }
}
