// Package rgflow is a Go library for renormalization-group experiments with
// neural networks on lattice spin models. It reproduces and extends
//
//	S. Iso, S. Shiba, S. Yokoo, "Scale-invariant feature extraction of neural
//	network and renormalization group flow", Phys. Rev. E 97, 053304 (2018),
//	arXiv:1801.07172.
//
// # The pipeline
//
//  1. Generate 2D Ising configurations on an L×L periodic lattice at a grid of
//     temperatures (package ising).
//  2. Train a supervised classifier, the neural thermometer, to read a
//     configuration's temperature (package thermo).
//  3. Train an unsupervised restricted Boltzmann machine on configurations of
//     all temperatures (package rbm).
//  4. Iterate the RBM flow v₀ → h → v₁ → h → v₂ … and read its temperature
//     with the thermometer: it approaches T_c = 2/ln(1+√2) ≈ 2.269 from both
//     sides (package flow).
//  5. Explain the flow from the weights: W Wᵀ, its spectrum, singular values,
//     receptive fields, couplings against the spin correlations (package rbm).
//
// # The packages
//
// The packages ising, rbm, thermo and flow do not import each other. They meet
// through plain data: a batch of configurations is a *mat.Dense with one
// configuration per row and cells 0/1 (spin s = 2v − 1, site order i*L+j);
// per-configuration scalars are []float64; temperature labels index an
// ascending []float64 grid. One-method interfaces join them: the RBM's Gibbs
// sampler satisfies flow.Stepper, and thermometers satisfy flow's readout
// interfaces. Randomness is always passed in as a math/rand/v2 rand.Source,
// and parallel work derives one stream per unit from it, so the same seed gives
// the same bits for any GOMAXPROCS.
//
// # Bad settings, bad data, mistakes
//
// Every package answers a problem in one of two ways, by who can know it:
//
//   - What is only known at run time is an error: a settings field out of
//     range (a negative size, a NaN or negative rate, a momentum outside
//     [0, 1), a checkpoint that does not fit the model or the trainer),
//     data that are not what the call needs (non-binary cells, NaN, a label
//     out of range), corrupt files, divergence, an error returned by a
//     callback. A settings error names the field and the value and says
//     what is wanted ("rbm: invalid settings: Momentum = 1.5 (want a value
//     in [0, 1))"); it wraps the package's ErrSettings where the package
//     has one, and it comes before any work, so that nothing is changed.
//     A value found bad only during the work (a Schedule's rate at an
//     epoch) stops it at the end of the last good step.
//   - A programmer's mistake, which no input at run time can cause, is a
//     documented panic: a shape mismatch between arguments (mat.ErrShape),
//     a negative size passed as a constant of the program.
//
// Zero values mean the documented defaults and a nil settings pointer
// means all defaults, so a zero is never an error; nil as a method (a
// Trainer) means the default method, as in gonum's optimize.Minimize.
//
// # Names and orders
//
// One rule for each, in every package:
//
//   - Parameters come in the order dst (the result, sized if empty), the
//     lattice (L, then T, then h), the data (configurations, a model), the
//     options (a unit index, a distance), a settings pointer, the random
//     source, and a progress callback last: ising.Energies(dst, L, h,
//     configs), ising.Correlations(L, configs), flow.Correlate(L, v, rmax),
//     rbm.ReceptiveField(dst, L, m, j), ising.Generate(s, src, progress).
//   - The random source is a rand.Source parameter of whatever draws random
//     numbers (src, before a progress callback). The two trainers are the
//     exception: rbm.Settings and thermo.TrainSettings carry Src and
//     Progress as fields, because a checkpoint saves the source's state with
//     the rest of the run and Resume restores it. A type that draws numbers
//     in a method it must keep (flow.RandomWeights, a Stepper) has a Src
//     field, as gonum's distuv types do.
//   - A long call stops through its progress callback: the callback returns
//     an error, and the call returns promptly with that error unchanged and
//     no partial result (ising.Generate, ising.Measure,
//     ising.DensityOfStates, rbm.Train, thermo.Train; a flow's fn).
//   - Settings types are named …Settings; their zero value is the documented
//     default, a nil pointer means all defaults, and each package that has
//     them returns ErrSettings (wrapped, naming the field and its value) for
//     a field out of range.
//
// # The examples
//
// Each figure of the paper is an example program under examples/, run as
// go run ./examples/NAME -out DIR; examples/paper runs the whole pipeline.
//
// # References
//
//   - L. Onsager, Phys. Rev. 65, 117 (1944); B. Kaufman, Phys. Rev. 76, 1232 (1949).
//   - N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953).
//   - R. H. Swendsen, J.-S. Wang, Phys. Rev. Lett. 58, 86 (1987); U. Wolff,
//     Phys. Rev. Lett. 62, 361 (1989).
//   - G. E. Hinton, Neural Comput. 14, 1771 (2002); T. Tieleman, ICML 2008.
//   - R. Veiga, R. Vicente, arXiv:2006.10176; S. S. Funai, D. Giataganas,
//     Phys. Rev. Research 2, 033415 (2020); S. S. Funai, arXiv:2111.11166.
package rgflow
