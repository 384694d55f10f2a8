// Package flow iterates the RBM flow v₀ → h → v₁ → h → v₂ … on a batch of
// configurations and reads it out along the way.
//
// # Conventions
//
// A batch of configurations is a *mat.Dense with one configuration per row
// and cells in [0, 1] (0/1 for sampled configurations, probabilities for
// mean-field flows); the spin is s = 2v − 1. The package does not import
// rbm, thermo or ising: it drives anything with a Step(dst, v *mat.Dense)
// method (a Stepper, such as the RBM's Gibbs sampler) and reads temperatures
// through anything with the methods of a Classifier (per-configuration class
// probabilities over a temperature grid, such as the neural thermometer) or
// an EnsembleThermometer (one temperature for a whole ensemble, such as a
// thermometer calibrated on the Monte Carlo ⟨E⟩(T)).
//
// Run streams each step to a callback instead of storing the flow; Observer
// turns a step into a Readout (temperature distribution, |m| and energy with
// standard errors, the |m| histogram or basin fractions, the connected spin
// correlation and its correlation length, and the Kolmogorov–Smirnov
// distance to the equilibrium ensembles that match |m| and e);
// FindFixedPoint declares a fixed point only where every readout has
// stopped changing, and otherwise says which one still moves.
//
// # What the readouts can tell
//
// A fixed point's |m| and energy turn it into a temperature; they do not
// make it an equilibrium state. Correlate's connected correlation tells a
// product state (independent spins given each configuration's
// magnetisation: Conn(r) = 0 at every r ≥ 1) from a correlated one, and KS
// sets the distribution of |m| or e against the Monte Carlo ensemble with
// the same mean: an equilibrium ensemble has a broad |m| distribution near
// T_c, a product state a binomial one.
//
// # Randomness
//
// Random start ensembles and the random-weights baseline draw from a
// caller-supplied math/rand/v2 rand.Source; the same source state gives the
// same bits.
//
// # JSON
//
// The result types (Reading, Readout, FixedPoint, Correlation, Match, Drift)
// marshal with encoding/json and round-trip bit for bit, except a Readout's
// per-configuration values (AbsMs, Es, Ts), which are not written. Floats JSON cannot hold are encoded the same way in
// every rgflow package: NaN (a value not computed, or undefined) as null, +Inf
// and −Inf as the strings "+Inf" and "-Inf"; finite numbers as encoding/json
// writes them. Every float field is written, 0 included.
//
// # References
//
//   - S. Iso, S. Shiba, S. Yokoo, Phys. Rev. E 97, 053304 (2018), arXiv:1801.07172.
//   - R. Veiga, R. Vicente, arXiv:2006.10176 (random-weights baseline).
//   - W. H. Press et al., Numerical Recipes, 3rd ed., §14.3.3 (the
//     Kolmogorov–Smirnov test and its asymptotic distribution).
package flow
