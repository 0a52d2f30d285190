package dev.fmplex.engine.scheduler;

import dev.fmplex.engine.scheduler.AdmissionException.Reason;
import dev.fmplex.engine.scheduler.SchedulerStats.VfmQueueStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Batch-aware weighted fair queueing for one backbone.
 *
 * <p>Every vFM has its own FIFO queue. The request at the head of a queue gets a start tag {@code S
 * = max(V, F_prev)} and a finish tag {@code F = S + cost / weight} in virtual time, where {@code
 * cost} is the {@link CostModel}'s estimate in milliseconds and {@code V} is the largest start tag
 * dispatched so far: a vFM that was idle re-enters at {@code V} and so earns no credit for its
 * idleness. Tags are given at the head, not on admission, so that a deep backlog queued while the
 * cost model was still uncalibrated, or before a weight change, is not scheduled by stale
 * estimates. A batch is formed by repeatedly taking, among the queue heads that still fit the
 * budget of rows and padded tokens (padded to the batch's longest row, so one long row cannot blow
 * it up), the one with the smallest start tag: requests of one vFM batch together and vFMs share
 * batches. After the batch runs, each request is charged the measured time in proportion to its own
 * tokens, and its vFM's finish tag is corrected by the difference between that charge and the
 * estimate, so shares of measured time follow the weights even though padding makes a request's
 * real cost depend on the batch it lands in.
 *
 * <p>The scheduler's own threads run the loop (schedule, execute, complete), so queues and virtual
 * time change only under the lock and the executor never runs on a caller's thread. One thread (one
 * executor lane) by default; with {@code optExecutorLanes(n)} n lanes each form and run batches, so
 * n batches can be in flight at once, for CPUs where n batches on fewer intra-op threads each beat
 * one batch on all of them. {@link #step()} runs one iteration on the calling thread, which makes
 * deterministic tests possible.
 */
public final class FairScheduler<P, R> implements AutoCloseable {

    /** Runs a batch; returns one outcome per item, in order. */
    @FunctionalInterface
    public interface Runner<P, R> {
        List<Outcome<R>> run(List<Work<P>> batch);
    }

    /** Hooks for metrics; every method is called outside the scheduler's lock. */
    public interface Listener {
        default void batchCompleted(int rows, int tasks, long paddedTokens, double ms) {}

        default void requestCompleted(
                String vfmId, double queueMs, double computeMs, double chargedMs) {}

        default void requestRejected(String vfmId, Reason reason) {}
    }

    private static final class Entry<P, R> {
        final Work<P> work;
        final CompletableFuture<Completed<R>> future = new CompletableFuture<>();
        final long admittedNanos;
        final long deadlineNanos;
        final long sequence;

        /** Given when the entry reaches the head of its queue; until then not tagged. */
        boolean tagged;

        double startTag;
        double estimateMs;

        Entry(Work<P> work, long admittedNanos, long deadlineNanos, long sequence) {
            this.work = work;
            this.admittedNanos = admittedNanos;
            this.deadlineNanos = deadlineNanos;
            this.sequence = sequence;
        }
    }

    private static final class Flow<P, R> {
        final ArrayDeque<Entry<P, R>> queue = new ArrayDeque<>();
        double weight;
        double lastFinish;
        boolean paused;
        int queuedRows;

        /** Requests taken into a batch that has not completed yet. */
        int inFlight;

        /** Nothing queued and nothing in flight since the last request finished or left. */
        boolean idle = true;

        long completed;
        double completedCostMs;
        long rejected;
        long expired;
    }

    private static final org.slf4j.Logger log =
            org.slf4j.LoggerFactory.getLogger(FairScheduler.class);

    private final Runner<P, R> runner;
    private final SchedulingPolicy policy;
    private final int maxBatchRows;
    private final long maxBatchTokens;
    private final long maxWaitNanos;
    private final int queueCapacity;
    private final CostModel costModel;
    private final LongSupplier clock;
    private final Listener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Map<String, Flow<P, R>> flows = new LinkedHashMap<>();
    private double virtualTime;
    private long nextSequence;
    private long pendingRows;
    private long pendingTokens;
    private boolean closed;
    private final List<Thread> lanes = new ArrayList<>();
    private final int laneCount;
    private final Runnable onLaneStart;
    private final long startedNanos;
    private long busyNanos;
    private long batches;
    private long rowsRun;

    private FairScheduler(Builder<P, R> builder) {
        this.runner = builder.runner;
        this.policy = builder.policy;
        this.maxBatchRows = builder.maxBatchRows;
        this.maxBatchTokens = builder.maxBatchTokens;
        this.maxWaitNanos = builder.maxWaitNanos;
        this.queueCapacity = builder.queueCapacity;
        this.costModel = builder.costModel;
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.laneCount = builder.lanes;
        this.onLaneStart = builder.onLaneStart;
        this.startedNanos = clock.getAsLong();
    }

    public static <P, R> Builder<P, R> builder() {
        return new Builder<>();
    }

    /**
     * Admits a request.
     *
     * @param weight the vFM's current fair-share weight (> 0)
     * @param deadlineNanos on this scheduler's clock; a request not started by then fails with
     *     {@link Reason#DEADLINE_EXCEEDED}
     * @return completes when its batch ran; cancelling it removes the request from the queue
     * @throws AdmissionException when the queue is full, the vFM paused or the scheduler closed
     */
    public CompletableFuture<Completed<R>> submit(Work<P> work, double weight, long deadlineNanos) {
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weight must be > 0, is " + weight);
        }
        AdmissionException refusal;
        lock.lock();
        try {
            Flow<P, R> flow = flows.computeIfAbsent(work.vfmId(), id -> new Flow<>());
            flow.weight = weight;
            refusal = refusal(work.vfmId(), flow);
            if (refusal == null) {
                long now = clock.getAsLong();
                Entry<P, R> entry = new Entry<>(work, now, deadlineNanos, nextSequence++);
                flow.queue.addLast(entry);
                flow.queuedRows += work.rows();
                pendingRows += work.rows();
                pendingTokens += (long) work.rows() * work.length();
                workArrived.signalAll();
                // A cancelled request (client gone, deadline passed) leaves its queue at once,
                // so it neither holds a slot under the cap nor keeps its vFM's tags ahead.
                entry.future.whenComplete(
                        (result, error) -> {
                            if (entry.future.isCancelled()) {
                                removeCancelled(flow, entry);
                            }
                        });
                return entry.future;
            }
            flow.rejected++;
        } finally {
            lock.unlock();
        }
        listener.requestRejected(work.vfmId(), refusal.reason());
        throw refusal;
    }

    private AdmissionException refusal(String vfmId, Flow<P, R> flow) {
        if (closed) {
            return new AdmissionException(
                    Reason.SHUTTING_DOWN, "the worker is shutting down", 1000);
        }
        if (flow.paused) {
            return new AdmissionException(Reason.PAUSED, "vFM " + vfmId + " is paused", 0);
        }
        if (flow.queue.size() >= queueCapacity) {
            double queuedMs = 0;
            for (Entry<P, R> entry : flow.queue) {
                queuedMs += costModel.requestCostMs(entry.work.rows(), entry.work.length());
            }
            return new AdmissionException(
                    Reason.QUEUE_FULL,
                    "vFM "
                            + vfmId
                            + " has "
                            + flow.queue.size()
                            + " requests queued; the limit is "
                            + queueCapacity,
                    Math.max(1000, Math.round(queuedMs)));
        }
        return null;
    }

    /** Refuses new requests for {@code vfmId}; queued ones still run. */
    public void pause(String vfmId) {
        setPaused(vfmId, true);
    }

    public void resume(String vfmId) {
        setPaused(vfmId, false);
    }

    private void setPaused(String vfmId, boolean paused) {
        lock.lock();
        try {
            flows.computeIfAbsent(vfmId, id -> new Flow<>()).paused = paused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forms one batch and runs it on the calling thread.
     *
     * @return whether there was anything to run
     */
    public boolean step() {
        List<Entry<P, R>> batch;
        lock.lock();
        try {
            batch = formBatch();
        } finally {
            lock.unlock();
        }
        if (batch.isEmpty()) {
            return false;
        }
        // Requests cancelled between dispatch and now are not worth a forward pass.
        batch.removeIf(entry -> entry.future.isDone());
        if (!batch.isEmpty()) {
            run(batch);
        }
        return true;
    }

    /** Starts the scheduler's own thread, or one per executor lane ({@code name-0}, ...). */
    public void start(String threadName) {
        lock.lock();
        try {
            if (!lanes.isEmpty()) {
                throw new IllegalStateException("already started");
            }
            for (int i = 0; i < laneCount; i++) {
                Thread lane =
                        new Thread(
                                () -> {
                                    onLaneStart.run();
                                    loop();
                                },
                                laneCount == 1 ? threadName : threadName + "-" + i);
                lane.setDaemon(true);
                lanes.add(lane);
                lane.start();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                while (!closed && pendingRows == 0) {
                    workArrived.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                if (maxWaitNanos > 0 && !fullBatchWaiting()) {
                    // Light load: give the batch a moment to grow, but never past maxWait.
                    long deadline = clock.getAsLong() + maxWaitNanos;
                    long remaining;
                    while (!closed
                            && !fullBatchWaiting()
                            && (remaining = deadline - clock.getAsLong()) > 0) {
                        workArrived.awaitNanos(remaining);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lock.unlock();
                close();
                return;
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            try {
                step();
            } catch (Throwable e) {
                // The loop is the backbone's only executor: it must survive anything a batch
                // throws, or every later request would wait for its deadline.
                log.error("scheduler step failed; continuing", e);
            }
        }
    }

    private boolean fullBatchWaiting() {
        return pendingRows >= maxBatchRows || pendingTokens >= maxBatchTokens;
    }

    private List<Entry<P, R>> formBatch() {
        List<Entry<P, R>> batch = new ArrayList<>();
        int rows = 0;
        int length = 0;
        Flow<P, R> only = null;
        while (true) {
            Entry<P, R> best = null;
            Flow<P, R> bestFlow = null;
            for (Flow<P, R> flow : flows.values()) {
                if (only != null && flow != only) {
                    continue;
                }
                Entry<P, R> head = liveHead(flow);
                if (head == null) {
                    continue;
                }
                boolean better =
                        policy == SchedulingPolicy.FIFO
                                ? best == null || head.sequence < best.sequence
                                : fits(batch, rows, length, head)
                                        && (best == null
                                                || head.startTag < best.startTag
                                                || (head.startTag == best.startTag
                                                        && head.sequence < best.sequence));
                if (better) {
                    best = head;
                    bestFlow = flow;
                }
            }
            // FIFO keeps strict arrival order: when the oldest request does not fit, stop.
            if (best == null || !fits(batch, rows, length, best)) {
                break;
            }
            bestFlow.queue.pollFirst();
            bestFlow.inFlight++;
            bestFlow.queuedRows -= best.work.rows();
            pendingRows -= best.work.rows();
            pendingTokens -= (long) best.work.rows() * best.work.length();
            batch.add(best);
            rows += best.work.rows();
            length = Math.max(length, best.work.length());
            virtualTime = Math.max(virtualTime, best.startTag);
            if (policy == SchedulingPolicy.PER_TASK) {
                only = bestFlow;
            }
        }
        return batch;
    }

    /** Padding-aware: the batch pads to its longest row, so a long row counts for every row. */
    private boolean fits(List<Entry<P, R>> batch, int rows, int length, Entry<P, R> candidate) {
        if (batch.isEmpty()) {
            return true;
        }
        int newRows = rows + candidate.work.rows();
        long paddedTokens = (long) Math.max(length, candidate.work.length()) * newRows;
        return newRows <= maxBatchRows && paddedTokens <= maxBatchTokens;
    }

    /** The queue's first request still wanted: cancelled ones leave, expired ones fail. */
    private Entry<P, R> liveHead(Flow<P, R> flow) {
        long now = clock.getAsLong();
        while (!flow.queue.isEmpty()) {
            Entry<P, R> head = flow.queue.peekFirst();
            if (head.future.isDone()) {
                drop(flow, head);
            } else if (now - head.deadlineNanos > 0) {
                drop(flow, head);
                flow.expired++;
                head.future.completeExceptionally(
                        new AdmissionException(
                                Reason.DEADLINE_EXCEEDED,
                                "request of vFM "
                                        + head.work.vfmId()
                                        + " waited "
                                        + TimeUnit.NANOSECONDS.toMillis(now - head.admittedNanos)
                                        + " ms and passed its deadline before it could run",
                                0));
            } else {
                if (!head.tagged) {
                    tag(flow, head);
                }
                return head;
            }
        }
        return null;
    }

    /**
     * Start-time fair queueing tags, from the current virtual time and cost estimate.
     *
     * <p>Only a vFM returning from idle (nothing queued and nothing in flight when this request
     * came) starts at the virtual time: it earns no credit for its absence. A vFM that stayed busy
     * continues from its own finish tag even where that lies behind the virtual time: the charge
     * corrections of its finished requests (measured time less estimate) move it both ways, and
     * clipping the negative ones at every tag would drop exactly the credit a heavy vFM, whose tags
     * sit close to the virtual time, is owed; with noisy batch times that cost the weight-4 vFM of
     * a 1:2:4 mix up to a third of its share.
     */
    private void tag(Flow<P, R> flow, Entry<P, R> head) {
        head.startTag = flow.idle ? Math.max(virtualTime, flow.lastFinish) : flow.lastFinish;
        flow.idle = false;
        head.estimateMs = costModel.requestCostMs(head.work.rows(), head.work.length());
        head.tagged = true;
        flow.lastFinish = head.startTag + head.estimateMs / flow.weight;
    }

    private void drop(Flow<P, R> flow, Entry<P, R> entry) {
        flow.queue.pollFirst();
        forget(flow, entry);
    }

    private void removeCancelled(Flow<P, R> flow, Entry<P, R> entry) {
        lock.lock();
        try {
            if (flow.queue.remove(entry)) {
                forget(flow, entry);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Unaccounts a request that leaves without running and refunds its virtual time. */
    private void forget(Flow<P, R> flow, Entry<P, R> entry) {
        flow.queuedRows -= entry.work.rows();
        pendingRows -= entry.work.rows();
        pendingTokens -= (long) entry.work.rows() * entry.work.length();
        if (entry.tagged) {
            flow.lastFinish =
                    Math.max(virtualTime, flow.lastFinish - entry.estimateMs / flow.weight);
        }
        flow.idle = flow.inFlight == 0 && flow.queue.isEmpty();
    }

    private void run(List<Entry<P, R>> batch) {
        List<Work<P>> work = new ArrayList<>(batch.size());
        Set<String> tasks = new HashSet<>();
        int rows = 0;
        int length = 0;
        for (Entry<P, R> entry : batch) {
            work.add(entry.work);
            tasks.add(entry.work.vfmId());
            rows += entry.work.rows();
            length = Math.max(length, entry.work.length());
        }
        long started = clock.getAsLong();
        List<Outcome<R>> outcomes;
        RuntimeException batchFailure = null;
        try {
            outcomes = runner.run(work);
            if (outcomes.size() != batch.size()) {
                throw new IllegalStateException(
                        "runner returned "
                                + outcomes.size()
                                + " outcomes for "
                                + batch.size()
                                + " requests");
            }
        } catch (RuntimeException e) {
            outcomes = null;
            batchFailure = e;
        } catch (Error e) {
            outcomes = null;
            batchFailure = new IllegalStateException("batch failed: " + e, e);
        }
        long finished = clock.getAsLong();
        double computeMs = (finished - started) / 1e6;
        long paddedTokens = (long) rows * length;
        if (batchFailure == null) {
            costModel.observe(paddedTokens, computeMs);
        }
        // Each request pays for its own tokens; padding is shared in the same proportion, which
        // keeps charges consistent with the estimates its tags were computed from.
        double ownTokensTotal = 0;
        for (Entry<P, R> entry : batch) {
            ownTokensTotal += ownTokens(entry);
        }

        double[] charged = new double[batch.size()];
        lock.lock();
        try {
            busyNanos += finished - started;
            batches++;
            rowsRun += rows;
            for (int i = 0; i < batch.size(); i++) {
                Entry<P, R> entry = batch.get(i);
                charged[i] = computeMs * ownTokens(entry) / ownTokensTotal;
                Flow<P, R> flow = flows.get(entry.work.vfmId());
                flow.inFlight--;
                flow.completed++;
                flow.completedCostMs += charged[i];
                // Tags were computed from an estimate; the batch's padding and the machine decide
                // the real charge. Moving the vFM's finish tag by the difference makes the shares
                // of real, measured time follow the weights.
                flow.lastFinish += (charged[i] - entry.estimateMs) / flow.weight;
                flow.idle = flow.inFlight == 0 && flow.queue.isEmpty();
            }
        } finally {
            lock.unlock();
        }
        int batchRows = rows;
        notify(() -> listener.batchCompleted(batchRows, tasks.size(), paddedTokens, computeMs));
        for (int i = 0; i < batch.size(); i++) {
            Entry<P, R> entry = batch.get(i);
            double queueMs = (started - entry.admittedNanos) / 1e6;
            double charge = charged[i];
            notify(() -> listener.requestCompleted(entry.work.vfmId(), queueMs, computeMs, charge));
            if (batchFailure != null) {
                entry.future.completeExceptionally(batchFailure);
            } else if (outcomes.get(i) instanceof Outcome.Failed<R> failed) {
                entry.future.completeExceptionally(failed.error());
            } else {
                R result = ((Outcome.Done<R>) outcomes.get(i)).result();
                entry.future.complete(
                        new Completed<>(result, queueMs, computeMs, rows, tasks.size()));
            }
        }
    }

    /** Metrics must never break scheduling. */
    private static void notify(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            log.warn("scheduler listener failed", e);
        }
    }

    private static double ownTokens(Entry<?, ?> entry) {
        return (double) entry.work.rows() * entry.work.length();
    }

    /** Requests of {@code vfmId} waiting now (0 for an unknown vFM); cheap, for metrics. */
    public int queuedRequests(String vfmId) {
        lock.lock();
        try {
            Flow<P, R> flow = flows.get(vfmId);
            return flow == null ? 0 : flow.queue.size();
        } finally {
            lock.unlock();
        }
    }

    public SchedulerStats stats() {
        lock.lock();
        try {
            Map<String, VfmQueueStats> vfms = new LinkedHashMap<>();
            flows.forEach(
                    (id, flow) ->
                            vfms.put(
                                    id,
                                    new VfmQueueStats(
                                            flow.weight,
                                            flow.paused,
                                            flow.queue.size(),
                                            flow.queuedRows,
                                            flow.completed,
                                            flow.completedCostMs,
                                            flow.rejected,
                                            flow.expired)));
            long elapsed = Math.max(1, clock.getAsLong() - startedNanos);
            return new SchedulerStats(
                    policy, batches, rowsRun, busyNanos / ((double) elapsed * laneCount), vfms);
        } finally {
            lock.unlock();
        }
    }

    public CostModel costModel() {
        return costModel;
    }

    /** Stops the loop; queued requests fail with {@link Reason#SHUTTING_DOWN}. */
    @Override
    public void close() {
        List<Entry<P, R>> abandoned = new ArrayList<>();
        List<Thread> threads;
        lock.lock();
        try {
            closed = true;
            for (Flow<P, R> flow : flows.values()) {
                abandoned.addAll(flow.queue);
                flow.queue.clear();
                flow.queuedRows = 0;
            }
            pendingRows = 0;
            pendingTokens = 0;
            workArrived.signalAll();
            threads = List.copyOf(lanes);
        } finally {
            lock.unlock();
        }
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Entry<P, R> entry : abandoned) {
            entry.future.completeExceptionally(
                    new AdmissionException(
                            Reason.SHUTTING_DOWN, "the worker is shutting down", 1000));
        }
    }

    /** Builds a scheduler; every option has a production default. */
    public static final class Builder<P, R> {
        private Runner<P, R> runner;
        private SchedulingPolicy policy = SchedulingPolicy.FAIR;
        private int maxBatchRows = 32;
        private long maxBatchTokens = 2048;
        private long maxWaitNanos;
        private int queueCapacity = 256;
        private CostModel costModel = new CostModel(2.0, 0.1);
        private LongSupplier clock = System::nanoTime;
        private Listener listener = new Listener() {};
        private int lanes = 1;
        private Runnable onLaneStart = () -> {};

        public Builder<P, R> setRunner(Runner<P, R> runner) {
            this.runner = runner;
            return this;
        }

        public Builder<P, R> optPolicy(SchedulingPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder<P, R> optMaxBatchRows(int rows) {
            this.maxBatchRows = rows;
            return this;
        }

        public Builder<P, R> optMaxBatchTokens(long tokens) {
            this.maxBatchTokens = tokens;
            return this;
        }

        public Builder<P, R> optMaxWait(long amount, TimeUnit unit) {
            this.maxWaitNanos = unit.toNanos(amount);
            return this;
        }

        public Builder<P, R> optQueueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        public Builder<P, R> optCostModel(CostModel costModel) {
            this.costModel = costModel;
            return this;
        }

        /** The clock for deadlines and measured batch times (tests pass a fake one). */
        public Builder<P, R> optClock(LongSupplier nanoClock) {
            this.clock = nanoClock;
            return this;
        }

        public Builder<P, R> optListener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Executor lanes: threads that each form and run batches, so that {@code lanes} batches can
         * be in flight at once; {@code onLaneStart} runs first on each lane's thread (to set its
         * engine's intra-op threads, for example). Default: one lane.
         */
        public Builder<P, R> optExecutorLanes(int lanes, Runnable onLaneStart) {
            if (lanes < 1) {
                throw new IllegalArgumentException("executor lanes must be >= 1, is " + lanes);
            }
            this.lanes = lanes;
            this.onLaneStart = onLaneStart;
            return this;
        }

        public FairScheduler<P, R> build() {
            if (runner == null) {
                throw new IllegalStateException("a runner is required (setRunner)");
            }
            if (maxBatchRows < 1 || maxBatchTokens < 1 || queueCapacity < 1 || maxWaitNanos < 0) {
                throw new IllegalArgumentException(
                        "maxBatchRows, maxBatchTokens and queueCapacity must be >= 1, maxWait >= 0");
            }
            return new FairScheduler<>(this);
        }
    }
}
