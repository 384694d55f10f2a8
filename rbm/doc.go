// Package rbm is a Bernoulli–Bernoulli restricted Boltzmann machine: the
// model, batch inference and block Gibbs sampling, training with pluggable
// negative phases (CD-k, PCD, or a Trainer of your own; nil means CD-1)
// with a learning-rate schedule, momentum, weight decay, early stopping on
// a validation score and bit-identical checkpoint/resume, monitors (the
// reconstruction error, pseudo-log-likelihood, free-energy gap, exact
// log-likelihood for small models, annealed importance sampling of log Z,
// and the lattice monitor comparing the model's samples with the data in
// ⟨m⟩, ⟨|m|⟩ and ⟨e⟩),
// the weight analysis of Iso, Shiba and Yokoo (W Wᵀ, its spectrum, singular
// values, receptive fields, the weight histogram, couplings versus lattice
// displacement), and model and checkpoint files.
//
// # Conventions
//
// A batch is a *mat.Dense with one sample per row; visible and hidden
// states are 0/1. For Ising configurations a row holds site y*L+x with
// s = 2v − 1, as everywhere in rgflow, but the package itself trains on any
// binary data and does not import the other rgflow packages.
//
// The energy is E(v, h) = −b·v − c·h − vᵀWh with W of shape Nv×Nh, so
// p(h_j=1|v) = σ(c_j + (vW)_j), p(v_i=1|h) = σ(b_i + (Wh)_i), and the free
// energy is F(v) = −b·v − Σ_j log(1 + e^{c_j+(vW)_j}), p(v) = e^{−F(v)}/Z.
// Log-likelihoods are in nats.
//
// Methods that fill a matrix take the destination first: an empty
// destination is sized, one of the wrong shape panics with mat.ErrShape.
//
// # Randomness and parallelism
//
// Every random operation takes a math/rand/v2 rand.Source. Work on a batch
// is split into blocks of at most 64 rows (a function of the batch size
// only); each call draws one seed per block from the source, and each
// block runs a fast generator of its own, so the same seed gives the same
// bits for any GOMAXPROCS.
//
// # Precision and kernels
//
// Gibbs sampling on 0/1 states and the CD and PCD trainers run by default
// on float32 kernels that exploit the binary structure (Precision
// Float32): a product of a 0/1 row with W is the sum of the selected rows
// of W, the bias, sigmoid and Bernoulli draw are one fused pass drawing
// from eight xoshiro128+ lanes, and the gradient v₀ᵀh₀ − v₁ᵀh₁ is a sum of
// hidden rows selected by the visible bits. On amd64 with AVX2 and FMA
// these are Go assembly (internal/simd); elsewhere, and under the purego
// build tag, plain Go with the same arithmetic up to the roundings of fused
// multiply-adds. The weights, biases and velocities stay float64, as do
// free energies, log Z, likelihoods and AIS. Precision Float64 (in CD,
// PCD and GibbsSettings) selects the reference path: gonum's float64 BLAS
// and math.Exp, with the wyrand generator. The two paths draw different
// random numbers, so they agree in distribution, not bit for bit; the
// exact tests run on both.
//
// Train derives a *rand.PCG from Settings.Src and uses it for everything
// (shuffling and the trainer's chains); a Checkpoint stores its state, the
// optimiser's velocities, any persistent chains and the early-stopping
// state, so a resumed run is bit-identical to an uninterrupted one.
//
// # Settings
//
// Invalid settings are errors that name the field and its value, wrapping
// ErrSettings ("rbm: invalid settings: Momentum = 1.5 (want a value in
// [0, 1))"), returned before anything changes; shape mismatches are
// panics (mat.ErrShape), as in gonum. A Resume checkpoint that does not
// fit the model or the trainer is a settings error too, not ErrFormat:
// the file is fine.
//
// # Files
//
// A model is one .npz archive with arrays W, vbias, hbias and a
// JSON metadata record "meta" (format, version, sizes, hyper-parameters):
//
//	f = numpy.load("model.npz"); W = f["W"]; meta = json.loads(bytes(f["meta"]))
//
// A user's own configurations enter through ReadRows and LoadRows: a plain
// NumPy .npy array of shape (n, N) of any bool, integer or float type,
// holding 0/1 values or ±1 spins, becomes the row encoding (cells 0/1);
// anything else (other values, NaN, another rank, a malformed file) is an
// error saying what and where. WriteRows and SaveRows write the row
// encoding back as a uint8 array (SaveRows atomically):
//
//	numpy.save("configs.npy", configs)   # Python
//	data, err := rbm.LoadRows("configs.npy")   // Go
//
// # JSON
//
// The result types (Monitors, Stats, Histogram) marshal with encoding/json and
// round-trip bit for bit. Floats JSON cannot hold are encoded the same way in
// every rgflow package: NaN (a value not computed, or undefined) as null, +Inf
// and −Inf as the strings "+Inf" and "-Inf"; finite numbers as encoding/json
// writes them. Every float field is written, 0 included.
//
// # References
//
//   - G. E. Hinton, Training products of experts by minimizing contrastive
//     divergence, Neural Comput. 14, 1771 (2002); A practical guide to
//     training restricted Boltzmann machines, UTML TR 2010-003.
//   - T. Tieleman, Training restricted Boltzmann machines using
//     approximations to the likelihood gradient, ICML 2008.
//   - R. M. Neal, Annealed importance sampling, Stat. Comput. 11, 125 (2001);
//     R. Salakhutdinov, I. Murray, On the quantitative analysis of deep
//     belief networks, ICML 2008.
//   - J. Besag, Statistical analysis of non-lattice data, The Statistician
//     24, 179 (1975) (pseudo-likelihood).
//   - S. Iso, S. Shiba, S. Yokoo, Phys. Rev. E 97, 053304 (2018),
//     arXiv:1801.07172.
package rbm
