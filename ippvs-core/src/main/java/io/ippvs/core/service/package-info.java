/**
 * The running state of services and real servers (connection counts, OVERLOAD, counters) and the
 * allocation-free service lookup table (fwmark, then protocol/address/port, then port zero).
 */
package io.ippvs.core.service;
