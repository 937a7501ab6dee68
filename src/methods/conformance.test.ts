/**
 * The shared conformance suite (../../shared/DESIGN.md, "Every method passes one shared conformance suite"), on
 * a tiny 12-16-16-4 MLP trained 40 steps on random data with a mask change every 4 steps.
 *
 * Every method, Spartan included: masks exactly the layers --dense-layers leaves, survives a
 * serialise/deserialise round trip bit for bit, and gives the same numbers for the same seed.
 * Every set-based method besides: keeps exact counts, keeps A ⊆ B, leaves entries outside B bit-identical and
 * starts entering entries at zero optimizer state. Spartan has no sets while it trains (dense weights behind a
 * soft mask); its own invariants (exact hard budget, whole blocks, freeze, finalize) are in
 * softMaskController.test.ts.
 */
import { describeConformance } from './conformance/testing.js';
import { methodNames, trainingMethodNames } from './registry.js';

describeConformance(trainingMethodNames(), methodNames());
