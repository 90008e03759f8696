/** Tunnel and direct-route forwarding, and the real-server end of a tunnel. */
package io.ippvs.tunnel;
