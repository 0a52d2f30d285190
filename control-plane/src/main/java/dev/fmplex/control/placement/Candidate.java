package dev.fmplex.control.placement;

import java.util.Set;

/**
 * A worker as placement sees it.
 *
 * @param id stable identity, what an exclude set names
 * @param address where the worker listens; the last tiebreak, so equal loads place the same way in
 *     every run
 * @param alive whether it heartbeats; a silent worker gets nothing
 * @param backbones names of the backbones it hosts
 * @param memoryBudgetBytes what it may hold in all
 * @param usedBytes what it holds now: its backbones once each plus every placed vFM's resident
 *     bytes
 * @param load what placement spreads, lower preferred. The control plane gives the number of vFMs
 *     placed on the worker; a simulation may give the planned utilization of its lanes instead.
 */
public record Candidate(
        String id,
        String address,
        boolean alive,
        Set<String> backbones,
        long memoryBudgetBytes,
        long usedBytes,
        double load) {

    public Candidate {
        backbones = Set.copyOf(backbones);
    }

    boolean hosts(String backbone) {
        return backbones.contains(backbone);
    }

    boolean hasRoomFor(long residentBytes) {
        return usedBytes + residentBytes <= memoryBudgetBytes;
    }
}
