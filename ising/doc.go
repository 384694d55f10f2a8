// Package ising generates and describes configurations of the 2D Ising
// model on an L×L square lattice with periodic boundaries: samplers,
// labelled datasets, observables and exact solutions.
//
// # Conventions
//
// Units J = k_B = 1; the energy is E = −Σ⟨ij⟩ sᵢsⱼ − h Σᵢ sᵢ with each
// nearest-neighbour pair counted once; T_c = 2/ln(1+√2) ≈ 2.269185.
// Temperatures are T ≥ 0, with T = 0 and T = +Inf sampled exactly (no
// small-epsilon tricks). At package boundaries a configuration is a row of
// 0/1 values (spin s = 2v − 1) in site order i*L+j; a batch is a *mat.Dense
// with one configuration per row. Energies and magnetisations are per spin
// unless a name says otherwise.
//
// # Samplers
//
// Every sampler satisfies the three-method Sampler interface and owns its
// state, so a bit-packed multi-spin sampler can stand behind it:
// NewMetropolis (random-site single-spin Metropolis, the paper's reference),
// NewCheckerboard (checkerboard Metropolis), NewHeatBath (checkerboard heat
// bath), NewWolff and NewSwendsenWang (cluster updates, h = 0), NewZeroT and
// NewInfiniteT (exact), and, without lattice topology, NewMeanField
// (independent spins with m = tanh((4m+h)/T), T_c^MF = 4) and NewCurieWeiss
// (the fully connected model with coupling 4/N, sampled exactly).
// NewMultiSpin is a batch sampler: 64 independent replicas of an L×L
// lattice per 64-bit word (one bit per spin), each replica at its own
// temperature, updated in checkerboard order by bit-sliced Metropolis with
// a per-lane uniform (acceptance thresholds rounded to 2⁻⁴⁰), in AVX2
// assembly where available; h ≠ 0 is refused. Sweeps in a fixed order
// accept ΔE = 0 moves with probability 1/2 (NewCheckerboard too): the plain
// Metropolis rule would force them and leave states unreachable.
// NewBigSpin is the same update on one large lattice (L a multiple of 64),
// 64 sites of one colour per word, behind the Sampler interface. Both run
// about 6–7 attempted flips per ns on one AVX2 core (AVX-512VL, where the
// CPU has it, a little more) and 2.2 on the pure-Go path; the bit logic has
// no rounding, so every kernel gives the same bits.
// Measurements are taken after fixed numbers of updates only: a sampler's
// unit (a sweep, a cluster, an independent draw) is fixed in advance and
// never depends on the data.
//
// # Datasets
//
// Generate draws a labelled dataset over a temperature grid (by default the
// paper's L = 10, T = 0, 0.25, …, 6, 2000 configurations per temperature,
// random global spin flip on; it applies only at h = 0). At h = 0 the
// temperatures run together as lanes of multi-spin samplers, each with many
// independent chains: short pilots measure the integrated autocorrelation
// time τ_int of E and |m| (pooled over chains), each temperature gets a
// number of chains that balances the run, burns in 20 τ_int and saves a
// configuration every 5 τ_int; Wolff takes the temperatures where it is
// cheaper per independent sample (near T_c at large L). A temperature whose
// saved rows still look correlated is drawn again with a longer spacing.
// TempInfo records each temperature's τ_int, chains, spacing and the work
// of its pilots and of its production run (Dataset.PilotShare: about a
// tenth at 2000 configurations per temperature). At h ≠ 0 each temperature
// runs one chain chosen by its own pilot. Temperatures and lanes have their
// own random streams derived from the caller's source, so the same seed
// gives the same bits for any GOMAXPROCS. Save and Load keep a dataset as configs.npy
// (uint8 N×L²), temperatures.npy (float64 N) and meta.json, with SHA-256
// checksums of both arrays (a temperature +Inf is the string "+Inf" there).
//
// # Studies
//
// Measure is the measurement loop of a Monte Carlo study (burn-in, a fixed
// number of updates between measurements, the series of e and m per spin,
// Series.Summarize for the averages with autocorrelation-aware errors,
// the signed ⟨m⟩ and the susceptibility to the field among them:
// SummarizeSigned; Summarize takes |m| alone);
// Wolff.ClustersPerSweep and Wolff.Grouped turn Wolff's clusters into
// sweep-sized updates for it; TauInt and TauIntChains measure τ_int to
// choose its burn-in and spacing. Dataset.Subset, Dataset.Split and Concat
// cut and join datasets.
//
// # Stopping long calls
//
// The long calls (Generate, Measure, DensityOfStates) take a progress
// callback func(done, total int) error: returning an error stops the call
// promptly, and the call returns that error unchanged and no result.
//
// # Randomness
//
// Every random thing takes a caller-supplied math/rand/v2 rand.Source; a
// nil source is a programmer mistake and panics with "ising: nil
// rand.Source" (in the constructor, before any work). Stream derives named,
// independent streams from one seed. Types are not safe for concurrent use
// unless their documentation says so.
//
// # JSON
//
// The result types (Summary, Correlation, Enumeration, ExactValues, Pilot,
// TempInfo; meta.json uses the same encoding) marshal with encoding/json and
// round-trip bit for bit. Floats JSON cannot hold are encoded the same way in
// every rgflow package: NaN (a value not computed, or undefined) as null, +Inf
// and −Inf as the strings "+Inf" and "-Inf"; finite numbers as encoding/json
// writes them. Every float field is written, 0 included.
//
// # References
//
//   - L. Onsager, Phys. Rev. 65, 117 (1944); B. Kaufman, Phys. Rev. 76, 1232 (1949).
//   - N. Metropolis, A. W. Rosenbluth, M. N. Rosenbluth, A. H. Teller,
//     E. Teller, J. Chem. Phys. 21, 1087 (1953).
//   - R. H. Swendsen, J.-S. Wang, Phys. Rev. Lett. 58, 86 (1987).
//   - U. Wolff, Phys. Rev. Lett. 62, 361 (1989).
//   - A. D. Sokal, Monte Carlo methods in statistical mechanics (1996), for
//     the windowed integrated autocorrelation time.
//   - C. N. Yang, Phys. Rev. 85, 808 (1952) (spontaneous magnetisation);
//     A. E. Ferdinand, M. E. Fisher, Phys. Rev. 185, 832 (1969) (finite-size
//     corrections); P. D. Beale, Phys. Rev. Lett. 76, 78 (1996) (exact
//     density of states).
//   - H. Flyvbjerg, H. G. Petersen, J. Chem. Phys. 91, 461 (1989); M. Jonsson,
//     Phys. Rev. E 98, 043304 (2018) (blocking analysis).
//   - F. Cooper, B. Freedman, D. Preston, Nucl. Phys. B 210, 210 (1982)
//     (second-moment correlation length).
//   - S. Iso, S. Shiba, S. Yokoo, Phys. Rev. E 97, 053304 (2018).
//   - R. Veiga, R. Vicente, arXiv:2006.10176 (mean-field data).
package ising
