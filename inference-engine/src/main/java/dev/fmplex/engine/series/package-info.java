/**
 * Time-series inputs: the JSON series a request carries, checked against the backbone's channels
 * and context length, missing values handled by the vFM's policy, instance-normalized and cut into
 * patches as transformers' PatchTST does before its encoder.
 */
package dev.fmplex.engine.series;
