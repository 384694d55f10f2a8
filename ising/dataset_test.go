package ising

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGenerateDefault draws the paper's default dataset and checks its
// shape, labels, exactness at T = 0, independence of the saved
// configurations, and ⟨e⟩ per temperature against Kaufman's exact values.
func TestGenerateDefault(t *testing.T) {
	t.Parallel()
	calls := 0
	d, err := Generate(nil, rand.NewPCG(2018, 53304), func(done, total int) error {
		calls++
		if done != calls || total != 25 {
			t.Errorf("progress(%d, %d) at call %d", done, total, calls)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, c := d.Configs.Dims()
	if n != 25*DefaultPerTemp || c != 100 || d.L != 10 || len(d.Grid) != 25 || d.Grid[24] != 6 || calls != 25 {
		t.Fatalf("shape %d×%d, L %d, grid %v, %d progress calls", n, c, d.L, d.Grid, calls)
	}
	e := Energies(nil, d.L, 0, d.Configs)
	m := Magnetizations(nil, d.Configs)
	up := 0
	for k, T := range d.Grid {
		lo, hi := k*DefaultPerTemp, (k+1)*DefaultPerTemp
		for r := lo; r < hi; r++ {
			if d.Labels[r] != k || d.Temps[r] != T {
				t.Fatalf("row %d: label %d temp %v, want %d %v", r, d.Labels[r], d.Temps[r], k, T)
			}
		}
		info := d.Info[k]
		if T == 0 {
			for r := lo; r < hi; r++ {
				if math.Abs(m[r]) != 1 {
					t.Fatalf("T = 0 row %d has m = %v", r, m[r])
				}
				if m[r] > 0 {
					up++
				}
			}
			if info.Algorithm != AlgZeroT {
				t.Errorf("T = 0 sampled with %v", info.Algorithm)
			}
			continue
		}
		// The saved series must look independent: τ_int ≈ 1/2. With the
		// Sokal window on 2000 samples the estimate of an independent
		// series has standard deviation ≈ √(2(2W+1)/n)/2 ≈ 0.05 for W ≈ 3;
		// 0.8 is 6 such deviations above 1/2.
		if info.SavedTauE > 0.8 || info.SavedTauM > 0.8 {
			t.Errorf("T = %v: saved configurations correlated: τ_e %.2f τ_|m| %.2f", T, info.SavedTauE, info.SavedTauM)
		}
		mean, v := fluct(e[lo:hi], 0, 0)
		// Standard error of the mean of nearly independent samples, widened
		// by the measured 2τ_int; 5 errors for 24 temperatures. At low T a
		// run may see no excitation at all (se = 0) while the exact value
		// lies a little above −2: one excitation costs 8/N in e, and seeing
		// none is consistent at 5σ with up to ~5 per n configurations,
		// so allow 5·8/(N·n) on top.
		se := math.Sqrt(v / float64(DefaultPerTemp) * math.Max(1, 2*info.SavedTauE))
		if want := Exact(10, T).E; math.Abs(mean-want) > 5*se+5*8.0/(100*DefaultPerTemp) {
			t.Errorf("T = %v: ⟨e⟩ = %.4f ± %.4f, exact %.4f", T, mean, se, want)
		}
	}
	// Z₂ flip: the 2000 ground states are up with probability 1/2;
	// 5 standard deviations are 5·√2000/2 ≈ 112.
	if math.Abs(float64(up)-1000) > 112 {
		t.Errorf("T = 0: %d of 2000 up", up)
	}
}

// TestGenerateFieldNoFlip: at h ≠ 0 the global spin flip is not a symmetry,
// so Generate and Sample must not apply it; ⟨m⟩ and ⟨e⟩ of the data at
// L = 4, h = 0.5 must match the exact enumeration.
//
// Tolerance: the n saved configurations are spaced 5 τ_int apart, so the
// standard error of a sample mean is σ √(2τ/n), with τ the measured τ_int
// of the saved series (≥ ½; max(1, 2τ) keeps at least the independent
// value). The single-sample variances are exact: σ²_m = ⟨m²⟩ − ⟨m⟩² from
// Enumerate's M2 and M, σ²_e = C T²/N from its specific heat per spin
// C = N(⟨e²⟩ − ⟨e⟩²)/T². Five standard errors over 8 comparisons give a
// false alarm with probability ≈ 5·10⁻⁶. Flipping half the configurations
// (the old behaviour) moves ⟨m⟩ by ≈ −⟨m⟩ and ⟨e⟩ by ≈ +h⟨m⟩ (a flipped
// configuration has e + 2hm), which the test checks is over twice the
// tolerance, so the old behaviour fails it.
func TestGenerateFieldNoFlip(t *testing.T) {
	t.Parallel()
	const L, h, n = 4, 0.5, 2000
	N := float64(L * L)
	grid := []float64{1.5, 3}
	d, err := Generate(&DatasetSettings{L: L, Grid: grid, PerTemp: n, H: h}, rand.NewPCG(11, 12), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Flip {
		t.Error("Dataset.Flip recorded at h ≠ 0")
	}
	check := func(name string, T float64, configs *mat.Dense) {
		t.Helper()
		ex := Enumerate(L, T, h)
		e := Energies(nil, L, h, configs)
		m := Magnetizations(nil, configs)
		for _, o := range []struct {
			obs          string
			x            []float64
			want, v, old float64
		}{
			{"m", m, ex.M, ex.M2 - ex.M*ex.M, ex.M},
			{"e", e, ex.E, ex.C * T * T / N, h * ex.M},
		} {
			tau, _ := TauInt(o.x)
			tol := 5 * math.Sqrt(o.v*math.Max(1, 2*tau)/float64(len(o.x)))
			if !(2*tol < math.Abs(o.old)) {
				t.Fatalf("%s T = %v: tolerance %v cannot tell the old flip's shift %v", name, T, tol, o.old)
			}
			if got := mean(o.x); !(math.Abs(got-o.want) <= tol) {
				t.Errorf("%s T = %v: ⟨%s⟩ = %.4f, exact %.4f ± %.4f (τ = %.2f)", name, T, o.obs, got, o.want, tol, tau)
			}
		}
	}
	for k, T := range grid {
		check("Generate", T, d.Configs.Slice(k*n, (k+1)*n, 0, L*L).(*mat.Dense))
		x, err := Sample(L, T, h, n, rand.NewPCG(13, uint64(k)))
		if err != nil {
			t.Fatal(err)
		}
		check("Sample", T, x)
	}
	// At h = 0 the flip is on by default and NoFlip turns it off.
	for _, no := range []bool{false, true} {
		d, err := Generate(&DatasetSettings{L: L, Grid: []float64{1}, PerTemp: 1, NoFlip: no}, rand.NewPCG(1, 1), nil)
		if err != nil || d.Flip == no {
			t.Errorf("h = 0, NoFlip %v: Flip %v, %v", no, d.Flip, err)
		}
	}
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// TestAutoChoosesWolffNearTc: at L = 100 and T = 2.25 the multi-spin
// sampler's τ_int is thousands of sweeps while Wolff decorrelates in about
// one update of ≈ L² flips, so Auto must hand the temperature to Wolff; at
// T = 5 the multi-spin lanes are far cheaper. At L = 10 the multi-spin
// sampler wins even at T = 2.25 (τ ≈ 10 sweeps of 100 lane updates at
// MultiSpinWork against Wolff's ≈ 1 update of 100 flips at WolffWork).
func TestAutoChoosesWolffNearTc(t *testing.T) {
	t.Parallel()
	d, err := Generate(&DatasetSettings{L: 100, Grid: []float64{2.25, 5}, PerTemp: 20}, rand.NewPCG(1, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := d.Info[0].Algorithm; a != AlgWolff {
		t.Errorf("L = 100, T = 2.25: %v, candidates %+v", a, d.Info[0].Candidates)
	}
	if a := d.Info[1].Algorithm; a != AlgMultiSpin {
		t.Errorf("L = 100, T = 5: %v, candidates %+v", a, d.Info[1].Candidates)
	}
	for _, in := range d.Info {
		if !in.Candidates[0].Converged || len(in.Candidates) > 1 && in.Candidates[1].Algorithm == AlgWolff &&
			in.Candidates[1].Converged && in.Candidates[0].Cost() > in.Candidates[1].Cost() {
			t.Errorf("T = %v: candidates %+v", in.T, in.Candidates)
		}
	}
	d, err = Generate(&DatasetSettings{L: 10, Grid: []float64{2.25}, PerTemp: 20}, rand.NewPCG(1, 1), nil)
	if err != nil || d.Info[0].Algorithm != AlgMultiSpin {
		t.Errorf("L = 10, T = 2.25: %+v, %v", d.Info[0], err)
	}
}

// TestGenerateDeterministic: the same seed gives the same bits for
// GOMAXPROCS 1 and 2 and for any number of workers.
func TestGenerateDeterministic(t *testing.T) {
	set := &DatasetSettings{L: 8, Grid: []float64{0, 1.5, 2.25, 3, 4.5, math.Inf(1)}, PerTemp: 100}
	run := func(procs, workers int) *Dataset {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		s := *set
		s.Workers = workers
		d, err := Generate(&s, rand.NewPCG(7, 8), nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := run(1, 0)
	for _, pw := range [][2]int{{2, 0}, {2, 5}, {1, 3}} {
		b := run(pw[0], pw[1])
		if !mat.Equal(a.Configs, b.Configs) || !reflect.DeepEqual(a.Info, b.Info) || !slices.Equal(a.Temps, b.Temps) {
			t.Fatalf("GOMAXPROCS %d, Workers %d: dataset differs", pw[0], pw[1])
		}
	}
	c, _ := Generate(set, rand.NewPCG(7, 9), nil)
	if mat.Equal(a.Configs, c.Configs) {
		t.Fatal("different seeds gave the same dataset")
	}
	// With a temperature that the multi-spin lanes hand over to Wolff
	// during their production run (a job queued from inside another).
	set = &DatasetSettings{L: 100, Grid: []float64{2.25, 5}, PerTemp: 20}
	a = run(1, 1)
	if a.Info[0].Algorithm != AlgWolff {
		t.Fatalf("L = 100, T = 2.25: %v, want the hand-over to Wolff", a.Info[0].Algorithm)
	}
	if b := run(2, 0); !mat.Equal(a.Configs, b.Configs) || !reflect.DeepEqual(a.Info, b.Info) {
		t.Fatal("L = 100: GOMAXPROCS 2 differs from GOMAXPROCS 1")
	}
}

func TestGenerateSettings(t *testing.T) {
	t.Parallel()
	for _, s := range []DatasetSettings{
		{L: 1}, {PerTemp: -1}, {Grid: []float64{}}, {Grid: []float64{1, 1}}, {Grid: []float64{-1, 1}},
		{Grid: []float64{math.NaN()}}, {H: 0.1, Algorithm: AlgWolff}, {H: math.Inf(1)}, {L: 9, Algorithm: AlgHeatBath},
		{Algorithm: Algorithm(99)}, {Workers: -1}, {SpacingTau: -1}, {SpacingTau: math.Inf(1)}, {SpacingTau: math.NaN()},
		{H: 0.1, Algorithm: AlgMultiSpin}, {Algorithm: AlgZeroT},
	} {
		if _, err := Generate(&s, rand.NewPCG(1, 1), nil); err == nil {
			t.Errorf("settings %+v accepted", s)
		}
	}
	// SpacingTau = +Inf used to become a spacing of 1 (a float-to-int
	// conversion of +Inf); the error names the field.
	if _, err := Generate(&DatasetSettings{SpacingTau: math.Inf(1)}, rand.NewPCG(1, 1), nil); err == nil || !contains(err.Error(), "SpacingTau") {
		t.Errorf("SpacingTau = +Inf: %v", err)
	}
	// Mean-field data: independent draws, exact at every T, m from the
	// mean-field equation: ⟨|m|⟩ at T = 2 over 500 configurations of 100
	// spins is m₀ within 5·√((1−m₀²)/100/500) (binomial spread).
	d, err := Generate(&DatasetSettings{Grid: []float64{2, 6}, PerTemp: 500, Algorithm: AlgMeanField}, rand.NewPCG(1, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := Magnetizations(nil, d.Configs)
	var s float64
	for _, v := range m[:500] {
		s += math.Abs(v)
	}
	m0 := MeanFieldM(2, 0)
	if got, tol := s/500, 5*math.Sqrt((1-m0*m0)/100/500); math.Abs(got-m0) > tol {
		t.Errorf("mean field T = 2: ⟨|m|⟩ = %v, want %v ± %v", got, m0, tol)
	}
	if d.Info[0].Algorithm != AlgMeanField || d.Info[0].Spacing != 1 {
		t.Errorf("mean-field info %+v", d.Info[0])
	}
	// An odd side works with the random-site Metropolis sampler, which
	// Auto uses there instead of the checkerboard, and Sample draws at one
	// temperature.
	for _, alg := range []Algorithm{AlgMetropolis, Auto} {
		d, err := Generate(&DatasetSettings{L: 5, Grid: []float64{3}, PerTemp: 10, Algorithm: alg}, rand.NewPCG(1, 2), nil)
		if err != nil {
			t.Error(err)
			continue
		}
		if a := d.Info[0].Algorithm; a != AlgMetropolis && a != AlgWolff && a != AlgMultiSpin {
			t.Errorf("L = 5 with %v sampled by %v", alg, a)
		}
	}
	x, err := Sample(6, 2.5, 0, 7, rand.NewPCG(3, 4))
	if r, c := x.Dims(); err != nil || r != 7 || c != 36 {
		t.Errorf("Sample: %d×%d, %v", r, c, err)
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	d, err := Generate(&DatasetSettings{L: 4, Grid: []float64{1, 2, 3}, PerTemp: 51}, rand.NewPCG(1, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := d.Split(0.8, rand.NewPCG(3, 4))
	if !slices.Equal(tr.Counts(), []int{41, 41, 41}) || !slices.Equal(te.Counts(), []int{10, 10, 10}) {
		t.Fatalf("counts %v / %v", tr.Counts(), te.Counts())
	}
	// Every original row is in exactly one part, with its temperature.
	seen := map[string]int{}
	key := func(row []float64, T float64) string { return string(rune(int(T))) + string(fmtRow(row)) }
	for r := range d.Temps {
		seen[key(d.Configs.RawRowView(r), d.Temps[r])]++
	}
	for _, p := range []*Dataset{tr, te} {
		for r := range p.Temps {
			if p.Grid[p.Labels[r]] != p.Temps[r] {
				t.Fatal("label and temperature disagree")
			}
			seen[key(p.Configs.RawRowView(r), p.Temps[r])]--
		}
	}
	for k, v := range seen {
		if v != 0 {
			t.Fatalf("row %q count off by %d", k, v)
		}
	}
	a, _ := d.Split(0.8, rand.NewPCG(3, 4))
	if !mat.Equal(a.Configs, tr.Configs) {
		t.Fatal("Split is not deterministic")
	}
}

func fmtRow(row []float64) []byte {
	b := make([]byte, len(row))
	for i, v := range row {
		b[i] = '0' + byte(v)
	}
	return b
}

// TestSaveLoad round-trips a dataset whose grid holds T = 0 and T = +Inf
// and checks that truncated, corrupted and inconsistent files are
// rejected.
func TestSaveLoad(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	d, err := Generate(&DatasetSettings{L: 6, Grid: []float64{0, 2.25, 4, inf}, PerTemp: 40}, rand.NewPCG(5, 6), nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Seed = 42
	dir := t.TempDir()
	if err := d.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got.Configs, d.Configs) || !slices.Equal(got.Temps, d.Temps) || !slices.Equal(got.Labels, d.Labels) ||
		!slices.Equal(got.Grid, d.Grid) || !reflect.DeepEqual(got.Info, d.Info) || got.Seed != 42 || got.L != 6 ||
		got.Algorithm != d.Algorithm || !got.Flip || got.Info[3].T != inf || got.Temps[len(got.Temps)-1] != inf {
		t.Fatal("round trip differs")
	}
	// +Inf is the string "+Inf" in meta.json, the grid's 0 a number.
	var raw struct {
		Grid []any `json:"grid"`
		Info []struct {
			T any `json:"T"`
		} `json:"per_temperature"`
	}
	if mb, err := os.ReadFile(filepath.Join(dir, MetaFile)); err != nil || json.Unmarshal(mb, &raw) != nil ||
		raw.Grid[0] != 0.0 || raw.Grid[3] != "+Inf" || raw.Info[3].T != "+Inf" {
		t.Fatalf("meta.json temperatures: %v %+v (%v)", raw.Grid, raw.Info, err)
	}
	// An empty part (all rows in training) round-trips too.
	_, empty := d.Split(1, rand.NewPCG(1, 1))
	edir := filepath.Join(t.TempDir(), "empty")
	if err := empty.Save(edir); err != nil {
		t.Fatal(err)
	}
	if e, err := Load(edir); err != nil || len(e.Temps) != 0 || !slices.Equal(e.Counts(), []int{0, 0, 0, 0}) {
		t.Fatalf("empty dataset: %v", err)
	}
	// The .npy header is version 1.0, 64-byte aligned, as NumPy writes it.
	cfg, _ := os.ReadFile(filepath.Join(dir, ConfigsFile))
	if hl := int(cfg[8]) | int(cfg[9])<<8; string(cfg[:8]) != "\x93NUMPY\x01\x00" || (10+hl)%64 != 0 || len(cfg) != 10+hl+160*36 {
		t.Fatalf("configs.npy header %q", cfg[:min(len(cfg), 80)])
	}

	corrupt := func(name string, edit func([]byte) []byte) error {
		t.Helper()
		cdir := t.TempDir()
		for _, f := range []string{ConfigsFile, TempsFile, MetaFile} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if f == name {
				b = edit(slices.Clone(b))
				if f == MetaFile && b != nil {
					b = resumMeta(b) // test the content checks, not the checksum
				}
			}
			if b != nil {
				os.WriteFile(filepath.Join(cdir, f), b, 0o644)
			}
		}
		_, err := Load(cdir)
		return err
	}
	for _, f := range []string{ConfigsFile, TempsFile} {
		for _, cut := range []int{0, 5, 100, -1} {
			err := corrupt(f, func(b []byte) []byte {
				if cut < 0 {
					return b[:len(b)-1]
				}
				return b[:cut]
			})
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s truncated to %d: %v", f, cut, err)
			}
		}
		if err := corrupt(f, func(b []byte) []byte { b[len(b)-3] ^= 1; return b }); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s with a flipped bit: %v", f, err)
		}
		if err := corrupt(f, func(b []byte) []byte { return nil }); err == nil {
			t.Errorf("missing %s accepted", f)
		}
	}
	// Edits of meta.json alone (the arrays still match their checksums)
	// that make it contradict itself; want is in the error message.
	for _, edit := range []struct{ from, to, want string }{
		{`"L": 6`, `"L": 7`, "shape"},
		{`"counts": [`, `"counts": [1,`, "counts"},
		{`"format": 2`, `"format": 3`, "format"},
		{`"grid": [`, `"grid": [-1,`, "temperatures"},
		{`"n": 160`, `"n": 161`, "sum to"},
		{`"T": 2.25`, `"T": 2.5`, "T = 2.5"},
		{`"T": "+Inf"`, `"T": 1e308`, "T = 1e+308"},
		{`"T": 0,`, `"T": "-Inf",`, "T = -Inf"},
		{`"+Inf"`, `"NaN"`, "NaN"},
		{`"+Inf"`, `"inf"`, "not a number"},
		{`4,`, `"+Inf",`, "not strictly ascending"},
		{`"h": 0`, `"h": "NaN"`, "h"},
		{`"h": 0`, `"h": 1e999`, "h"},
		{`"h": 0`, `"h": 0.5`, "flip"},
	} {
		err := corrupt(MetaFile, func(b []byte) []byte {
			s := string(b)
			if !contains(s, edit.from) {
				t.Fatalf("meta.json lacks %q:\n%s", edit.from, s)
			}
			return []byte(replaceOnce(s, edit.from, edit.to))
		})
		if !errors.Is(err, ErrCorrupt) || !contains(err.Error(), edit.want) {
			t.Errorf("meta.json with %q → %q: %v, want ErrCorrupt mentioning %q", edit.from, edit.to, err, edit.want)
		}
	}
	// A non-binary cell with a matching checksum (a file written by other
	// software) is rejected by the content checks.
	{
		cdir := t.TempDir()
		cfg, _ := os.ReadFile(filepath.Join(dir, ConfigsFile))
		cfg[len(cfg)-1] = 2
		tmp, _ := os.ReadFile(filepath.Join(dir, TempsFile))
		mb, _ := os.ReadFile(filepath.Join(dir, MetaFile))
		var meta map[string]any
		if err := json.Unmarshal(mb, &meta); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(cfg)
		meta["files"].([]any)[0].(map[string]any)["sha256"] = hex.EncodeToString(sum[:])
		mb, _ = json.Marshal(meta)
		mb = resumMeta(mb)
		os.WriteFile(filepath.Join(cdir, ConfigsFile), cfg, 0o644)
		os.WriteFile(filepath.Join(cdir, TempsFile), tmp, 0o644)
		os.WriteFile(filepath.Join(cdir, MetaFile), mb, 0o644)
		if _, err := Load(cdir); !errors.Is(err, ErrCorrupt) || !contains(err.Error(), "not 0 or 1") {
			t.Errorf("non-binary cell: %v", err)
		}
	}
	if err := corrupt(MetaFile, func(b []byte) []byte { return b[:len(b)/2] }); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated meta.json: %v", err)
	}
}

// TestSaveRefusesKeepsOld: a Save that fails on the dataset's content
// writes nothing, so a dataset already in the directory still loads (and a
// directory that did not exist is not created).
func TestSaveRefusesKeepsOld(t *testing.T) {
	t.Parallel()
	d, err := Generate(&DatasetSettings{L: 4, Grid: []float64{0, 1, math.Inf(1)}, PerTemp: 10}, rand.NewPCG(7, 7), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := d.Save(dir); err != nil {
		t.Fatal(err)
	}
	// Each refused dataset differs from the saved one in a cell too, so
	// that writing its arrays before failing would break the checksums.
	clone := func() *Dataset {
		c := *d
		c.Configs = mat.DenseCopyOf(d.Configs)
		c.Configs.Set(5, 0, 1-c.Configs.At(5, 0))
		c.Grid, c.Temps, c.Info = slices.Clone(d.Grid), slices.Clone(d.Temps), slices.Clone(d.Info)
		return &c
	}
	for _, tc := range []struct {
		name string
		edit func(*Dataset)
	}{
		{"h NaN", func(b *Dataset) { b.H = math.NaN() }},
		{"h +Inf", func(b *Dataset) { b.H = math.Inf(1) }},
		{"flip at h ≠ 0", func(b *Dataset) { b.H = 0.5 }},
		{"Info T off the grid", func(b *Dataset) { b.Info[1].T = 1.5 }},
		{"Info missing", func(b *Dataset) { b.Info = b.Info[:2] }},
		{"NaN on the grid", func(b *Dataset) { b.Grid[2] = math.NaN(); b.Info[2].T = math.NaN() }},
		{"descending grid", func(b *Dataset) { b.Grid[1] = -1; b.Info[1].T = -1 }},
		{"row temperature off its label", func(b *Dataset) { b.Temps[0] = 1 }},
		{"non-binary cell", func(b *Dataset) { b.Configs.Set(29, 3, 0.5) }},
	} {
		b := clone()
		tc.edit(b)
		b.Seed = 99
		if err := b.Save(dir); err == nil {
			t.Errorf("%s: saved", tc.name)
		}
		got, err := Load(dir)
		if err != nil {
			t.Fatalf("%s: the refused Save broke the old dataset: %v", tc.name, err)
		}
		if got.Seed != d.Seed || !mat.Equal(got.Configs, d.Configs) || !slices.Equal(got.Temps, d.Temps) {
			t.Fatalf("%s: the refused Save changed the old dataset", tc.name)
		}
		fresh := filepath.Join(t.TempDir(), "new")
		if b.Save(fresh) == nil {
			t.Fatalf("%s: saved into a new directory", tc.name)
		}
		if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: refused Save created %s: %v", tc.name, fresh, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("refused Saves left files behind: %v", ents)
	}
}

// TestSaveCleansStaleTemps: the temporary files of a Save killed mid-write
// (fileio.WriteAtomic's .<name>.tmp-*) are removed by the next Save into the
// directory; other files are left alone.
func TestSaveCleansStaleTemps(t *testing.T) {
	t.Parallel()
	d, err := Generate(&DatasetSettings{L: 4, Grid: []float64{1}, PerTemp: 3}, rand.NewPCG(1, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stale := []string{"." + ConfigsFile + ".tmp-123", "." + MetaFile + ".tmp-9", "." + TempsFile + ".tmp-x"}
	for _, f := range append(slices.Clone(stale), "notes.txt") {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Save(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range stale {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("an unrelated file was removed: %v", err)
	}
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
}

// TestJSONFloat round-trips finite and non-finite values through meta.json's
// number type.
func TestJSONFloat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x    float64
		json string
	}{{0, `0`}, {2.25, `2.25`}, {1e-300, `1e-300`}, {math.Inf(1), `"+Inf"`}, {math.Inf(-1), `"-Inf"`}, {math.NaN(), `null`}} {
		b, err := json.Marshal(jsonFloat(tc.x))
		if err != nil || string(b) != tc.json {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.x, b, err, tc.json)
		}
		var y jsonFloat
		if err := json.Unmarshal(b, &y); err != nil || !(float64(y) == tc.x || math.IsNaN(tc.x) && math.IsNaN(float64(y))) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, y, err)
		}
	}
	for _, bad := range []string{`"inf"`, `"1"`, `""`, `true`, `1e999`} {
		var y jsonFloat
		if err := json.Unmarshal([]byte(bad), &y); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, y)
		}
	}
}

func contains(s, sub string) bool { return len(replaceOnce(s, sub, "")) != len(s) }

func replaceOnce(s, from, to string) string {
	for i := 0; i+len(from) <= len(s); i++ {
		if s[i:i+len(from)] == from {
			return s[:i] + to + s[i+len(from):]
		}
	}
	return s
}
