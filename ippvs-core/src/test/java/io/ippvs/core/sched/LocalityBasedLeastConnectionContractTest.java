package io.ippvs.core.sched;

class LocalityBasedLeastConnectionContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "lblc";
    }

    @Override
    boolean keepsOverloadedCachedServer() {
        return true;
    }
}
