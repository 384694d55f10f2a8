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
