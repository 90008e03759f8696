package io.ippvs.core.sched;

import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.SchedulerFlag;
import java.util.EnumSet;

class SourceHashingContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "sh";
    }

    @Override
    SchedulerConfig config() {
        return SchedulerConfig.builder().flags(EnumSet.of(SchedulerFlag.FLAG_1, SchedulerFlag.FLAG_2)).build();
    }

    @Override
    boolean findsAnyUsable() {
        return false; // sh-fallback probes every bucket, but a heavy server may own them all
    }
}
