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

    @Override
    boolean withoutFallback() {
        return true;
    }
}
