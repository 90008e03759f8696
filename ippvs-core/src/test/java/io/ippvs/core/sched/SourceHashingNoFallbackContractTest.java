package io.ippvs.core.sched;

class SourceHashingNoFallbackContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "sh";
    }

    @Override
    boolean findsAnyUsable() {
        return false;
    }
}
