package io.geokv.system.history;

import io.geokv.history.Fault;
import io.geokv.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Collects a history's operations and faults from every client and the fault injector. */
final class Recorder {

    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();

    long nextId() {
        return nextId.getAndIncrement();
    }

    void operation(Operation operation) {
        operations.add(operation);
    }

    void fault(Fault fault) {
        faults.add(fault);
    }

    List<Operation> operations() {
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingLong(Operation::id));
        return sorted;
    }

    List<Fault> faults() {
        List<Fault> sorted = new ArrayList<>(faults);
        sorted.sort(Comparator.comparingLong(Fault::startedAtNanos));
        return sorted;
    }
}
