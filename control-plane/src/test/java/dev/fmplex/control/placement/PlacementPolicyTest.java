package dev.fmplex.control.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {

    private static final String MINILM = "all-minilm-l6-v2";
    private static final String BERT = "bert-base-uncased";

    private static Candidate worker(String address, double load) {
        return new Candidate(address, address, true, Set.of(MINILM), 1_000, 100, load);
    }

    private static String chosen(PlacementDecision decision) {
        assertThat(decision).isInstanceOf(PlacementDecision.Chosen.class);
        return ((PlacementDecision.Chosen) decision).worker().address();
    }

    private static PlacementDecision.NoCandidate none(PlacementDecision decision) {
        assertThat(decision).isInstanceOf(PlacementDecision.NoCandidate.class);
        return (PlacementDecision.NoCandidate) decision;
    }

    @Test
    void theLeastLoadedWorkerThatHostsTheBackboneGetsTheVfm() {
        List<Candidate> workers =
                List.of(worker("http://a", 3), worker("http://b", 1), worker("http://c", 2));

        assertThat(chosen(PlacementPolicy.choose(MINILM, 10, workers, Set.of())))
                .isEqualTo("http://b");
    }

    @Test
    void equalLoadsGoToTheLowestAddressWhateverTheOrderTheyCameIn() {
        List<Candidate> workers =
                new ArrayList<>(
                        List.of(
                                worker("http://c", 1),
                                worker("http://a", 1),
                                worker("http://b", 1)));
        for (int shuffle = 0; shuffle < 6; shuffle++) {
            Collections.rotate(workers, 1);
            if (shuffle == 3) {
                Collections.swap(workers, 0, 1);
            }
            assertThat(chosen(PlacementPolicy.choose(MINILM, 10, workers, Set.of())))
                    .isEqualTo("http://a");
        }
    }

    @Test
    void loadDecidesBeforeMemoryLeft() {
        Candidate roomyButBusy = new Candidate("a", "http://a", true, Set.of(MINILM), 10_000, 0, 5);
        Candidate tightButIdle =
                new Candidate("b", "http://b", true, Set.of(MINILM), 1_000, 990, 0);

        assertThat(
                        chosen(
                                PlacementPolicy.choose(
                                        MINILM, 10, List.of(roomyButBusy, tightButIdle), Set.of())))
                .isEqualTo("http://b");
    }

    @Test
    void aWorkerWithoutTheBackboneNeverGetsTheVfmEvenWhenIdle() {
        Candidate idleBert = new Candidate("a", "http://a", true, Set.of(BERT), 1_000, 0, 0);
        Candidate busyMiniLm = worker("http://b", 9);

        assertThat(
                        chosen(
                                PlacementPolicy.choose(
                                        MINILM, 10, List.of(idleBert, busyMiniLm), Set.of())))
                .isEqualTo("http://b");
        assertThat(none(PlacementPolicy.choose(MINILM, 10, List.of(idleBert), Set.of())))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 1, 0, 0, 1, 0));
    }

    @Test
    void aWorkerHostingSeveralBackbonesTakesVfmsOfEach() {
        Candidate both = new Candidate("a", "http://a", true, Set.of(MINILM, BERT), 1_000, 0, 0);

        assertThat(chosen(PlacementPolicy.choose(BERT, 10, List.of(both), Set.of())))
                .isEqualTo("http://a");
        assertThat(chosen(PlacementPolicy.choose(MINILM, 10, List.of(both), Set.of())))
                .isEqualTo("http://a");
    }

    @Test
    void theBudgetMayBeFilledExactlyButNotByOneByteMore() {
        Candidate w = new Candidate("a", "http://a", true, Set.of(MINILM), 1_000, 900, 0);

        assertThat(chosen(PlacementPolicy.choose(MINILM, 100, List.of(w), Set.of())))
                .isEqualTo("http://a");
        assertThat(none(PlacementPolicy.choose(MINILM, 101, List.of(w), Set.of())))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 1, 0, 0, 0, 1));
    }

    @Test
    void aFullWorkerIsPassedOverForALoadedOneWithRoom() {
        Candidate idleButFull = new Candidate("a", "http://a", true, Set.of(MINILM), 1_000, 995, 0);
        Candidate busyWithRoom = worker("http://b", 4);

        assertThat(
                        chosen(
                                PlacementPolicy.choose(
                                        MINILM, 10, List.of(idleButFull, busyWithRoom), Set.of())))
                .isEqualTo("http://b");
    }

    @Test
    void aSilentWorkerGetsNothing() {
        Candidate silentIdle = new Candidate("a", "http://a", false, Set.of(MINILM), 1_000, 0, 0);
        Candidate aliveBusy = worker("http://b", 7);

        assertThat(
                        chosen(
                                PlacementPolicy.choose(
                                        MINILM, 10, List.of(silentIdle, aliveBusy), Set.of())))
                .isEqualTo("http://b");
        assertThat(none(PlacementPolicy.choose(MINILM, 10, List.of(silentIdle), Set.of())))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 1, 0, 1, 0, 0));
    }

    @Test
    void excludedWorkersAreSkippedSoAReplicaLandsElsewhere() {
        List<Candidate> workers = List.of(worker("http://a", 0), worker("http://b", 5));

        assertThat(chosen(PlacementPolicy.choose(MINILM, 10, workers, Set.of("http://a"))))
                .isEqualTo("http://b");
        assertThat(
                        none(
                                PlacementPolicy.choose(
                                        MINILM, 10, workers, Set.of("http://a", "http://b"))))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 2, 2, 0, 0, 0));
    }

    @Test
    void noCandidatesIsATypedAnswerNotAnException() {
        assertThat(none(PlacementPolicy.choose(MINILM, 10, List.of(), Set.of())))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 0, 0, 0, 0, 0));
    }

    @Test
    void eachRefusedWorkerIsCountedUnderTheFirstRuleItFails() {
        List<Candidate> workers =
                List.of(
                        // excluded and silent: counted as excluded
                        new Candidate("x", "http://x", false, Set.of(MINILM), 1_000, 0, 0),
                        // silent and without the backbone: counted as silent
                        new Candidate("s", "http://s", false, Set.of(BERT), 1_000, 0, 0),
                        // without the backbone and full: counted as without the backbone
                        new Candidate("b", "http://b", true, Set.of(BERT), 1_000, 1_000, 0),
                        new Candidate("f", "http://f", true, Set.of(MINILM), 1_000, 1_000, 0));

        assertThat(none(PlacementPolicy.choose(MINILM, 1, workers, Set.of("x"))))
                .isEqualTo(new PlacementDecision.NoCandidate(MINILM, 4, 1, 1, 1, 1));
    }

    @Test
    void fractionalLoadsOrderAsTheirValues() {
        List<Candidate> workers =
                List.of(worker("http://a", 0.41), worker("http://b", 0.4), worker("http://c", 0.6));

        assertThat(chosen(PlacementPolicy.choose(MINILM, 10, workers, Set.of())))
                .isEqualTo("http://b");
    }

    @Test
    void theCandidateKeepsItsOwnCopyOfTheBackbones() {
        Set<String> backbones = new java.util.HashSet<>(Set.of(MINILM));
        Candidate w = new Candidate("a", "http://a", true, backbones, 1_000, 0, 0);
        backbones.clear();

        assertThat(chosen(PlacementPolicy.choose(MINILM, 10, List.of(w), Set.of())))
                .isEqualTo("http://a");
    }

    @Test
    void aRefusalSaysWhyInWords() {
        PlacementDecision.NoCandidate none =
                none(
                        PlacementPolicy.choose(
                                "minilm",
                                10,
                                List.of(
                                        new Candidate(
                                                "a",
                                                "http://a",
                                                false,
                                                Set.of("minilm"),
                                                100,
                                                0,
                                                0),
                                        new Candidate(
                                                "b", "http://b", true, Set.of("vit"), 100, 0, 0),
                                        new Candidate(
                                                "c",
                                                "http://c",
                                                true,
                                                Set.of("minilm"),
                                                100,
                                                95,
                                                0)),
                                Set.of()));
        assertThat(none.explain())
                .isEqualTo(
                        "of 3 workers, 1 is silent, 1 does not host minilm, 1 lacks memory for it");
        assertThat(none(PlacementPolicy.choose("minilm", 10, List.of(), Set.of())).explain())
                .isEqualTo("no worker is registered");
    }
}
