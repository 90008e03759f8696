/** Protocol state machines (TCP with the IPVS transition tables, UDP, SCTP) and their timeouts. */
package io.ippvs.core.proto;
