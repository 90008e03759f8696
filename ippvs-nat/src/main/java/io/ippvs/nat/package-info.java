/** NAT forwarding: destination rewritten to the real server on the way in, source restored on the way out. */
package io.ippvs.nat;
