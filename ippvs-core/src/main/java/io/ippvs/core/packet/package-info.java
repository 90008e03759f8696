/** The packet parser and the reusable flow description it fills, with the precise reasons a packet is unusable. */
package io.ippvs.core.packet;
