package dev.fmplex.engine.scheduler;

import dev.fmplex.engine.scheduler.AdmissionException.Reason;
import dev.fmplex.engine.scheduler.SchedulerStats.VfmQueueStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Batch-aware weighted fair queueing for one backbone: the threads and lifecycle around the {@link
 * FairQueue} core.
 *
 * <p>The core keeps the queues, tags and virtual time and forms batches in its {@link
 * QueuePolicy}'s order; this class admits requests ({@link Admission}), runs the executor lanes
 * that form, execute and complete batches, completes each request's future, and keeps the counters
 * ({@link SchedulerLedger}). Queues change only under one lock and the executor never runs on a
 * caller's thread. One lane by default; with {@code optExecutorLanes(n)} n lanes each form and run
 * batches, so n batches can be in flight at once, for CPUs where n batches on fewer intra-op
 * threads each beat one batch on all of them. {@link #step()} runs one iteration on the calling
 * thread, which makes deterministic tests possible.
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

    /** What the scheduler keeps with each request in the core. */
    private static final class Entry<P, R> {
        final Work<P> work;
        final CompletableFuture<Completed<R>> future = new CompletableFuture<>();
        final long admittedNanos;
        final long deadlineNanos;

        /** Background work run instead of the runner, in a batch of its own; null for a request. */
        final Runnable background;

        FairQueue.Request<Entry<P, R>> request;

        Entry(Work<P> work, long admittedNanos, long deadlineNanos, Runnable background) {
            this.work = work;
            this.admittedNanos = admittedNanos;
            this.deadlineNanos = deadlineNanos;
            this.background = background;
        }
    }

    private static final org.slf4j.Logger log =
            org.slf4j.LoggerFactory.getLogger(FairScheduler.class);

    private final Runner<P, R> runner;
    private final long maxBatchRows;
    private final long maxBatchTokens;
    private final long maxWaitNanos;
    private final LongSupplier clock;
    private final Listener listener;
    private final int laneCount;
    private final Runnable onLaneStart;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final FairQueue<Entry<P, R>> queue;
    private final Admission admission;
    private final SchedulerLedger ledger;
    private final List<Thread> lanes = new ArrayList<>();

    private FairScheduler(Builder<P, R> builder) {
        this.runner = builder.runner;
        this.maxBatchRows = builder.maxBatchRows;
        this.maxBatchTokens = builder.maxBatchTokens;
        this.maxWaitNanos = builder.maxWaitNanos;
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.laneCount = builder.lanes;
        this.onLaneStart = builder.onLaneStart;
        this.queue =
                new FairQueue<>(
                        builder.policy,
                        builder.maxBatchRows,
                        builder.maxBatchTokens,
                        builder.maxBatchMs,
                        builder.costModel);
        this.admission = new Admission(builder.queueCapacity);
        this.ledger = new SchedulerLedger(builder.shareWindowNanos, clock.getAsLong());
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
        return enqueue(work, weight, deadlineNanos, null);
    }

    /**
     * Queues background work, such as one step of a training job, as a flow of its own: it runs on
     * a lane in a batch of its own when its turn comes in the fair order, and is charged the time
     * it took like any batch, so at a small {@code weight} it takes the backbone's spare time and
     * at most its weight's share of a busy one, and serving vFMs keep theirs. Its flow is not
     * reported to the {@link Listener} (it is no vFM); {@link #forget} it when the work is done.
     *
     * @param rows,length its size, as a request's, for the cost estimate its tags start from
     * @return completes when {@code task} has run, exceptionally with what it threw
     * @throws AdmissionException when the flow's queue is full or the scheduler closed
     */
    public CompletableFuture<Completed<R>> submitBackground(
            String flowId, double weight, int rows, int length, Runnable task) {
        if (task == null) {
            throw new IllegalArgumentException("background work needs a task");
        }
        return enqueue(new Work<>(flowId, null, rows, length), weight, Long.MAX_VALUE, task);
    }

    private CompletableFuture<Completed<R>> enqueue(
            Work<P> work, double weight, long deadlineNanos, Runnable background) {
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weight must be > 0, is " + weight);
        }
        String vfmId = work.vfmId();
        AdmissionException refusal;
        lock.lock();
        try {
            refusal =
                    admission.refusal(
                            vfmId, queue.queuedRequests(vfmId), () -> queue.queuedCostMs(vfmId));
            if (refusal == null) {
                long now = clock.getAsLong();
                // A background task has no deadline: it waits for its turn however long.
                Entry<P, R> entry =
                        new Entry<>(
                                work,
                                now,
                                background == null ? deadlineNanos : now + Long.MAX_VALUE / 2,
                                background);
                entry.request =
                        queue.enqueue(
                                vfmId,
                                entry,
                                work.rows(),
                                work.length(),
                                weight,
                                background != null);
                workArrived.signalAll();
                // A cancelled request (client gone, deadline passed) leaves its queue at once,
                // so it neither holds a slot under the cap nor keeps its vFM's tags ahead.
                entry.future.whenComplete(
                        (result, error) -> {
                            if (entry.future.isCancelled()) {
                                removeCancelled(entry);
                            }
                        });
                return entry.future;
            }
            ledger.rejected(vfmId);
        } finally {
            lock.unlock();
        }
        if (background == null) {
            listener.requestRejected(vfmId, refusal.reason());
        }
        throw refusal;
    }

    /**
     * Holds a place in the vFM's queue while a request's inputs are prepared (tokenized, decoded),
     * or refuses now what {@link #submit} would refuse (a full queue, a paused vFM, shutting down),
     * counted as a rejection. Requests being prepared count against the queue's capacity, so a
     * flood far beyond capacity is turned away before it tokenizes rather than after: the CPU it
     * would have spent, and the place in the shared preparation pool ahead of other vFMs' requests,
     * stay with them.
     *
     * @return release it once the request is submitted or has failed (idempotent)
     * @throws AdmissionException as {@link #submit} would
     */
    public Reservation reserve(String vfmId) {
        AdmissionException refusal;
        lock.lock();
        try {
            refusal =
                    admission.refusal(
                            vfmId,
                            queue.queuedRequests(vfmId) + admission.reserved(vfmId),
                            () -> queue.queuedCostMs(vfmId));
            if (refusal == null) {
                admission.reserve(vfmId);
                return new Reservation(vfmId);
            }
            ledger.rejected(vfmId);
        } finally {
            lock.unlock();
        }
        listener.requestRejected(vfmId, refusal.reason());
        throw refusal;
    }

    /** A place held in a vFM's queue by {@link #reserve}. */
    public final class Reservation {
        private final String vfmId;
        private boolean released;

        private Reservation(String vfmId) {
            this.vfmId = vfmId;
        }

        public void release() {
            lock.lock();
            try {
                if (!released) {
                    released = true;
                    admission.unreserve(vfmId);
                }
            } finally {
                lock.unlock();
            }
        }
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
            admission.setPaused(vfmId, paused);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets a vFM that is no longer served (deleted, moved away): its counters, pause and, once
     * the requests it still has queued have run, its queue and tags, so a worker that serves many
     * vFMs over its life keeps state only for the current ones. Its time stays in the share window
     * until it slides out, since the backbone did spend it.
     */
    public void forget(String vfmId) {
        lock.lock();
        try {
            queue.forget(vfmId);
            ledger.forget(vfmId);
            admission.forget(vfmId);
        } finally {
            lock.unlock();
        }
    }

    private void removeCancelled(Entry<P, R> entry) {
        lock.lock();
        try {
            queue.remove(entry.request);
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
        List<FairQueue.Request<Entry<P, R>>> batch;
        List<FairQueue.Request<Entry<P, R>>> dropped = new ArrayList<>();
        long now;
        lock.lock();
        try {
            now = clock.getAsLong();
            batch =
                    queue.formBatch(
                            entry -> !entry.future.isDone() && now - entry.deadlineNanos <= 0,
                            dropped);
            for (FairQueue.Request<Entry<P, R>> gone : dropped) {
                if (!gone.item().future.isDone()) {
                    ledger.expired(gone.vfmId());
                }
            }
        } finally {
            lock.unlock();
        }
        for (FairQueue.Request<Entry<P, R>> gone : dropped) {
            expire(gone.item(), now);
        }
        if (batch.isEmpty()) {
            return false;
        }
        run(batch);
        return true;
    }

    private void expire(Entry<P, R> entry, long now) {
        entry.future.completeExceptionally(
                new AdmissionException(
                        Reason.DEADLINE_EXCEEDED,
                        "request of vFM "
                                + entry.work.vfmId()
                                + " waited "
                                + TimeUnit.NANOSECONDS.toMillis(now - entry.admittedNanos)
                                + " ms and passed its deadline before it could run",
                        0));
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
                while (!admission.closed() && queue.pendingRows() == 0) {
                    workArrived.awaitUninterruptibly();
                }
                if (admission.closed()) {
                    return;
                }
                if (maxWaitNanos > 0 && !fullBatchWaiting()) {
                    // Light load: give the batch a moment to grow, but never past maxWait.
                    long deadline = clock.getAsLong() + maxWaitNanos;
                    long remaining;
                    while (!admission.closed()
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
                // The lanes are the backbone's only executor: they must survive anything a batch
                // throws, or every later request would wait for its deadline.
                log.error("scheduler step failed; continuing", e);
            }
        }
    }

    private boolean fullBatchWaiting() {
        return queue.pendingRows() >= maxBatchRows || queue.pendingTokens() >= maxBatchTokens;
    }

    private void run(List<FairQueue.Request<Entry<P, R>>> batch) {
        List<Work<P>> work = new ArrayList<>(batch.size());
        Set<String> tasks = new HashSet<>();
        int rows = 0;
        int length = 0;
        for (FairQueue.Request<Entry<P, R>> request : batch) {
            work.add(request.item().work);
            tasks.add(request.vfmId());
            rows += request.rows();
            length = Math.max(length, request.length());
        }
        long started = clock.getAsLong();
        List<Outcome<R>> outcomes;
        RuntimeException batchFailure = null;
        Runnable background = batch.get(0).item().background;
        try {
            if (background != null) {
                // Background work forms a batch of its own (FairQueue enqueued it alone).
                background.run();
                outcomes = List.of(new Outcome.Done<>(null));
            } else {
                outcomes = runner.run(work);
            }
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
        double[] charged;
        lock.lock();
        try {
            charged = queue.complete(batch, computeMs, batchFailure == null);
            ledger.batchRan(rows, finished - started);
            for (int i = 0; i < batch.size(); i++) {
                String vfmId = batch.get(i).vfmId();
                if (queue.knows(vfmId)) {
                    ledger.completed(vfmId, charged[i], finished);
                } else {
                    ledger.completedForgotten(vfmId, charged[i], finished);
                }
            }
        } finally {
            lock.unlock();
        }
        int batchRows = rows;
        if (background == null) {
            notify(() -> listener.batchCompleted(batchRows, tasks.size(), paddedTokens, computeMs));
        }
        for (int i = 0; i < batch.size(); i++) {
            Entry<P, R> entry = batch.get(i).item();
            double queueMs = (started - entry.admittedNanos) / 1e6;
            double charge = charged[i];
            if (background == null) {
                notify(
                        () ->
                                listener.requestCompleted(
                                        entry.work.vfmId(), queueMs, computeMs, charge));
            }
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

    /** Requests of {@code vfmId} waiting now (0 for an unknown vFM); cheap, for metrics. */
    public int queuedRequests(String vfmId) {
        lock.lock();
        try {
            return queue.queuedRequests(vfmId);
        } finally {
            lock.unlock();
        }
    }

    public SchedulerStats stats() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            Set<String> known = new LinkedHashSet<>(queue.vfmIds());
            known.addAll(ledger.all().keySet());
            known.addAll(admission.pausedVfms());
            List<String> queuedNow =
                    known.stream().filter(id -> queue.queuedRequests(id) > 0).toList();
            ShareWindow.Shares shares = ledger.window().shares(now, queuedNow, queue::weight);
            Map<String, VfmQueueStats> vfms = new LinkedHashMap<>();
            for (String id : known) {
                SchedulerLedger.Counters counters = ledger.of(id);
                vfms.put(
                        id,
                        new VfmQueueStats(
                                queue.weight(id),
                                admission.paused(id),
                                queue.queuedRequests(id),
                                queue.queuedRows(id),
                                counters.completed,
                                counters.chargedMs,
                                counters.rejected,
                                counters.expired,
                                shares.achieved(id),
                                shares.entitled(id)));
            }
            return new SchedulerStats(
                    queue.policy().name(),
                    ledger.batches(),
                    ledger.rows(),
                    ledger.busyFraction(now, laneCount),
                    vfms);
        } finally {
            lock.unlock();
        }
    }

    public CostModel costModel() {
        return queue.costModel();
    }

    /** Stops the lanes; queued requests fail with {@link Reason#SHUTTING_DOWN}. */
    @Override
    public void close() {
        List<Entry<P, R>> abandoned;
        List<Thread> threads;
        lock.lock();
        try {
            admission.close();
            abandoned = queue.drain();
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
            entry.future.completeExceptionally(Admission.shuttingDown());
        }
    }

    /** Builds a scheduler; every option has a production default. */
    public static final class Builder<P, R> {
        private Runner<P, R> runner;
        private QueuePolicy policy = QueuePolicy.named("fair");
        private int maxBatchRows = 32;
        private long maxBatchTokens = 2048;
        private long maxWaitNanos;
        private double maxBatchMs;
        private int queueCapacity = 256;
        private CostModel costModel = new CostModel(2.0, 0.1);
        private LongSupplier clock = System::nanoTime;
        private Listener listener = new Listener() {};
        private int lanes = 1;
        private Runnable onLaneStart = () -> {};
        private long shareWindowNanos = TimeUnit.SECONDS.toNanos(30);

        public Builder<P, R> setRunner(Runner<P, R> runner) {
            this.runner = runner;
            return this;
        }

        public Builder<P, R> optPolicy(QueuePolicy policy) {
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

        /**
         * A batch's predicted execution time (by the cost model) beyond which no more requests join
         * it; 0, the default, for none. Batches cannot be preempted, so a request of a light vFM
         * waits for the batch in flight and then runs in one: this bounds both, at the price of
         * smaller batches (on CPUs, where a bigger batch gains little per row, a small one).
         */
        public Builder<P, R> optMaxBatchTime(long amount, TimeUnit unit) {
            this.maxBatchMs = unit.toNanos(amount) / 1e6;
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

        /** The sliding window of the achieved shares in {@link #stats()}; default 30 s. */
        public Builder<P, R> optShareWindow(long amount, TimeUnit unit) {
            this.shareWindowNanos = unit.toNanos(amount);
            return this;
        }

        public FairScheduler<P, R> build() {
            if (runner == null) {
                throw new IllegalStateException("a runner is required (setRunner)");
            }
            if (maxBatchRows < 1
                    || maxBatchTokens < 1
                    || queueCapacity < 1
                    || maxWaitNanos < 0
                    || maxBatchMs < 0) {
                throw new IllegalArgumentException(
                        "maxBatchRows, maxBatchTokens and queueCapacity must be >= 1, maxWait and"
                                + " maxBatchTime >= 0");
            }
            return new FairScheduler<>(this);
        }
    }
}
