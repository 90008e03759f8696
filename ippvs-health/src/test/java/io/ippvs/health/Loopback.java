package io.ippvs.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Real servers on 127.0.0.1 that a test stops and starts again on the same port. */
final class Loopback {

    static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    private Loopback() {}

    /** A free port (bound and released). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOCALHOST)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Something a test starts and stops. */
    interface Server extends AutoCloseable {
        int port();

        void start();

        void stop();

        @Override
        default void close() {
            stop();
        }
    }

    /** A plain ServerSocket accepting and closing connections on its own thread. */
    static final class Tcp implements Server {
        private final int port;
        private ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();

        Tcp(int port) {
            this.port = port;
        }

        static Tcp started() {
            Tcp t = new Tcp(freePort());
            t.start();
            return t;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized void start() {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(LOCALHOST, port), 128);
                socket = s;
                Thread t = new Thread(() -> {
                    while (!s.isClosed()) {
                        try {
                            Socket c = s.accept();
                            accepted.incrementAndGet();
                            // the checker closes first, as it does against a real server: a server that
                            // closed first would leave TIME_WAITs that a later probe's SYN may run into
                            c.setSoTimeout(2000);
                            try {
                                c.getInputStream().read();
                            } catch (IOException e) {
                                // timed out or reset: close anyway
                            }
                            c.close();
                        } catch (IOException e) {
                            return;
                        }
                    }
                }, "tcp-server-" + port);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void stop() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                socket = null;
            }
        }
    }

    /** A JDK HttpServer whose answer (status, body, delay) the test changes as it goes. */
    static final class Http implements Server {
        record Answer(int status, String body, long delayMillis) {}

        private final int port;
        private HttpServer server;
        final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(200, "ok", 0));
        final List<String> hosts = new ArrayList<>();
        final List<String> requestLines = new ArrayList<>();

        Http(int port) {
            this.port = port;
        }

        static Http started() {
            Http h = new Http(freePort());
            h.start();
            return h;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized void start() {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(LOCALHOST, port), 128);
                s.createContext("/", this::handle);
                s.setExecutor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "http-server-" + port);
                    t.setDaemon(true);
                    return t;
                }));
                s.start();
                server = s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void handle(HttpExchange x) throws IOException {
            synchronized (hosts) {
                hosts.add(x.getRequestHeaders().getFirst("Host"));
                requestLines.add(x.getRequestMethod() + " " + x.getRequestURI() + " " + x.getProtocol());
            }
            Answer a = answer.get();
            if (a.delayMillis > 0) {
                try {
                    Thread.sleep(a.delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = a.body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(a.status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                x.getResponseBody().write(body);
            }
            x.close();
        }

        @Override
        public synchronized void stop() {
            if (server != null) {
                server.stop(0);
                ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
                server = null;
            }
        }
    }

    /** A UDP echo server. */
    static final class UdpEcho implements Server {
        private final int port;
        private DatagramSocket socket;

        UdpEcho(int port) {
            this.port = port;
        }

        static UdpEcho started() {
            UdpEcho u = new UdpEcho(freePort());
            u.start();
            return u;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized void start() {
            try {
                DatagramSocket s = new DatagramSocket(null);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(LOCALHOST, port));
                socket = s;
                Thread t = new Thread(() -> {
                    byte[] buf = new byte[2048];
                    while (!s.isClosed()) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        try {
                            s.receive(p);
                            s.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                        } catch (SocketException e) {
                            return;
                        } catch (IOException e) {
                            // a bad datagram: keep echoing
                        }
                    }
                }, "udp-echo-" + port);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void stop() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }
}
