package io.ippvs.core.director;

/**
 * When a defence against table exhaustion is on: IPVS's {@code drop_entry} and {@code secure_tcp}
 * sysctls, whose values 0 / 1-2 / 3 are never / when memory is short / always. Here "short" means the
 * connection table is fuller than the director's defence threshold.
 */
public enum Defence {
    /** Never (sysctl value 0). */
    OFF,
    /** Only while the table is fuller than the threshold (sysctl values 1 and 2). */
    AUTO,
    /** Always (sysctl value 3). */
    ALWAYS;

    /** Whether the defence is in force at the given table fill. */
    boolean active(boolean tableShort) {
        return this == ALWAYS || (this == AUTO && tableShort);
    }
}
