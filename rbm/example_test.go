package rbm_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/rbm"
)

// twoPrototypes returns n rows of 8 bits: 11110000 or 00001111, each bit
// flipped with probability 0.1.
func twoPrototypes(n int, src rand.Source) *mat.Dense {
	r := rand.New(src)
	d := mat.NewDense(n, 8, nil)
	for i := 0; i < n; i++ {
		proto := 0x0f << (4 * r.IntN(2))
		for l := 0; l < 8; l++ {
			b := proto >> l & 1
			if r.Float64() < 0.1 {
				b ^= 1
			}
			d.Set(i, l, float64(b))
		}
	}
	return d
}

func ExampleTrain() {
	data := twoPrototypes(2000, rand.NewPCG(1, 1))
	m := rbm.New(8, 4, nil, rand.NewPCG(2, 2))
	before, _ := rbm.LogLikelihood(m, data) // exact: 2⁴ hidden states
	err := rbm.Train(m, data, &rbm.Settings{
		Epochs: 50, BatchSize: 20, LearningRate: 0.05, Momentum: 0.5,
		Src:      rand.NewPCG(3, 3),
		Monitors: rbm.MonitorRecon,
		Progress: func(mon rbm.Monitors) error {
			if mon.Epoch%25 == 0 {
				fmt.Printf("epoch %d: reconstruction error %.2f\n", mon.Epoch, mon.Train.Recon)
			}
			return nil
		},
	}, rbm.CD{K: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	after, _ := rbm.LogLikelihood(m, data)
	fmt.Printf("log-likelihood per sample: %.1f → %.1f nats\n", before, after)
	// Output:
	// epoch 25: reconstruction error 0.09
	// epoch 50: reconstruction error 0.09
	// log-likelihood per sample: -5.6 → -3.3 nats
}

func ExampleGibbs_Step() {
	// A ferromagnet-like RBM: one hidden unit coupled to all 16 visible
	// units, so chains started at random jump towards all-0 or all-1.
	m := rbm.New(16, 1, &rbm.InitSettings{Sigma: -1, Mean: 2}, rand.NewPCG(1, 1))
	for i := range m.VBias {
		m.VBias[i] = -1 // p(v=1|h) = σ(2h − 1)
	}
	m.HBias[0] = -16
	v := mat.NewDense(1000, 16, nil)
	r := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 1000; i++ {
		for j := 0; j < 16; j++ {
			v.Set(i, j, float64(r.IntN(2)))
		}
	}
	absMag := func() float64 { // ⟨|2·mean(v) − 1|⟩ over chains
		var s float64
		for i := 0; i < 1000; i++ {
			s += math.Abs(2*mat.Sum(v.RowView(i))/16 - 1)
		}
		return s / 1000
	}
	fmt.Printf("⟨|m|⟩ at the start: %.2f\n", absMag())
	g := rbm.NewGibbs(m, &rbm.GibbsSettings{K: 10}, rand.NewPCG(3, 3))
	g.Step(v, v) // in place: v ← ten steps v → h → v′
	fmt.Printf("⟨|m|⟩ after 10 steps: %.2f\n", absMag())
	// In the ordered phase each visible unit is on with probability
	// σ(1) ≈ 0.73, so ⟨|m|⟩ ≈ 2·0.73 − 1 ≈ 0.46 plus fluctuations.

	// Output:
	// ⟨|m|⟩ at the start: 0.20
	// ⟨|m|⟩ after 10 steps: 0.47
}

func ExampleLogZ() {
	// With W = 0 and zero biases every one of the 2^(3+2) states has
	// energy 0, so Z = 32.
	m := rbm.New(3, 2, &rbm.InitSettings{Sigma: -1}, rand.NewPCG(1, 1))
	z, err := rbm.LogZ(m)
	fmt.Printf("log Z = %.4f (ln 32 = %.4f), err %v\n", z, math.Log(32), err)
	// Output:
	// log Z = 3.4657 (ln 32 = 3.4657), err <nil>
}

func ExampleAIS() {
	m := rbm.New(20, 10, &rbm.InitSettings{Sigma: 0.5}, rand.NewPCG(1, 1))
	exact, _ := rbm.LogZ(m)
	est, se := rbm.AIS(m, &rbm.AISSettings{Chains: 100, Betas: 500}, rand.NewPCG(2, 2))
	fmt.Printf("exact %.2f, AIS %.2f ± %.2f, within 3σ: %v\n", exact, est, se, math.Abs(est-exact) < 3*se)
	// Output:
	// exact 25.87, AIS 25.86 ± 0.01, within 3σ: true
}

func ExampleModel_Save() {
	dir, err := os.MkdirTemp("", "rbm-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	m := rbm.New(100, 64, &rbm.InitSettings{NoBias: true}, rand.NewPCG(1, 1))
	path := filepath.Join(dir, "model.npz") // numpy.load opens it
	if err := m.Save(path); err != nil {
		fmt.Println(err)
		return
	}
	got, err := rbm.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	nv, nh := got.Dims()
	fmt.Println(nv, nh, got.NoVBias, mat.Equal(got.W, m.W), got.Hyper.InitSigma)
	// Output:
	// 100 64 true true 0.1
}

func ExampleCouplings() {
	// W Wᵀ is the matrix product, not the element-wise square.
	m := &rbm.Model{W: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), VBias: make([]float64, 2), HBias: make([]float64, 2)}
	var c mat.Dense
	rbm.Couplings(&c, m)
	fmt.Printf("%v\n", mat.Formatted(&c))
	vals, _, _ := rbm.CouplingSpectrum(m)
	sv, _ := rbm.SingularValues(m)
	fmt.Printf("eigenvalues %.4f, singular values squared %.4f %.4f\n", vals, sv[0]*sv[0], sv[1]*sv[1])
	// Output:
	// ⎡ 5  11⎤
	// ⎣11  25⎦
	// eigenvalues [29.8661 0.1339], singular values squared 29.8661 0.1339
}

func ExampleDisplacementAverage() {
	// The nearest-neighbour adjacency matrix of a periodic 4×4 lattice,
	// averaged over displacements: 1 at distance 1, 0 elsewhere.
	const L = 4
	c := mat.NewDense(L*L, L*L, nil)
	for y := 0; y < L; y++ {
		for x := 0; x < L; x++ {
			i := y*L + x
			c.Set(i, y*L+(x+1)%L, 1)
			c.Set(i, y*L+(x+L-1)%L, 1)
			c.Set(i, ((y+1)%L)*L+x, 1)
			c.Set(i, ((y+L-1)%L)*L+x, 1)
		}
	}
	var grid mat.Dense
	rbm.DisplacementAverage(&grid, L, c)
	r, mean := rbm.RadialProfile(&grid)
	for k := range r {
		fmt.Printf("r = %.3f: %.0f\n", r[k], mean[k])
	}
	// Output:
	// r = 0.000: 0
	// r = 1.000: 1
	// r = 1.414: 0
	// r = 2.000: 0
	// r = 2.236: 0
	// r = 2.828: 0
}

func ExampleLoadCheckpoint() {
	dir, err := os.MkdirTemp("", "rbm-checkpoint")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	data := twoPrototypes(500, rand.NewPCG(1, 1))
	set := rbm.Settings{Epochs: 4, BatchSize: 50, Momentum: 0.5, Src: rand.NewPCG(2, 2)}

	// The uninterrupted run.
	full := rbm.New(8, 3, nil, rand.NewPCG(3, 3))
	if err := rbm.Train(full, data, &set, rbm.PCD{Chains: 40}); err != nil {
		fmt.Println(err)
		return
	}

	// Two epochs, a checkpoint, then the rest from the file.
	path := filepath.Join(dir, "ck.npz")
	half := set
	half.Epochs, half.Src, half.CheckpointPath = 2, rand.NewPCG(2, 2), path
	m := rbm.New(8, 3, nil, rand.NewPCG(3, 3))
	if err := rbm.Train(m, data, &half, rbm.PCD{Chains: 40}); err != nil {
		fmt.Println(err)
		return
	}
	ck, err := rbm.LoadCheckpoint(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	rest := set
	rest.Resume = ck
	if err := rbm.Train(m, data, &rest, rbm.PCD{Chains: 40}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("resumed from epoch", ck.Epoch, "- identical weights:", mat.Equal(m.W, full.W))
	// Output:
	// resumed from epoch 2 - identical weights: true
}

// ExampleLoadRows reads a user's own NumPy array into the row encoding.
// In Python the file would come from numpy.save("configs.npy", configs)
// with configs of shape (n, N), dtype uint8, bool, int or float, holding
// 0/1 values or ±1 spins.
func ExampleLoadRows() {
	dir, err := os.MkdirTemp("", "rbm-rows")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "configs.npy")
	// Stand-in for the user's file: 500 configurations of 8 sites.
	if err := rbm.SaveRows(path, twoPrototypes(500, rand.NewPCG(1, 1))); err != nil {
		fmt.Println(err)
		return
	}

	data, err := rbm.LoadRows(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	n, nv := data.Dims()
	fmt.Printf("%d configurations of %d sites\n", n, nv)
	m := rbm.New(nv, 4, nil, rand.NewPCG(2, 2))
	err = rbm.Train(m, data, &rbm.Settings{Epochs: 5, BatchSize: 50, Src: rand.NewPCG(3, 3)}, nil)
	fmt.Println("trained:", err == nil)

	// A value that is neither 0/1 nor ±1 is an error naming the cell.
	bad := mat.DenseCopyOf(data)
	bad.Set(3, 2, 2)
	fmt.Println(rbm.SaveRows(path, bad))
	// Output:
	// 500 configurations of 8 sites
	// trained: true
	// rbm: data is not binary (0/1): rows[3,2] = 2
}

// ExampleTrain_resume is a researcher's run on their own data: a NumPy
// array of ±1 spins (written here by hand, byte for byte as
// numpy.save(path, spins.astype(numpy.int8)) writes it) is read with
// LoadRows, and a PCD RBM is trained on it with a learning-rate schedule
// and a checkpoint after every epoch. The run is interrupted after epoch
// 3 (its Progress callback returns an error, as it would when a signal
// handler has set a flag) and resumed from the checkpoint file, as a new
// process would: model, persistent chains and random state end bit for bit
// as in the uninterrupted run.
func ExampleTrain_resume() {
	dir, err := os.MkdirTemp("", "rbm-resume")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	spins := filepath.Join(dir, "spins.npy")
	if err := writeSpins(spins, 1000, 16, rand.NewPCG(1, 1)); err != nil {
		fmt.Println(err)
		return
	}

	data, err := rbm.LoadRows(spins) // ±1 spins become the row encoding 0/1
	if err != nil {
		fmt.Println(err)
		return
	}
	n, nv := data.Dims()
	fmt.Printf("%d configurations of %d sites, the first %v\n", n, nv, data.RawRowView(0))

	trainer := rbm.PCD{Chains: 50}
	// settings returns the run's settings; each run gets a fresh source
	// with the same seed (a resumed run takes the checkpoint's instead).
	settings := func(checkpoint string) *rbm.Settings {
		return &rbm.Settings{
			Epochs: 6, BatchSize: 50, Momentum: 0.5,
			Schedule:       func(epoch int) float64 { return 0.1 / float64(epoch) },
			Src:            rand.NewPCG(2, 2),
			CheckpointPath: filepath.Join(dir, checkpoint),
		}
	}

	// The uninterrupted run.
	full := rbm.New(nv, 8, nil, rand.NewPCG(3, 3))
	if err := rbm.Train(full, data, settings("full.npz"), trainer); err != nil {
		fmt.Println(err)
		return
	}

	// The interrupted run: the checkpoint of an epoch is on disk before
	// Progress sees the epoch.
	interrupted := errors.New("interrupted")
	set := settings("run.npz")
	set.Progress = func(mon rbm.Monitors) error {
		if mon.Epoch == 3 {
			return interrupted
		}
		return nil
	}
	m := rbm.New(nv, 8, nil, rand.NewPCG(3, 3))
	fmt.Println("first run:", rbm.Train(m, data, set, trainer))

	// The resumed run: any model of the right shape will do, the
	// checkpoint's parameters replace its own.
	ck, err := rbm.LoadCheckpoint(set.CheckpointPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("resuming after epoch", ck.Epoch)
	resumed := rbm.New(nv, 8, nil, nil)
	set = settings("run.npz")
	set.Resume = ck
	if err := rbm.Train(resumed, data, set, trainer); err != nil {
		fmt.Println(err)
		return
	}

	a, errA := rbm.LoadCheckpoint(filepath.Join(dir, "full.npz"))
	b, errB := rbm.LoadCheckpoint(filepath.Join(dir, "run.npz"))
	if errA != nil || errB != nil {
		fmt.Println(errA, errB)
		return
	}
	fmt.Println("same weights and biases:", mat.Equal(resumed.W, full.W) &&
		slices.Equal(resumed.VBias, full.VBias) && slices.Equal(resumed.HBias, full.HBias))
	fmt.Println("same chains and random state:", mat.Equal(a.Chains, b.Chains) && bytes.Equal(a.RNG, b.RNG))
	h := resumed.Hyper
	fmt.Printf("trained %d epochs with %s, last learning rate %.4g (schedule %v)\n", h.Epochs, h.Trainer, h.LearningRate, h.Schedule)
	// Output:
	// 1000 configurations of 16 sites, the first [0 0 0 0 0 0 0 0 1 1 1 0 1 1 1 1]
	// first run: interrupted
	// resuming after epoch 3
	// same weights and biases: true
	// same chains and random state: true
	// trained 6 epochs with rbm.PCD{Chains:50 K:1 Precision:float32}, last learning rate 0.01667 (schedule true)
}

// writeSpins writes n configurations of nv spins ±1 to path as
// numpy.save writes an int8 array of shape (n, nv): the magic string,
// format version 1.0, the header's length and the header (a Python dict
// padded with spaces to a multiple of 64 bytes, ending in a newline), then
// the values in C order. Each configuration is one of two noisy
// prototypes, the first half of the sites down and the second half up or
// the reverse, with each spin flipped with probability 0.1.
func writeSpins(path string, n, nv int, src rand.Source) error {
	header := fmt.Sprintf("{'descr': '|i1', 'fortran_order': False, 'shape': (%d, %d), }", n, nv)
	header += strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	buf := binary.LittleEndian.AppendUint16([]byte("\x93NUMPY\x01\x00"), uint16(len(header)))
	buf = append(buf, header...)
	r := rand.New(src)
	for range n {
		up := r.IntN(2) == 0
		for j := range nv {
			s := int8(-1)
			if (j >= nv/2) == up {
				s = 1
			}
			if r.Float64() < 0.1 {
				s = -s
			}
			buf = append(buf, byte(s))
		}
	}
	return os.WriteFile(path, buf, 0o644)
}
