/** Counters and the IPVS rate estimator. */
package io.ippvs.core.stats;
