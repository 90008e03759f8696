/**
 * The {@link io.ippvs.core.director.Director}: the one place where parse, lookup, schedule, state,
 * rewrite and accounting meet. Packet threads call {@code process} (or keep a
 * {@link io.ippvs.core.director.Worker} each); configuration is replaced atomically as a whole
 * {@link io.ippvs.api.Configuration}; {@code sweep()} drives expiry, defences and rates.
 */
package io.ippvs.core.director;
