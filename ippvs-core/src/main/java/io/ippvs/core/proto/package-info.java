/**
 * Protocol state machines (TCP with the IPVS transition tables, UDP, SCTP) and their timeouts.
 *
 * <p>State codes are small ints stored in the connection table: {@link io.ippvs.core.proto.TcpState}
 * 0..10 in the kernel's order, {@link io.ippvs.core.proto.UdpState} 0,
 * {@link io.ippvs.core.proto.SctpState} 0..13 (the kernel's order too). {@link io.ippvs.core.proto.TcpStateMachine} and
 * {@link io.ippvs.core.proto.SctpStateMachine} map (state, {@link io.ippvs.core.proto.Direction},
 * packet) to the next state without allocating; {@link io.ippvs.core.proto.ProtocolTimeouts} gives
 * each state's timeout.
 */
package io.ippvs.core.proto;
