package dev.fmplex.engine.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The scheduler's single-threaded core: one FIFO queue per vFM, start-time fair queueing tags in
 * virtual time, batch formation in a {@link QueuePolicy}'s order under a budget of rows and padded
 * tokens, and the charge of each batch's measured time once it has run.
 *
 * <p>The request at the head of a queue gets a start tag {@code S} and its vFM's finish tag becomes
 * {@code F = S + estimate / weight}, where the estimate comes from the {@link CostModel} in
 * milliseconds. A request that arrived to an empty queue starts at {@code S = max(V, F)}, where the
 * virtual time {@code V} is the largest start tag served in tag order so far, so its vFM earns no
 * credit for asking less than its share; a backlogged vFM continues at {@code S = F}. Tags are
 * given at the head, not on admission, so a deep backlog queued while the cost model was
 * uncalibrated, or before a weight change, is not scheduled by stale estimates. When a batch has
 * run, each request is charged the measured time in proportion to its own tokens and its vFM's
 * finish tag moves by {@code (charge - estimate) / weight}, so the shares of measured time follow
 * the weights even though padding makes a request's real cost depend on the batch it lands in.
 *
 * <p>Neither clock nor threads: the caller decides when batches form and complete, so several
 * batches may be in flight (executor lanes), and tests drive it with a simulated executor. Not
 * thread-safe; {@link FairScheduler} calls it under its lock.
 *
 * @param <T> what the caller keeps with each request (its future, deadline, ...)
 */
final class FairQueue<T> {

    /** A request from admission until it completes or leaves. */
    static final class Request<T> implements QueueHead {
        private final T item;
        private final String vfmId;
        private final int rows;
        private final int length;
        private final long sequence;
        private final Flow<T> flow;
        private final boolean alone;

        /**
         * Whether its vFM had nothing queued and nothing in flight when it arrived: it then starts
         * a busy period, at the virtual time or later.
         */
        private final boolean opensBacklog;

        /**
         * Whether its vFM had nothing queued but requests in flight: it resumes its busy period, at
         * the virtual time its queue emptied at or later.
         */
        private final boolean resumesBacklog;

        private boolean tagged;
        private boolean dispatched;
        private double startTag;
        private double estimateMs;

        private Request(
                T item,
                String vfmId,
                int rows,
                int length,
                long sequence,
                Flow<T> flow,
                boolean alone,
                boolean opensBacklog,
                boolean resumesBacklog) {
            this.item = item;
            this.alone = alone;
            this.opensBacklog = opensBacklog;
            this.resumesBacklog = resumesBacklog;
            this.vfmId = vfmId;
            this.rows = rows;
            this.length = length;
            this.sequence = sequence;
            this.flow = flow;
        }

        T item() {
            return item;
        }

        boolean opensBacklog() {
            return opensBacklog;
        }

        @Override
        public String vfmId() {
            return vfmId;
        }

        @Override
        public double startTag() {
            return startTag;
        }

        @Override
        public double weight() {
            return flow.weight;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public double estimateMs() {
            return estimateMs;
        }

        @Override
        public boolean alone() {
            return alone;
        }

        long ownTokens() {
            return (long) rows * length;
        }
    }

    private static final class Flow<T> {
        final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
        double weight;
        double lastFinish;
        int queuedRows;

        /** Requests dispatched into batches that have not completed. */
        int inFlight;

        /** The number of the latest completed batch it had requests in. */
        long lastCompletedBatch = Long.MIN_VALUE;

        /** The virtual time when its queue last emptied by dispatch. */
        double virtualTimeWhenEmptied;
    }

    private final QueuePolicy policy;
    private final int maxBatchRows;
    private final long maxBatchTokens;
    private final double maxBatchMs;
    private final CostModel costModel;
    private final Map<String, Flow<T>> flows = new LinkedHashMap<>();

    /** Forgotten vFMs whose queues still hold requests: they leave once those have run. */
    private final Set<String> retiring = new HashSet<>();

    private double virtualTime;

    private long nextSequence;
    private long completedBatches;
    private long pendingRows;
    private long pendingTokens;

    FairQueue(QueuePolicy policy, int maxBatchRows, long maxBatchTokens, CostModel costModel) {
        this(policy, maxBatchRows, maxBatchTokens, 0, costModel);
    }

    /**
     * @param maxBatchMs a batch's predicted execution time, beyond which no more join (0: none)
     */
    FairQueue(
            QueuePolicy policy,
            int maxBatchRows,
            long maxBatchTokens,
            double maxBatchMs,
            CostModel costModel) {
        this.policy = policy;
        this.maxBatchRows = maxBatchRows;
        this.maxBatchTokens = maxBatchTokens;
        this.maxBatchMs = maxBatchMs > 0 ? maxBatchMs : Double.POSITIVE_INFINITY;
        this.costModel = costModel;
    }

    /** Queues a request; {@code weight} (> 0) becomes its vFM's weight from its next tag on. */
    Request<T> enqueue(String vfmId, T item, int rows, int length, double weight) {
        return enqueue(vfmId, item, rows, length, weight, false);
    }

    /**
     * @param alone whether it runs in a batch of its own ({@link QueueHead#alone})
     */
    Request<T> enqueue(String vfmId, T item, int rows, int length, double weight, boolean alone) {
        Flow<T> flow = flows.computeIfAbsent(vfmId, id -> new Flow<>());
        retiring.remove(vfmId);
        flow.weight = weight;
        Request<T> request =
                new Request<>(
                        item,
                        vfmId,
                        rows,
                        length,
                        nextSequence++,
                        flow,
                        alone,
                        flow.queue.isEmpty() && !running(flow),
                        flow.queue.isEmpty() && running(flow));
        flow.queue.addLast(request);
        flow.queuedRows += rows;
        pendingRows += rows;
        pendingTokens += request.ownTokens();
        return request;
    }

    /**
     * Whether the vFM has requests running, or had some in the batch that completed last: their
     * answers may still be on their way back to closed-loop clients, which resubmit at once.
     */
    private boolean running(Flow<T> flow) {
        return flow.inFlight > 0 || flow.lastCompletedBatch == completedBatches - 1;
    }

    /**
     * Takes a queued request out without running it (cancelled, expired) and refunds the virtual
     * time its tag took.
     *
     * @return false when it was no longer queued (already dispatched or removed)
     */
    boolean remove(Request<T> request) {
        if (request.dispatched || !request.flow.queue.remove(request)) {
            return false;
        }
        forget(request);
        retireDrained();
        return true;
    }

    /**
     * Drops a vFM that is no longer served, so its tags and weight stop counting: at once when its
     * queue is empty, otherwise once the requests it still has queued have left (they hold their
     * model and run as admitted). A request that arrives for it later starts it afresh.
     */
    void forget(String vfmId) {
        if (flows.containsKey(vfmId)) {
            retiring.add(vfmId);
            retireDrained();
        }
    }

    private void retireDrained() {
        retiring.removeIf(
                id -> {
                    Flow<T> flow = flows.get(id);
                    if (flow == null || flow.queue.isEmpty()) {
                        flows.remove(id);
                        return true;
                    }
                    return false;
                });
    }

    /**
     * Forms the next batch in the policy's order. Heads for which {@code wanted} is false leave
     * their queue first (into {@code dropped}), so a cancelled or expired request never holds up or
     * joins a batch.
     *
     * @return the batch, in the order its requests were taken; empty when nothing is queued
     */
    List<Request<T>> formBatch(Predicate<? super T> wanted, Collection<Request<T>> dropped) {
        List<Request<T>> batch = new ArrayList<>();
        FormingBatch forming =
                new FormingBatch(maxBatchRows, maxBatchTokens, maxBatchMs, costModel);
        List<Request<T>> heads = new ArrayList<>(flows.size());
        while (true) {
            heads.clear();
            for (Flow<T> flow : flows.values()) {
                Request<T> head = liveHead(flow, wanted, dropped);
                if (head != null) {
                    heads.add(head);
                }
            }
            Request<T> next = policy.next(heads, forming);
            if (next == null) {
                if (!retiring.isEmpty()) {
                    retireDrained();
                }
                return batch;
            }
            boolean inTagOrder = true;
            for (Request<T> head : heads) {
                inTagOrder &= forming.fits(head) || head.startTag >= next.startTag;
            }
            Flow<T> flow = next.flow;
            flow.queue.pollFirst();
            flow.inFlight++;
            flow.queuedRows -= next.rows;
            pendingRows -= next.rows;
            pendingTokens -= next.ownTokens();
            next.dispatched = true;
            forming.add(next);
            batch.add(next);
            if (inTagOrder) {
                // The virtual time is the largest tag served in tag order. A request that fills
                // a batch's remainder past a larger head that does not fit may run ahead (by at
                // most one batch of its vFM's time, see FairPolicy); letting it move the virtual
                // time would make every vFM returning from idle start behind it.
                virtualTime = Math.max(virtualTime, next.startTag);
            }
            if (flow.queue.isEmpty()) {
                flow.virtualTimeWhenEmptied = virtualTime;
            }
        }
    }

    private Request<T> liveHead(
            Flow<T> flow, Predicate<? super T> wanted, Collection<Request<T>> dropped) {
        while (!flow.queue.isEmpty()) {
            Request<T> head = flow.queue.peekFirst();
            if (!wanted.test(head.item)) {
                flow.queue.pollFirst();
                forget(head);
                dropped.add(head);
                continue;
            }
            if (!head.tagged) {
                tag(flow, head);
            }
            return head;
        }
        return null;
    }

    /**
     * A backlogged vFM continues from its own finish tag even where that lies behind the virtual
     * time: the charge corrections of its finished requests move it both ways, and clipping the
     * negative ones at every tag would drop exactly the credit a heavy vFM, whose tags sit close to
     * the virtual time, is owed.
     *
     * <p>A vFM with nothing queued and nothing in flight starts at the virtual time if it is behind
     * it: it asked for less than its share and earns no credit for that. A vFM whose queue is empty
     * while requests of it still run is not idle, though: closed-loop clients of a heavy vFM leave
     * its queue empty at a batch formation routinely, since the requests of the batch that just
     * finished are still on their way back to their clients. Its next request resumes at the
     * virtual time its queue emptied at, not at the virtual time now: the batch that took its last
     * queued request filled up with other vFMs' larger tags, which moved the virtual time past its
     * finish tag, and starting there cost the weight-4 vFM of a 1:2:4 mix over HTTP 5-8% of its
     * share on some fresh servers (0.16-0.17 / 0.28 / 0.55 of the time). Deciding by in-flight
     * requests alone would let a light vFM that always has one request in flight keep its tags
     * behind forever; resuming from the virtual time of its emptying bounds that credit by one
     * batch.
     */
    private void tag(Flow<T> flow, Request<T> head) {
        if (head.opensBacklog) {
            head.startTag = Math.max(virtualTime, flow.lastFinish);
        } else if (head.resumesBacklog) {
            head.startTag = Math.max(flow.virtualTimeWhenEmptied, flow.lastFinish);
        } else {
            head.startTag = flow.lastFinish;
        }
        head.estimateMs = costModel.requestCostMs(head.rows, head.length);
        head.tagged = true;
        flow.lastFinish = head.startTag + head.estimateMs / flow.weight;
    }

    /** Unaccounts a request that leaves without running and refunds its virtual time. */
    private void forget(Request<T> request) {
        Flow<T> flow = request.flow;
        flow.queuedRows -= request.rows;
        pendingRows -= request.rows;
        pendingTokens -= request.ownTokens();
        if (request.tagged) {
            flow.lastFinish =
                    Math.max(virtualTime, flow.lastFinish - request.estimateMs / flow.weight);
        }
    }

    /**
     * Charges a batch that ran for {@code measuredMs}: each request pays for its own tokens, and
     * padding is shared in the same proportion, which keeps charges consistent with the estimates
     * its tags were computed from. The difference moves its vFM's finish tag.
     *
     * @param learn whether the cost model should fit this batch (false for a failed one)
     * @return the charge of each request, in batch order
     */
    double[] complete(List<Request<T>> batch, double measuredMs, boolean learn) {
        long rows = 0;
        int longest = 0;
        double ownTokensTotal = 0;
        for (Request<T> request : batch) {
            rows += request.rows;
            longest = Math.max(longest, request.length);
            ownTokensTotal += request.ownTokens();
        }
        if (learn) {
            costModel.observe(rows * longest, measuredMs);
        }
        double[] charges = new double[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Request<T> request = batch.get(i);
            Flow<T> flow = request.flow;
            flow.inFlight--;
            flow.lastCompletedBatch = completedBatches;
            charges[i] = measuredMs * request.ownTokens() / ownTokensTotal;
            flow.lastFinish += (charges[i] - request.estimateMs) / flow.weight;
        }
        completedBatches++;
        return charges;
    }

    /** Removes every queued request (shutdown) and returns their items. */
    List<T> drain() {
        List<T> items = new ArrayList<>();
        for (Flow<T> flow : flows.values()) {
            for (Request<T> request : flow.queue) {
                items.add(request.item);
            }
            flow.queue.clear();
            flow.queuedRows = 0;
        }
        pendingRows = 0;
        pendingTokens = 0;
        return items;
    }

    /** vFMs with a queue (seen and not forgotten), in first-seen order. */
    Collection<String> vfmIds() {
        return flows.keySet();
    }

    boolean knows(String vfmId) {
        return flows.containsKey(vfmId);
    }

    int queuedRequests(String vfmId) {
        Flow<T> flow = flows.get(vfmId);
        return flow == null ? 0 : flow.queue.size();
    }

    int queuedRows(String vfmId) {
        Flow<T> flow = flows.get(vfmId);
        return flow == null ? 0 : flow.queuedRows;
    }

    /** Estimated milliseconds of everything the vFM has queued (for a retry-after hint). */
    double queuedCostMs(String vfmId) {
        Flow<T> flow = flows.get(vfmId);
        double total = 0;
        if (flow != null) {
            for (Request<T> request : flow.queue) {
                total += costModel.requestCostMs(request.rows, request.length);
            }
        }
        return total;
    }

    /** The weight of the vFM's latest request (0 for an unknown vFM). */
    double weight(String vfmId) {
        Flow<T> flow = flows.get(vfmId);
        return flow == null ? 0 : flow.weight;
    }

    long pendingRows() {
        return pendingRows;
    }

    long pendingTokens() {
        return pendingTokens;
    }

    double virtualTime() {
        return virtualTime;
    }

    QueuePolicy policy() {
        return policy;
    }

    CostModel costModel() {
        return costModel;
    }
}
