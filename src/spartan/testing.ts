/**
 * spec/spartan.md, "Check vector" (a test fixture): values with unit costs and K = 3, so τ = 0.6 and the hard
 * mask keeps {0, 4, 7}; per β the soft mask m and μ in m = σ(β(u − τ) + μ), to 6 decimals.
 */
export const CHECK_VALUES = [0.9, 0.1, 0.5, 0.3, 0.7, 0.05, 0.2, 0.6];
export const CHECK_BUDGET = 3;
export const CHECK_TABLE = [
  {
    beta: 1,
    mask: [0.490173, 0.30168, 0.391905, 0.345402, 0.440456, 0.291252, 0.323155, 0.415977],
    mu: -0.339311,
  },
  {
    beta: 10,
    mask: [0.973829, 0.012329, 0.405302, 0.084446, 0.834323, 0.007514, 0.032818, 0.64944],
    mu: 0.616579,
  },
  { beta: 50, mask: [1, 0, 0.076132, 0.000004, 0.999449, 0, 0, 0.924415], mu: 2.503901 },
];
