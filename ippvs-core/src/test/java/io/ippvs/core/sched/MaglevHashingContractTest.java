package io.ippvs.core.sched;

import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.SchedulerFlag;
import java.util.EnumSet;

class MaglevHashingContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "mh";
    }

    @Override
    SchedulerConfig config() {
        return SchedulerConfig.builder().flags(EnumSet.of(SchedulerFlag.FLAG_1, SchedulerFlag.FLAG_2)).mhTableSize(251).build();
    }

    @Override
    boolean findsAnyUsable() {
        return false; // mh-fallback rehashes M times but need not visit every slot
    }
}
