package dev.fmplex.engine.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

        /** Whether its vFM had nothing queued when it arrived: it then starts a busy period. */
        private final boolean opensBacklog;

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
                boolean opensBacklog) {
            this.item = item;
            this.opensBacklog = opensBacklog;
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

        long ownTokens() {
            return (long) rows * length;
        }
    }

    private static final class Flow<T> {
        final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
        double weight;
        double lastFinish;
        int queuedRows;
    }

    private final QueuePolicy policy;
    private final int maxBatchRows;
    private final long maxBatchTokens;
    private final CostModel costModel;
    private final Map<String, Flow<T>> flows = new LinkedHashMap<>();
    private double virtualTime;
    private long nextSequence;
    private long pendingRows;
    private long pendingTokens;

    FairQueue(QueuePolicy policy, int maxBatchRows, long maxBatchTokens, CostModel costModel) {
        this.policy = policy;
        this.maxBatchRows = maxBatchRows;
        this.maxBatchTokens = maxBatchTokens;
        this.costModel = costModel;
    }

    /** Queues a request; {@code weight} (> 0) becomes its vFM's weight from its next tag on. */
    Request<T> enqueue(String vfmId, T item, int rows, int length, double weight) {
        Flow<T> flow = flows.computeIfAbsent(vfmId, id -> new Flow<>());
        flow.weight = weight;
        Request<T> request =
                new Request<>(
                        item, vfmId, rows, length, nextSequence++, flow, flow.queue.isEmpty());
        flow.queue.addLast(request);
        flow.queuedRows += rows;
        pendingRows += rows;
        pendingTokens += request.ownTokens();
        return request;
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
        return true;
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
        FormingBatch forming = new FormingBatch(maxBatchRows, maxBatchTokens);
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
                return batch;
            }
            boolean inTagOrder = true;
            for (Request<T> head : heads) {
                inTagOrder &= forming.fits(head) || head.startTag >= next.startTag;
            }
            Flow<T> flow = next.flow;
            flow.queue.pollFirst();
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
     * Only a request that arrived to an empty queue starts at the virtual time if its vFM is behind
     * it: a vFM that asked for less than its share earns no credit for that. A backlogged vFM
     * continues from its own finish tag even where that lies behind the virtual time: the charge
     * corrections of its finished requests move it both ways, and clipping the negative ones at
     * every tag would drop exactly the credit a heavy vFM, whose tags sit close to the virtual
     * time, is owed (with noisy batch times that cost the weight-4 vFM of a 1:2:4 mix up to a third
     * of its share). Deciding by in-flight requests instead of the queue would let a light vFM that
     * always has one request in flight keep its tags behind forever, and a vFM returning from idle
     * would then start that far behind the backlogged ones and take their time.
     */
    private void tag(Flow<T> flow, Request<T> head) {
        head.startTag =
                head.opensBacklog ? Math.max(virtualTime, flow.lastFinish) : flow.lastFinish;
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
            charges[i] = measuredMs * request.ownTokens() / ownTokensTotal;
            flow.lastFinish += (charges[i] - request.estimateMs) / flow.weight;
        }
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

    /** vFMs seen so far, in first-seen order. */
    Collection<String> vfmIds() {
        return flows.keySet();
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
