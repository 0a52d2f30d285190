/**
 * Task construction (issue 18), the part that needs no backbone: fitting a vFM's head on frozen
 * backbone features. {@link dev.fmplex.control.training.HeadFitter} chooses the L2 strength by
 * stratified k-fold cross-validation and fits softmax regression (classification) or ridge
 * regression (regression) in plain Java, so the control plane can build a head without loading DJL;
 * the result is a {@code classifier.weight}/{@code classifier.bias} pair over pooled features, the
 * layout the PEFT importer already reads. Deterministic for a seed. Not yet reached over REST: the
 * training-job resource that feeds it features from a worker is still to come.
 */
package dev.fmplex.control.training;
