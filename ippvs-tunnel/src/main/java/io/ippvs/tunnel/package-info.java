/**
 * Tunnel and direct-route forwarding, and the real-server end of a tunnel.
 *
 * <ul>
 *   <li>{@link io.ippvs.tunnel.TunnelRewriter}: VS/TUN, IP-in-IP (4in4, 6in4, 4in6, 6in6), GUE and
 *       GRE encapsulation towards the real server, with the tunnel MTU and its ICMP errors;
 *   <li>{@link io.ippvs.tunnel.DirectRouteRewriter}: VS/DR, the packet unchanged but for its TTL;
 *   <li>{@link io.ippvs.tunnel.TunnelIcmpRelay}: ICMP errors about tunnel packets relayed to the
 *       client, registered with the director as its {@code IcmpErrorHandler};
 *   <li>{@link io.ippvs.tunnel.Decapsulator}: checks and strips tunnel packets on the real server,
 *       with a {@link io.ippvs.tunnel.DecapStatus} for every refusal.
 * </ul>
 *
 * <pre>{@code
 * TunnelRewriter tunnel = TunnelRewriter.builder().sourceAddress(InetAddress.getByName("10.0.0.2")).build();
 * Director director = Director.builder()
 *         .rewriter(tunnel).rewriter(DirectRouteRewriter.builder().build())
 *         .icmpErrorHandler(tunnel.icmpRelay())
 *         .build();
 * }</pre>
 */
package io.ippvs.tunnel;
