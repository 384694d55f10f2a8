// Package thermo holds thermometers for lattice spin configurations: the
// neural thermometer of Iso, Shiba and Yokoo (a supervised classifier over a
// grid of temperatures), the Bayes-optimal single-configuration thermometer on
// the energy, ensemble thermometers that invert a Monte Carlo ⟨E⟩(T) or
// ⟨|m|⟩(T) table, and their calibration on labelled data.
//
// # Conventions
//
// A batch of configurations is a *mat.Dense with one configuration per row and
// cells 0/1 (spin s = 2v − 1, site order i*L+j on an L×L periodic lattice);
// cells in between (mean-field probabilities) are accepted and mapped linearly.
// Temperatures are in units J = k_B = 1. Labels are indices into an ascending
// temperature grid (T = 0 is allowed and means the ground states).
//
// A per-configuration thermometer satisfies [Thermometer]: Temperatures
// returns the class grid and Probabilities fills an N×K matrix of class
// probabilities. The readouts [Argmax], [Expectation] and [MeanSoftmax] turn
// probabilities into temperatures, and [Calibrate] measures a thermometer on
// labelled data. An ensemble thermometer satisfies [EnsembleThermometer].
//
// # The neural thermometer
//
// [NewNetwork] builds a fully connected network ([Reference]: N → 512 → 256
// → 64 → K, tanh, as in the reference code; [Small]: N → 64 → K; [Medium]:
// N → 128 → 64 → K, which with enough data and [ExponentialSchedule]
// reaches the Bayes limit of the exact-class accuracy) and [Train]
// fits it by mini-batch Adam or SGD with momentum on the categorical (or the
// reference code's binary) cross-entropy, with L2, a learning-rate
// schedule, seeded shuffling, early stopping on a stratified validation
// split, a per-epoch Progress callback, checkpoints that resume
// bit-identically (the weights, the optimizer's moments, the random
// stream, the split and the early-stopping state: [Checkpoint],
// [LoadCheckpoint], TrainSettings.Resume), and ErrDiverged on divergence.
// Invalid settings, and a checkpoint that does not fit the run, are errors
// that name the field and the value (wrapping ErrSettings), returned
// before any training. Forward and backward passes are batched matrix
// products, by default in float32 (TrainSettings.Precision, Network.SetPrecision):
// a 6×16 AVX2/FMA kernel in Go assembly (internal/gemm) where the CPU has it,
// plain Go elsewhere and under the purego build tag, with bias and tanh
// fused; a training step allocates nothing. The parameters, files, losses
// and softmax stay float64; the float32 copy of the weights is written back
// exactly at every epoch end. Precision Float64 is the reference path on
// gonum's BLAS. TrainSettings.Symmetrize augments every training row by a random
// symmetry of the zero-field model (translation, rotation or reflection,
// global spin flip): at L = 10 it brings the small network from ≈ 0.39 to
// ≈ 0.43 within-one-class accuracy, against the Bayes thermometer's 0.44.
// Network.SetSymmetric makes the readout itself Z₂-invariant: the mean of
// the network's probabilities for a configuration and its global flip, so
// that all-up and all-down ground states read alike.
//
// At a fixed field h a configuration's energy E = −Σ sᵢsⱼ − hΣsᵢ is a
// sufficient statistic for T: P(σ | T) = exp(−E(σ)/T)/Z(T), so the posterior
// over the classes depends on σ only through E. The energy thermometers take
// the data's field (FitEnergyBayes, FitEnsemble: pass 0 at zero field). A
// thermometer fitted on data of one field and used on data of another
// reads wrong temperatures: it measures the energy in the field it was
// fitted at. [EnergyBayes] is that posterior with the density of states
// estimated from labelled data by multi-histogram reweighting (Ferrenberg and
// Swendsen 1989; Shirts and Chodera 2008), and so is the best any
// single-configuration thermometer can do: it is the yardstick for the
// neural one. [EnergyBayesFromDOS] builds it from a known (for example
// exact) density of states instead. The argmax of its posterior is the Bayes
// decision for the exact-class accuracy; [ArgmaxWindow] gives the Bayes
// decision for the within-one-class accuracy, whose accuracy is that metric's
// limit. The physical thermometers answer the criticism of Veiga and Vicente
// (arXiv:2006.10176) that a neural thermometer reads "near T_c" for almost
// anything: they read the same data without any
// learned features.
//
// # Randomness and concurrency
//
// Initial weights and the shuffling of mini-batches come from a caller-supplied
// math/rand/v2 rand.Source. The float32 path splits each batch into fixed
// row chunks and fixed weight ranges, whatever the number of goroutines, and
// every element of a product is summed in the same order wherever it falls,
// so training and prediction are bit-identical for any GOMAXPROCS on a given
// kernel path (AVX2 or pure Go; the two agree to float32 rounding). The
// float64 path relies on gonum's BLAS, whose parallel kernels also sum
// every element in a fixed order. Values of the types here are not safe for concurrent use: a
// Network keeps its work buffers between calls.
//
// # Files
//
// [Network.Save] writes a NumPy .npz archive (weights W0, W1, …, biases b0,
// b1, …, the temperature grid, and a JSON metadata record with the format
// version), atomically; [Load] verifies it and rejects corrupt or inconsistent
// files. [Checkpoint.Save] and [LoadCheckpoint] do the same for a training
// run's state (the network's arrays plus opt_m, opt_v, rng, train_idx,
// val_idx and best).
//
// # JSON
//
// The result types (Calibration, ClassCalibration, EpochStats,
// TrainResult) marshal with encoding/json and
// round-trip bit for bit. Floats JSON cannot hold are encoded the same way in
// every rgflow package: NaN (a value not computed, or undefined) as null, +Inf
// and −Inf as the strings "+Inf" and "-Inf"; finite numbers as encoding/json
// writes them. Every float field is written, 0 included.
//
// # References
//
//   - S. Iso, S. Shiba, S. Yokoo, Phys. Rev. E 97, 053304 (2018), arXiv:1801.07172.
//   - R. Veiga, R. Vicente, arXiv:2006.10176.
//   - A. M. Ferrenberg, R. H. Swendsen, Phys. Rev. Lett. 63, 1195 (1989).
//   - M. R. Shirts, J. D. Chodera, J. Chem. Phys. 129, 124105 (2008).
//   - D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", arXiv:1412.6980.
//   - F. N. Fritsch, J. Butland, SIAM J. Sci. Stat. Comput. 5, 300 (1984).
package thermo
