/**
 * ipvsadm inside the JVM: {@link io.ippvs.core.admin.Ipvsadm} parses ipvsadm 1.31 command lines, applies
 * configuration commands to an immutable {@link io.ippvs.api.Configuration} copy that the director
 * installs at once, and prints ipvsadm's listings byte for byte; {@link io.ippvs.core.admin.RulesFile}
 * reads {@code ipvsadm -S} files whole or not at all; {@link io.ippvs.core.admin.PrometheusText} exposes
 * the counters under node_exporter's IPVS metric names.
 */
package io.ippvs.core.admin;
