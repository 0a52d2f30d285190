/**
 * The placement policy: which worker a vFM goes to, decided from plain values. Nothing here touches
 * Spring, JPA or the network (an architecture test holds it to the JDK), so the control plane and
 * the cluster simulator in {@code bench} run the very same rule.
 */
package dev.fmplex.control.placement;
