package io.ippvs.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * keepalived's {@code HTTP_GET} and {@code SSL_GET} ({@code check_http.c}): for each {@code url} in
 * turn, a fresh connection, keepalived's own request
 * ({@code GET <path> HTTP/1.0}, {@code User-Agent: KeepAliveClient}, {@code Host: <virtualhost>} or
 * {@code <address>:<port>}), the response read to its end; the status must be in the url's
 * {@code status_code} set (default 200-299) and, with {@code digest}, the MD5 of the body (the bytes
 * after the header block, as keepalived's {@code http_process_response} hashes them) must match.
 * Every url must pass. The whole probe (connect, TLS handshake, request, response, every url) must
 * finish within the timeout; keepalived applies its timeout to each read, so a server dribbling
 * bytes passes there and fails here.
 *
 * <p>The request is written by hand rather than with {@code java.net.http.HttpClient}: keepalived
 * sends HTTP/1.0 with a {@code Host} header of its choosing, and HttpClient refuses to set
 * {@code Host} unless a JVM-wide system property is set before its first use.
 *
 * <p>{@code SSL_GET}, like keepalived without an {@code SSL} block, accepts any certificate (it
 * checks that the server answers, not who it is); pass an {@link SSLContext} to verify.
 */
public final class HttpGetCheck implements HealthChecker {

    /** keepalived's {@code http_protocol}. */
    public enum HttpProtocol {
        /** {@code 1.0}: HTTP/1.0, the default. */
        HTTP_1_0,
        /** {@code 1.0C}: HTTP/1.0 with {@code Connection: close}. */
        HTTP_1_0C,
        /** {@code 1.1}: HTTP/1.1 with {@code Connection: close}. */
        HTTP_1_1
    }

    /** Response headers larger than this fail the probe. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Replies larger than this fail the probe (keepalived hashes any length; a health page is small). */
    private static final int MAX_REPLY_BYTES = 4 * 1024 * 1024;

    private final boolean tls;
    private final List<Url> urls;
    private final String virtualhost;
    private final HttpProtocol protocol;
    private final SSLContext sslContext;

    private HttpGetCheck(Builder b) {
        this.tls = b.tls;
        this.urls = List.copyOf(b.urls);
        this.virtualhost = b.virtualhost;
        this.protocol = b.protocol;
        this.sslContext = b.sslContext;
    }

    /** An {@code HTTP_GET} builder. */
    public static Builder http() {
        return new Builder(false);
    }

    /** An {@code SSL_GET} builder. */
    public static Builder ssl() {
        return new Builder(true);
    }

    @Override
    public String name() {
        return tls ? "SSL_GET" : "HTTP_GET";
    }

    public List<Url> urls() {
        return urls;
    }

    /** keepalived's HTTP_GET default {@code delay_before_retry} is 3 s. */
    @Override
    public Duration defaultDelayBeforeRetry() {
        return Duration.ofSeconds(3);
    }

    @Override
    public CheckResult check(CheckTarget target) throws Exception {
        long deadline = System.nanoTime() + target.timeout().toNanos();
        for (Url u : urls) {
            CheckResult r = fetch(target, u, deadline);
            if (!r.isUp()) {
                return r;
            }
        }
        return CheckResult.up();
    }

    private CheckResult fetch(CheckTarget target, Url url, long deadline) throws IOException {
        InetSocketAddress a = target.address();
        try (Socket plain = new Socket()) {
            plain.connect(a, remaining(deadline));
            Socket s = plain;
            if (tls) {
                SSLSocketFactory f = (sslContext != null ? sslContext : TrustAll.CONTEXT).getSocketFactory();
                SSLSocket ssl = (SSLSocket) f.createSocket(plain, a.getHostString(), a.getPort(), true);
                ssl.setSoTimeout(remaining(deadline));
                ssl.startHandshake();
                s = ssl;
            }
            OutputStream out = s.getOutputStream();
            out.write(request(url, a).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return response(s, url, deadline);
        } catch (SocketTimeoutException e) {
            return CheckResult.down("timeout on " + url.path() + " after " + target.timeout());
        }
    }

    /** keepalived's request_template. */
    String request(Url url, InetSocketAddress a) {
        String host = url.virtualhost() != null ? url.virtualhost() : virtualhost;
        if (host == null) {
            String ip = a.getAddress().getHostAddress();
            host = (a.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + a.getPort();
        }
        return "GET " + url.path() + " HTTP/1." + (protocol == HttpProtocol.HTTP_1_1 ? 1 : 0) + "\r\n"
                + "User-Agent: KeepAliveClient\r\n"
                + (protocol == HttpProtocol.HTTP_1_0 ? "" : "Connection: close\r\n")
                + "Host: " + host + "\r\n\r\n";
    }

    /** Reads the reply on the blocking socket until {@link #reply} has a result. */
    private static CheckResult response(Socket s, Url url, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int have = 0;
        while (true) {
            if (have == buf.length) {
                if (buf.length == MAX_REPLY_BYTES) {
                    return CheckResult.down("reply longer than " + MAX_REPLY_BYTES + " bytes on " + url.path());
                }
                buf = Arrays.copyOf(buf, Math.min(MAX_REPLY_BYTES, buf.length * 2));
            }
            s.setSoTimeout(remaining(deadline));
            int n = in.read(buf, have, buf.length - have);
            if (n > 0) {
                have += n;
            }
            CheckResult r = reply(url, buf, have, n < 0);
            if (r != null) {
                return r;
            }
            if (n < 0) {
                return CheckResult.down("reply ends early on " + url.path());
            }
        }
    }

    /**
     * What the first {@code len} bytes of a reply say about {@code url}, or {@code null} while more
     * are needed: a status outside the url's codes fails as soon as the headers are in; without a
     * digest that is all; with one, the MD5 of the body (up to Content-Length, or to the end of the
     * reply) must match, as check_http.c http_handle_response compares it.
     */
    static CheckResult reply(Url url, byte[] buf, int len, boolean eof) {
        int bodyStart = headerEnd(buf, len);
        if (bodyStart < 0) {
            if (!eof && len < MAX_HEADER_BYTES) {
                return null;
            }
            return CheckResult.down(len == 0 ? "no data received on " + url.path()
                    : eof ? "response ends inside its headers on " + url.path()
                    : "response headers exceed " + MAX_HEADER_BYTES + " bytes on " + url.path());
        }
        String headers = new String(buf, 0, bodyStart, StandardCharsets.ISO_8859_1);
        int status = status(headers);
        if (status < 0 || !url.accepts(status)) {
            return CheckResult.down("HTTP status " + (status < 0 ? "line unreadable" : status) + " on " + url.path());
        }
        if (url.digest() == null) {
            return CheckResult.up();
        }
        long length = contentLength(headers);
        int body = len - bodyStart;
        if (!eof && (length < 0 || body < length)) {
            return null;
        }
        int hashed = length >= 0 ? (int) Math.min(body, length) : body;
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
        md5.update(buf, bodyStart, hashed);
        byte[] got = md5.digest();
        if (!Arrays.equals(got, url.digestBytes())) {
            return CheckResult.down("MD5 digest " + HexFormat.of().formatHex(got) + " is not " + url.digest() + " on " + url.path());
        }
        return CheckResult.up();
    }

    /**
     * The probe on the monitor's event loop, for plain HTTP: each url in turn as a non-blocking
     * exchange, all within the timeout. SSL_GET runs {@link #check} on a probe thread instead.
     */
    void start(EventLoop loop, CheckTarget target, Consumer<CheckResult> done) {
        next(loop, target, 0, System.nanoTime() + target.timeout().toNanos(), done);
    }

    boolean tls() {
        return tls;
    }

    private void next(EventLoop loop, CheckTarget target, int i, long deadline, Consumer<CheckResult> done) {
        if (i == urls.size()) {
            done.accept(CheckResult.up());
            return;
        }
        Url u = urls.get(i);
        byte[] request = request(u, target.address()).getBytes(StandardCharsets.ISO_8859_1);
        loop.exchange(target.address(), request, deadline, MAX_REPLY_BYTES, (buf, len, eof) -> reply(u, buf, len, eof),
                u.path() + " after " + target.timeout(), r -> {
                    if (r.isUp()) {
                        next(loop, target, i + 1, deadline, done);
                    } else {
                        done.accept(r);
                    }
                });
    }

    /** The offset after the blank line ending the headers, or -1. */
    private static int headerEnd(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The code of a status line {@code HTTP/x.y NNN ...}, or -1. */
    static int status(String headers) {
        int sp = headers.indexOf(' ');
        if (!headers.startsWith("HTTP/") || sp < 0 || headers.length() < sp + 4) {
            return -1;
        }
        String code = headers.substring(sp + 1, sp + 4);
        for (int i = 0; i < 3; i++) {
            if (code.charAt(i) < '0' || code.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(code);
    }

    private static long contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("probe deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpGetCheck h && tls == h.tls && urls.equals(h.urls) && Objects.equals(virtualhost, h.virtualhost)
                && protocol == h.protocol && Objects.equals(sslContext, h.sslContext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, urls, virtualhost, protocol);
    }

    @Override
    public String toString() {
        return name() + (virtualhost == null ? "" : " virtualhost " + virtualhost) + " " + urls;
    }

    /** One {@code url} block: path, accepted status codes, optional MD5 digest and virtual host. Immutable. */
    public static final class Url {
        private final String path;
        private final BitSet statusCodes;
        private final String digest;
        private final String virtualhost;

        private Url(String path, BitSet statusCodes, String digest, String virtualhost) {
            this.path = path;
            this.statusCodes = statusCodes;
            this.digest = digest;
            this.virtualhost = virtualhost;
        }

        /**
         * @param path the request path
         * @param statusCodes keepalived's {@code status_code} values: codes and ranges
         *     ({@code "200"}, {@code "200-299"}); none = 200-299
         * @param digest 32 hex digits of the body's MD5, or {@code null}
         * @param virtualhost the Host header for this url, or {@code null}
         * @throws IllegalArgumentException naming {@code path}, {@code status_code} or {@code digest}
         */
        public static Url of(String path, List<String> statusCodes, String digest, String virtualhost) {
            if (path == null || path.isEmpty() || path.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
                throw new IllegalArgumentException("path: '" + path + "' must be a request path without spaces or controls");
            }
            BitSet codes = new BitSet(600);
            for (String s : statusCodes) {
                int dash = s.indexOf('-');
                int min = code(dash < 0 ? s : s.substring(0, dash), s);
                int max = dash < 0 ? min : code(s.substring(dash + 1), s);
                if (min > max) {
                    throw new IllegalArgumentException("status_code: '" + s + "' is an empty range");
                }
                codes.set(min, max + 1);
            }
            if (codes.isEmpty()) {
                codes.set(200, 300);
            }
            if (digest != null) {
                if (digest.length() != 32 || !digest.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    throw new IllegalArgumentException("digest: '" + digest + "' must be 32 hex digits (an MD5)");
                }
                digest = digest.toLowerCase(Locale.ROOT);
            }
            if (virtualhost != null && (virtualhost.isBlank() || virtualhost.chars().anyMatch(c -> c <= ' '))) {
                throw new IllegalArgumentException("virtualhost: '" + virtualhost + "' is not a host name");
            }
            return new Url(path, codes, digest, virtualhost);
        }

        private static int code(String s, String whole) {
            try {
                int c = Integer.parseInt(s);
                if (c >= 100 && c <= 599) {
                    return c;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
            throw new IllegalArgumentException("status_code: '" + whole + "' is not a code or range within 100-599");
        }

        public String path() {
            return path;
        }

        /** Whether {@code status} is an accepted code. */
        public boolean accepts(int status) {
            return status >= 0 && statusCodes.get(status);
        }

        /** The expected MD5 in lower-case hex, or {@code null}. */
        public String digest() {
            return digest;
        }

        byte[] digestBytes() {
            return HexFormat.of().parseHex(digest);
        }

        public String virtualhost() {
            return virtualhost;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Url u && path.equals(u.path) && statusCodes.equals(u.statusCodes)
                    && Objects.equals(digest, u.digest) && Objects.equals(virtualhost, u.virtualhost);
        }

        @Override
        public int hashCode() {
            return Objects.hash(path, statusCodes, digest, virtualhost);
        }

        @Override
        public String toString() {
            return path + " status " + statusCodes + (digest == null ? "" : " digest " + digest)
                    + (virtualhost == null ? "" : " virtualhost " + virtualhost);
        }
    }

    /** Builds an {@link HttpGetCheck}; at least one url is needed. */
    public static final class Builder {
        private final boolean tls;
        private final List<Url> urls = new ArrayList<>();
        private String virtualhost;
        private HttpProtocol protocol = HttpProtocol.HTTP_1_0;
        private SSLContext sslContext;

        private Builder(boolean tls) {
            this.tls = tls;
        }

        public Builder url(Url url) {
            if (url == null) {
                throw new IllegalArgumentException("url: must not be null");
            }
            urls.add(url);
            return this;
        }

        /** A url with the default status codes (200-299) and no digest. */
        public Builder url(String path) {
            return url(Url.of(path, List.of(), null, null));
        }

        /** The Host header of every url that names none. */
        public Builder virtualhost(String host) {
            if (host != null && (host.isBlank() || host.chars().anyMatch(c -> c <= ' '))) {
                throw new IllegalArgumentException("virtualhost: '" + host + "' is not a host name");
            }
            this.virtualhost = host;
            return this;
        }

        public Builder protocol(HttpProtocol protocol) {
            if (protocol == null) {
                throw new IllegalArgumentException("http_protocol: must not be null");
            }
            this.protocol = protocol;
            return this;
        }

        /** SSL_GET only: the context whose trust managers verify the server; default: trust any certificate. */
        public Builder sslContext(SSLContext context) {
            if (!tls) {
                throw new IllegalArgumentException("sslContext: HTTP_GET does not use TLS");
            }
            this.sslContext = context;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code url} when none was given (keepalived: "has no urls specified") */
        public HttpGetCheck build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("url: " + (tls ? "SSL_GET" : "HTTP_GET") + " needs at least one url");
            }
            return new HttpGetCheck(this);
        }
    }

    /** keepalived's SSL_GET without an SSL block: any certificate, any name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        static final SSLContext CONTEXT = context();

        private static SSLContext context() {
            try {
                SSLContext c = SSLContext.getInstance("TLS");
                c.init(null, new TrustManager[] {new TrustAll()}, null);
                return c;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS in this JDK", e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
