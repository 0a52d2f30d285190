package dev.fmplex.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The single-threaded core on its own, without threads or a clock: tags, virtual time, batch
 * formation and charges, step by step. The cost model charges one millisecond per token ({@code
 * perBatch = 0}), so a request of {@code rows x length} tokens is estimated at exactly that many
 * milliseconds and every tag below can be worked out by hand.
 */
class FairQueueTest {

    private static FairQueue<String> queue(String policy, int maxRows) {
        return new FairQueue<>(QueuePolicy.named(policy), maxRows, 100_000, new CostModel(0, 1));
    }

    private static List<String> form(FairQueue<String> queue) {
        return queue.formBatch(item -> true, new ArrayList<>()).stream()
                .map(FairQueue.Request::item)
                .toList();
    }

    @Test
    void tagsAreGivenAtTheHeadAndABackloggedVfmContinuesFromItsFinishTag() {
        FairQueue<String> queue = queue("fair", 1);
        FairQueue.Request<String> first = queue.enqueue("a", "a1", 1, 10, 2);
        FairQueue.Request<String> second = queue.enqueue("a", "a2", 1, 10, 2);
        assertTrue(first.opensBacklog());
        assertFalse(second.opensBacklog());

        assertEquals(List.of("a1"), form(queue));
        assertEquals(0, first.startTag());
        assertEquals(10, first.estimateMs());
        assertEquals(0, queue.virtualTime());
        assertEquals(List.of("a2"), form(queue));
        // S(a2) = F(a1) = 0 + 10 / 2.
        assertEquals(5, second.startTag());
        assertEquals(5, queue.virtualTime());
    }

    @Test
    void aWeightChangeTagsTheNextHeadNotTheOnesAlreadyTagged() {
        FairQueue<String> queue = queue("fair", 1);
        queue.enqueue("a", "a1", 1, 10, 1);
        form(queue);
        FairQueue.Request<String> second = queue.enqueue("a", "a2", 1, 10, 5);
        FairQueue.Request<String> third = queue.enqueue("a", "a3", 1, 10, 5);
        form(queue);
        form(queue);
        assertEquals(10, second.startTag());
        // a1 was tagged at weight 1 (F = 10); a2 at the new weight 5 (F = 10 + 10 / 5).
        assertEquals(12, third.startTag());
        assertEquals(5, queue.weight("a"));
    }

    @Test
    void aVfmArrivingToAnEmptyQueueStartsAtTheVirtualTimeAndEarnsNoCreditForItsAbsence() {
        FairQueue<String> queue = queue("fair", 1);
        for (int i = 0; i < 5; i++) {
            queue.enqueue("busy", "busy" + i, 1, 10, 1);
        }
        for (int i = 0; i < 4; i++) {
            form(queue);
        }
        assertEquals(30, queue.virtualTime());
        FairQueue.Request<String> late = queue.enqueue("late", "late1", 1, 10, 1);
        FairQueue.Request<String> later = queue.enqueue("late", "late2", 1, 10, 1);
        // busy4 has S = 40; late1 starts at V = 30, not at its own finish tag 0, so it runs
        // first but then alternates with busy instead of taking the next three batches.
        assertEquals(List.of("late1"), form(queue));
        assertEquals(30, late.startTag());
        assertEquals(List.of("busy4"), form(queue));
        assertEquals(List.of("late2"), form(queue));
        assertEquals(40, later.startTag());
    }

    @Test
    void aBackloggedVfmKeepsTheCreditOfCheaperThanEstimatedBatchesBehindTheVirtualTime() {
        // Charge corrections move a backlogged vFM's finish tag both ways, also behind the
        // virtual time. Clipping every tag at the virtual time dropped exactly this credit and
        // gave the weight-4 vFM of a 1:2:4 mix over HTTP two thirds of its share in some runs.
        FairQueue<String> queue = queue("fair", 1);
        FairQueue.Request<String> a1 = queue.enqueue("a", "a1", 1, 10, 1);
        FairQueue.Request<String> a2 = queue.enqueue("a", "a2", 1, 10, 1);
        FairQueue.Request<String> a3 = queue.enqueue("a", "a3", 1, 10, 1);
        FairQueue.Request<String> a4 = queue.enqueue("a", "a4", 1, 10, 1);
        queue.enqueue("b", "b1", 1, 10, 1);
        queue.enqueue("b", "b2", 1, 10, 1);
        // A request is tagged as soon as it becomes its queue's head: a2 (S 10) while a1 forms.
        assertEquals(List.of("a1"), form(queue)); // S 0
        assertEquals(List.of("b1"), form(queue)); // S 0
        assertEquals(List.of("a2"), form(queue)); // S 10, before b2 (S 10) by admission order
        assertEquals(20, a3.startTag()); // F(a) = 30
        // a1 and a2 took no measurable time: F(a) = 30 - 10 - 10 = 10.
        assertEquals(0, queue.complete(List.of(a1), 0, false)[0]);
        queue.complete(List.of(a2), 0, false);
        assertEquals(List.of("b2"), form(queue));
        assertEquals(List.of("a3"), form(queue));
        assertEquals(20, queue.virtualTime());
        // a stayed backlogged, so a4 continues from F(a) = 10, behind V = 20. Clipped at V it
        // would start at 20 and a would lose the 20 ms it was owed.
        assertFalse(a4.opensBacklog());
        assertEquals(10, a4.startTag());
    }

    @Test
    void aVfmWhoseQueueEmptiedWhileItsRequestsRunResumesWhereItsQueueEmptied() {
        // Closed-loop clients of a heavy vFM: the batch took its last queued request and filled up
        // with a lighter vFM's larger tags (V 10); its next request arrives while that batch runs.
        FairQueue<String> queue = queue("fair", 4);
        queue.enqueue("heavy", "h1", 1, 10, 4);
        FairQueue.Request<String> h2 = queue.enqueue("heavy", "h2", 1, 10, 4);
        for (int i = 1; i <= 5; i++) {
            queue.enqueue("light", "l" + i, 1, 10, 1);
        }
        List<FairQueue.Request<String>> batch = queue.formBatch(item -> true, new ArrayList<>());
        assertEquals(
                List.of("h1", "l1", "h2", "l2"),
                batch.stream().map(FairQueue.Request::item).toList());
        assertEquals(2.5, h2.startTag());
        assertEquals(10, queue.virtualTime());
        FairQueue.Request<String> resumed = queue.enqueue("heavy", "h3", 1, 10, 4);
        assertFalse(resumed.opensBacklog(), "its requests are still running");
        List<FairQueue.Request<String>> next = queue.formBatch(item -> true, new ArrayList<>());
        assertEquals(resumed, next.get(0));
        // S = max(V when its queue emptied = 2.5, F = 5), not max(V now = 10, F).
        assertEquals(5, resumed.startTag());

        // Its answers of the batch that completed last may still be on their way back, so it
        // resumes then too; idle for real (nothing queued, nothing running, not in the batch that
        // completed last), it starts at the virtual time.
        queue.complete(batch, 40, false);
        queue.complete(next, 40, false);
        assertFalse(queue.enqueue("heavy", "h4", 1, 10, 4).opensBacklog());
        queue.complete(queue.formBatch(item -> true, new ArrayList<>()), 10, false);
        queue.enqueue("light", "l6", 1, 10, 1);
        queue.complete(queue.formBatch(item -> true, new ArrayList<>()), 10, false);
        FairQueue.Request<String> idle = queue.enqueue("heavy", "h5", 1, 10, 4);
        assertTrue(idle.opensBacklog());
    }

    @Test
    void aFillerMayPassASmallerTaggedHeadByAtMostItsOwnCost() {
        FormingBatch batch = new FormingBatch(4, 100_000);
        batch.add(head("c", 0, 1, 10, 1, 0));
        Head tooLarge = head("b", 0, 4, 10, 1, 1);
        Head withinOneRequest = head("a", 10, 1, 10, 1, 2);
        Head beyond = head("a", 10.5, 1, 10, 1, 2);
        Head beyondButLight = head("a", 15, 1, 10, 0.5, 2);
        QueuePolicy fair = QueuePolicy.named("fair");
        assertSame(withinOneRequest, fair.next(List.of(tooLarge, withinOneRequest), batch));
        assertNull(fair.next(List.of(tooLarge, beyond), batch));
        // A lighter weight makes its own request worth more virtual time: 10 / 0.5.
        assertSame(beyondButLight, fair.next(List.of(tooLarge, beyondButLight), batch));
    }

    @Test
    void fillersThatPassASmallerTaggedHeadDoNotMoveTheVirtualTime() {
        FairQueue<String> queue = queue("fair", 4);
        queue.enqueue("c", "c1", 1, 10, 1);
        queue.enqueue("b", "b1", 4, 10, 1);
        queue.enqueue("a", "a1", 1, 10, 1);
        queue.enqueue("c", "c2", 1, 10, 1);
        queue.enqueue("a", "a2", 1, 10, 1);
        queue.enqueue("c", "c3", 1, 10, 1);
        // c1 (S 0) leads; b1 (S 0, 4 rows) does not fit after it; a1 (S 0) fills in tag order,
        // c2 and a2 (S 10) fill past b1 within one request's worth of tag, c3 (S 20) may not.
        assertEquals(List.of("c1", "a1", "c2", "a2"), form(queue));
        assertEquals(0, queue.virtualTime());
        // So a vFM arriving now starts at 0, level with b1, not behind the fillers at 10.
        FairQueue.Request<String> arriving = queue.enqueue("d", "d1", 1, 10, 1);
        assertEquals(List.of("b1"), form(queue));
        assertEquals(List.of("d1", "c3"), form(queue));
        assertEquals(0, arriving.startTag());
        assertEquals(20, queue.virtualTime());
    }

    @Test
    void aRemovedRequestRefundsTheVirtualTimeItsTagTook() {
        FairQueue<String> queue = queue("fair", 1);
        queue.enqueue("a", "a1", 1, 10, 1);
        FairQueue.Request<String> a2 = queue.enqueue("a", "a2", 1, 10, 1);
        FairQueue.Request<String> a3 = queue.enqueue("a", "a3", 1, 10, 1);
        assertEquals(List.of("a1"), form(queue));
        assertEquals(List.of("a2"), form(queue));
        assertEquals(20, a3.startTag());
        assertFalse(queue.remove(a2), "a dispatched request is no longer queued");
        assertTrue(queue.remove(a3));
        assertEquals(0, queue.queuedRequests("a"));
        assertEquals(0, queue.pendingRows());
        // F(a) went back from 30 to 20, so the next request starts where a3 would have.
        FairQueue.Request<String> a4 = queue.enqueue("a", "a4", 1, 10, 1);
        assertEquals(List.of("a4"), form(queue));
        assertEquals(20, a4.startTag());
    }

    @Test
    void aTimeBudgetClosesTheBatchButTheFirstRequestAlwaysRuns() {
        // One millisecond per padded token: 25 ms hold two 10-token rows, not three.
        FairQueue<String> queue =
                new FairQueue<>(QueuePolicy.named("fair"), 32, 100_000, 25, new CostModel(0, 1));
        queue.enqueue("big", "big", 1, 40, 1);
        for (int i = 1; i <= 3; i++) {
            queue.enqueue("small", "s" + i, 1, 10, 1);
        }
        assertEquals(List.of("big"), form(queue));
        assertEquals(List.of("s1", "s2"), form(queue));
        assertEquals(List.of("s3"), form(queue));
    }

    @Test
    void unwantedHeadsLeaveTheirQueueBeforeTheBatchForms() {
        FairQueue<String> queue = queue("fair", 4);
        queue.enqueue("a", "expired", 1, 10, 1);
        queue.enqueue("a", "a2", 1, 10, 1);
        queue.enqueue("b", "b1", 1, 10, 1);
        List<FairQueue.Request<String>> dropped = new ArrayList<>();
        List<String> batch =
                queue.formBatch(item -> !item.equals("expired"), dropped).stream()
                        .map(FairQueue.Request::item)
                        .toList();
        assertEquals(List.of("a2", "b1"), batch);
        assertEquals(List.of("expired"), dropped.stream().map(FairQueue.Request::item).toList());
        assertEquals(0, queue.pendingRows());
    }

    @Test
    void aBatchIsChargedByEachRequestsOwnTokensAndTheDifferenceMovesItsFinishTag() {
        FairQueue<String> queue = queue("fair", 8);
        FairQueue.Request<String> shortOne = queue.enqueue("a", "short", 1, 10, 1);
        FairQueue.Request<String> longOne = queue.enqueue("b", "long", 3, 10, 2);
        List<FairQueue.Request<String>> batch = queue.formBatch(item -> true, new ArrayList<>());
        assertEquals(List.of(shortOne, longOne), batch);
        // 40 own tokens, 80 ms measured: 2 ms a token whatever the padding.
        double[] charges = queue.complete(batch, 80, true);
        assertEquals(20, charges[0], 1e-9);
        assertEquals(60, charges[1], 1e-9);
        FairQueue.Request<String> nextA = queue.enqueue("a", "a2", 1, 10, 1);
        FairQueue.Request<String> nextB = queue.enqueue("b", "b2", 1, 10, 2);
        form(queue);
        // Each finish tag moved by (charge - estimate) / weight past the estimate's: a from 10
        // by (20 - 10) / 1 to 20 but it arrives to an empty queue at max(V, F) = 20; b from 15
        // by (60 - 30) / 2 to 30.
        assertEquals(20, nextA.startTag(), 1e-9);
        assertEquals(30, nextB.startTag(), 1e-9);
    }

    @Test
    void fifoServesArrivalOrderAcrossVfmsAndClosesTheBatchWhenTheOldestDoesNotFit() {
        FairQueue<String> queue = queue("fifo", 4);
        queue.enqueue("a", "a1", 1, 10, 1);
        queue.enqueue("a", "a2", 1, 10, 1);
        queue.enqueue("b", "b1", 3, 10, 1000);
        queue.enqueue("a", "a3", 1, 10, 1);
        assertEquals(List.of("a1", "a2"), form(queue));
        assertEquals(List.of("b1", "a3"), form(queue));
    }

    @Test
    void perTaskBatchesHoldOneVfmLedByTheSmallestTag() {
        FairQueue<String> queue = queue("per-task", 4);
        queue.enqueue("a", "a1", 1, 10, 1);
        queue.enqueue("b", "b1", 1, 10, 1);
        queue.enqueue("a", "a2", 1, 10, 1);
        queue.enqueue("b", "b2", 1, 10, 1);
        assertEquals(List.of("a1", "a2"), form(queue));
        assertEquals(List.of("b1", "b2"), form(queue));
    }

    @Test
    void aForgottenVfmLeavesOnceItsQueuedRequestsHaveRunAndComesBackAfresh() {
        FairQueue<String> queue = queue("fair", 1);
        queue.enqueue("idle", "idle1", 1, 10, 3);
        queue.enqueue("busy", "busy1", 1, 10, 1);
        queue.enqueue("busy", "busy2", 1, 10, 1);
        assertEquals(List.of("idle1"), form(queue));
        queue.forget("idle");
        assertFalse(queue.knows("idle"));
        assertEquals(0, queue.weight("idle"));
        // A vFM forgotten with requests queued keeps them: they run as admitted, then it leaves.
        queue.forget("busy");
        assertTrue(queue.knows("busy"));
        assertEquals(List.of("busy1"), form(queue));
        assertTrue(queue.knows("busy"));
        assertEquals(List.of("busy2"), form(queue));
        assertFalse(queue.knows("busy"));
        // Back again: a new queue, starting at the virtual time.
        FairQueue.Request<String> again = queue.enqueue("busy", "busy3", 1, 10, 1);
        assertTrue(again.opensBacklog());
        assertEquals(List.of("busy3"), form(queue));
        assertEquals(queue.virtualTime(), again.startTag());
    }

    @Test
    void drainEmptiesEveryQueue() {
        FairQueue<String> queue = queue("fair", 4);
        queue.enqueue("a", "a1", 1, 10, 1);
        queue.enqueue("b", "b1", 2, 10, 1);
        assertEquals(List.of("a1", "b1"), queue.drain());
        assertEquals(0, queue.pendingRows());
        assertEquals(0, queue.pendingTokens());
        assertEquals(List.of(), form(queue));
    }

    private record Head(
            String vfmId,
            double startTag,
            int rows,
            int length,
            double weight,
            long sequence,
            double estimateMs)
            implements QueueHead {}

    private static Head head(
            String vfmId, double startTag, int rows, int length, double weight, long sequence) {
        return new Head(vfmId, startTag, rows, length, weight, sequence, (double) rows * length);
    }
}
