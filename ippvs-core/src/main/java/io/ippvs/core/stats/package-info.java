/** Exact striped 64-bit counters and the IPVS rate estimator (2 s samples, averaged, per second). */
package io.ippvs.core.stats;
