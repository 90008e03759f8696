package io.ippvs.core.admin;

/**
 * The listing switches of {@code ipvsadm -L} and {@code -S}. When several formats are asked for,
 * ipvsadm shows the first of stats, rate, thresholds, persistent-conn, tun-info; so does
 * {@link Listing}. {@code full} is our own {@code -S --ippvs-full}.
 */
record ListOptions(boolean numeric, boolean connections, boolean stats, boolean rate, boolean thresholds,
        boolean persistentConn, boolean tunInfo, boolean exact, boolean noSort, boolean timeout, boolean daemon,
        boolean full) {}
