package dev.fmplex.control.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which fold each example is held out in: shuffled by the seed and dealt round-robin, per class for
 * classification (stratified: every fold keeps the class balance, as far as the counts allow).
 */
final class Folds {

    private Folds() {}

    static int[] stratified(int[] labels, int classes, int folds, long seed) {
        Random random = new Random(seed);
        int[] fold = new int[labels.length];
        int next = 0; // continue dealing across classes so small classes spread over folds
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int i : members) {
                fold[i] = next++ % folds;
            }
        }
        return fold;
    }

    /**
     * A stratified validation split: of each class, {@code round(fraction * count)} examples, at
     * least one, chosen by a seeded shuffle. Every class needs at least two examples, so that one
     * stays for training.
     */
    static boolean[] heldOut(int[] labels, int classes, double fraction, long seed) {
        Random random = new Random(seed);
        boolean[] held = new boolean[labels.length];
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            if (members.size() < 2) {
                throw new IllegalArgumentException(
                        "class " + c + " has one example; a validation split needs two");
            }
            Collections.shuffle(members, random);
            long count =
                    Math.min(
                            members.size() - 1, Math.max(1, Math.round(fraction * members.size())));
            for (int k = 0; k < count; k++) {
                held[members.get(k)] = true;
            }
        }
        return held;
    }

    static int[] shuffled(int n, int folds, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] fold = new int[n];
        for (int position = 0; position < n; position++) {
            fold[order.get(position)] = position % folds;
        }
        return fold;
    }
}
