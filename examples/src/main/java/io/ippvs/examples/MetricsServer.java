package io.ippvs.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves the director's counters at {@code /metrics} in the Prometheus text format over HTTP (the
 * JDK's own server): what a Prometheus scrape job or {@code curl} reads. Every request renders the
 * text afresh from the live counters; nothing is cached.
 */
public final class MetricsServer implements AutoCloseable {

    /** The content type of the text exposition format, version 0.0.4, as Prometheus asks for it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} (port 0: any free port) and serves {@code text} at {@code /metrics}. */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> text) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true); // a scrape in progress never keeps the process alive
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                serve(exchange, text);
            }
        });
        server.start();
        return new MetricsServer(server, executor);
    }

    private static void serve(HttpExchange exchange, Supplier<String> text) throws IOException {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            answer(exchange, 404, "text/plain; charset=utf-8", "metrics are at /metrics\n", true);
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            answer(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD\n", true);
        } else {
            answer(exchange, 200, CONTENT_TYPE, text.get(), method.equals("GET"));
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, String body, boolean withBody)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (!withBody) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The address bound, with the port chosen when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
