package io.ippvs.core.sched;

class WeightedRoundRobinContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "wrr";
    }
}
