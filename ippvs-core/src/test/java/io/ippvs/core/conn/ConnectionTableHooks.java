package io.ippvs.core.conn;

/**
 * What the table's tests need beyond its public API, in one clearly named place: a table over a
 * minimal index (the only way to make bucket overflow chains common in tiny tables; production
 * sizes the index by {@link KeyIndex#bucketsFor}, a load of at most one half), through the
 * package-private constructor that assembles a table from its parts. Counting templates is public
 * behaviour ({@link ConnectionTable#forEach} and {@link ConnectionTable#isTemplate}).
 */
final class ConnectionTableHooks {

    private ConnectionTableHooks() {}

    /** A table whose index has {@code buckets} buckets (a power of two holding two keys per entry). */
    static ConnectionTable withIndexBuckets(int maxConnections, long seed, RemovalListener listener, int buckets) {
        return new ConnectionTable(maxConnections, seed, listener, new KeyIndex(buckets, maxConnections));
    }

    /** Live templates, detached ones included, counted by visiting the table. */
    static int templates(ConnectionTable table) {
        int[] n = new int[1];
        table.forEach((t, h) -> {
            if (t.isTemplate(h)) {
                n[0]++;
            }
            return true;
        });
        return n[0];
    }
}
