/**
 * A fifth, deliberately trivial backbone family that exists only in the worker's tests: it proves
 * that a family is one package plus one services line, with no change anywhere else.
 */
package dev.fmplex.engine.family.toy;
