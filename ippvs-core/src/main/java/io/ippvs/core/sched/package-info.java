/** One class per IPVS scheduler and the registry that resolves ipvsadm names. */
package io.ippvs.core.sched;
