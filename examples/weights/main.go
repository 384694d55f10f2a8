// Command weights explains the RBM flow from the trained weights (PAPER.md
// §5 and §6, figure 6): the coupling matrix W Wᵀ, its spectrum, the singular
// values of W, receptive fields, the histogram of W, and the coupling
// averaged over site pairs at the same lattice distance beside the Ising
// spin correlation ⟨s₀s_r⟩ at several temperatures.
//
//	go run ./examples/weights -out out/weights                      # trains the default RBM
//	go run ./examples/weights -out out/weights -rbm out/paper/rbm.npz
//
// It writes wwt.png, spectrum.png, receptive_fields.png, histogram.png,
// couplings.png and summary.json (spectra, profiles, the correlation length
// of each temperature and the temperature whose correlation profile the
// couplings match best).
package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/rbm"
)

type config struct {
	Out     string              `json:"-"`
	Model   string              `json:"model"`
	Data    pipeline.DataConfig `json:"data"`
	RBM     pipeline.RBMConfig  `json:"rbm"`
	Fields  int                 `json:"receptive_fields"`
	Compare []float64           `json:"compare_T"`
	Seed    uint64              `json:"seed"`
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "weights:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	c := config{Out: "out/weights", RBM: pipeline.DefaultRBM(), Fields: 16, Seed: 1,
		Compare: []float64{1.5, 2.0, 2.25, 2.5, 3.0, 4.0}}
	c.Data.L, c.Data.PerTemp = 10, 2000
	fs := pipeline.NewFlagSet("weights", stderr)
	fs.StringVar(&c.Out, "out", c.Out, "output directory")
	fs.StringVar(&c.Model, "rbm", "", "analyse this saved RBM (.npz) instead of training one")
	fs.StringVar(&c.Data.Dir, "data", "", "load the dataset from this directory instead of generating it")
	fs.IntVar(&c.Data.L, "L", c.Data.L, "lattice side")
	fs.IntVar(&c.Data.PerTemp, "n", c.Data.PerTemp, "configurations per temperature")
	fs.IntVar(&c.RBM.Nh, "nh", c.RBM.Nh, "RBM hidden units (when training)")
	fs.IntVar(&c.RBM.Epochs, "epochs", c.RBM.Epochs, "RBM training epochs (when training)")
	fs.IntVar(&c.Fields, "fields", c.Fields, "receptive fields to draw")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	err := pipeline.Parse(fs, args, func() error { return validate(c) })
	return c, err
}

// validate checks every flag and input of c before any work.
func validate(c config) error {
	if err := pipeline.OutDir("out", c.Out); err != nil {
		return err
	}
	if c.Model != "" {
		if err := pipeline.InputFile("rbm", c.Model); err != nil {
			return err
		}
	}
	if err := c.Data.Validate(); err != nil {
		return err
	}
	if c.Model == "" {
		if err := c.RBM.Validate(); err != nil {
			return err
		}
	}
	return pipeline.IntIn("fields", c.Fields, 1, pipeline.MaxHidden)
}

type profile struct {
	T float64   `json:"T"`
	R []float64 `json:"r"`
	G []float64 `json:"G"` // ⟨s₀s_r⟩
	// Xi is the integrated correlation length of the connected
	// correlation (flow.Correlate): finite below T_c, where the
	// second-moment length of the full ⟨s₀s_r⟩ (XiFull) diverges with
	// the order m₀².
	Xi     float64 `json:"xi"`
	XiErr  float64 `json:"xi_err"`
	XiFull float64 `json:"xi_second_moment_full"`
	Dist   float64 `json:"distance_to_couplings"`
}

type summary struct {
	Config       config     `json:"config"`
	Nv           int        `json:"nv"`
	Nh           int        `json:"nh"`
	Eigenvalues  []float64  `json:"wwt_eigenvalues"`
	Singular     []float64  `json:"singular_values"`
	CouplingR    []float64  `json:"coupling_r"`
	Coupling     []float64  `json:"coupling_normalized"` // radial profile of W Wᵀ divided by its r = 0 value
	Correlations []profile  `json:"correlations"`
	BestT        float64    `json:"best_matching_T"`
	WStats       [2]float64 `json:"w_mean_std"`
}

func run(c config, p *pipeline.Progress) error {
	if err := validate(c); err != nil {
		return err
	}
	c.Data.Seed, c.RBM.Seed = c.Seed, c.Seed
	// A saved model is read first: its lattice must match the data's,
	// which for generated data -L says before any Monte Carlo.
	var m *rbm.Model
	if c.Model != "" {
		var err error
		if m, err = rbm.Load(c.Model); err != nil {
			return err
		}
		if c.Data.Dir == "" {
			if err := latticeMatch(m, c.Data.L); err != nil {
				return fmt.Errorf("%s: %w (-L %d)", c.Model, err, c.Data.L)
			}
		}
	}
	all, train, test, err := pipeline.Data(c.Data, p)
	if err != nil {
		return err
	}
	if m != nil {
		if err := latticeMatch(m, all.L); err != nil {
			return fmt.Errorf("%s: %w (%s)", c.Model, err, c.Data.Dir)
		}
	}
	st, err := pipeline.OpenOut(c.Out, false)
	if err != nil {
		return err
	}
	c.Out = st.Dir
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	if m == nil {
		if m, _, err = pipeline.TrainRBM(train.Configs, test.Configs, c.RBM, p); err != nil {
			return err
		}
	}
	nv, nh := m.Dims()
	L, _ := rbm.LatticeSide(m)
	s := summary{Config: c, Nv: nv, Nh: nh}

	var wwt mat.Dense
	rbm.Couplings(&wwt, m)
	vals, _, ok := rbm.CouplingSpectrum(m)
	if !ok {
		return fmt.Errorf("eigen-decomposition of W Wᵀ failed")
	}
	sv, ok := rbm.SingularValues(m)
	if !ok {
		return fmt.Errorf("SVD of W failed")
	}
	s.Eigenvalues, s.Singular = vals, sv

	var grid mat.Dense
	rbm.DisplacementAverage(&grid, L, &wwt)
	r, prof := rbm.RadialProfile(&grid)
	s.CouplingR = r
	s.Coupling = make([]float64, len(prof))
	for i := range prof {
		s.Coupling[i] = prof[i] / prof[0]
	}
	// The couplings' shape against ⟨s₀s_r⟩ at every temperature of the
	// data: the distance is the root-mean-square difference over r > 0.
	best := math.Inf(1)
	for _, T := range all.Grid {
		rows := pipeline.Rows(all, func(t float64) bool { return t == T })
		cor := ising.Correlations(L, rows)
		conn := flow.Correlate(L, rows, 0)
		pf := profile{T: T, R: cor.R, G: cor.GR, Xi: conn.Xi, XiErr: conn.XiErr, XiFull: cor.Xi, Dist: rms(s.Coupling[1:], cor.GR[1:])}
		s.Correlations = append(s.Correlations, pf)
		if pf.Dist < best {
			best, s.BestT = pf.Dist, T
		}
	}
	p.Printf("the couplings' distance profile matches ⟨s₀s_r⟩ best at T = %.2f", s.BestT)
	hist := rbm.WeightHistogram(m, 60)
	wraw := m.W.RawMatrix().Data
	s.WStats = [2]float64{mean(wraw), std(wraw)}

	// The diagonal (single-site weights) dominates the scale: the second
	// panel shows the couplings between distinct sites on their own scale.
	off := mat.DenseCopyOf(&wwt)
	for i := 0; i < nv; i++ {
		off.Set(i, i, 0)
	}
	if err := pipeline.SaveFigure(filepath.Join(c.Out, "wwt.png"), [][]pipeline.Tile{{
		pipeline.MatrixTile("W Wᵀ: coupling of visible sites i and j", "site j = row·L + column", "site i = row·L + column", "(W Wᵀ)ᵢⱼ", &wwt, true),
		pipeline.MatrixTile("W Wᵀ without its diagonal (i ≠ j)", "site j = row·L + column", "site i = row·L + column", "(W Wᵀ)ᵢⱼ, i ≠ j", off, true),
	}}, 6*vg.Inch, 5*vg.Inch); err != nil {
		return err
	}
	if err := spectrumFigure(filepath.Join(c.Out, "spectrum.png"), s, all); err != nil {
		return err
	}
	if err := fieldsFigure(filepath.Join(c.Out, "receptive_fields.png"), m, L, c.Fields); err != nil {
		return err
	}
	if err := histFigure(filepath.Join(c.Out, "histogram.png"), hist, s.WStats[0], s.WStats[1]); err != nil {
		return err
	}
	if err := couplingFigure(filepath.Join(c.Out, "couplings.png"), s, c.Compare); err != nil {
		return err
	}
	if err := pipeline.WriteJSON(filepath.Join(c.Out, "summary.json"), s); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	p.Printf("wrote %s: wwt.png, spectrum.png, receptive_fields.png, histogram.png, couplings.png, summary.json", st.Final)
	return nil
}

// latticeMatch returns an error unless m's visible units are an L×L
// lattice.
func latticeMatch(m *rbm.Model, L int) error {
	nv, _ := m.Dims()
	if side, ok := rbm.LatticeSide(m); !ok || side != L {
		return fmt.Errorf("the RBM has %d visible units, not the %d×%d lattice of the data", nv, L, L)
	}
	return nil
}

func rms(a, b []float64) float64 {
	var s float64
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(n))
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func std(x []float64) float64 {
	mu := mean(x)
	var s float64
	for _, v := range x {
		s += (v - mu) * (v - mu)
	}
	return math.Sqrt(s / float64(len(x)))
}

func index(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// spectrumFigure draws, on log axes (the spectra span decades), the
// eigenvalues of W Wᵀ and of the spin correlation matrix ⟨sᵢsⱼ⟩ at a low, a
// critical and a high temperature, each divided by its trace so that the
// shapes compare, and the singular values of W. Eigenvalues below
// zeroFrac of the largest (zero up to rounding: W Wᵀ has rank ≤ N_h) are
// left out and counted in the title.
func spectrumFigure(path string, s summary, all *ising.Dataset) error {
	const zeroFrac = 1e-10
	dropped := 0
	norm := func(v []float64) []float64 {
		var tr, top float64
		for _, x := range v {
			tr += x
			top = math.Max(top, x)
		}
		out := make([]float64, len(v))
		for i := range v {
			out[i] = v[i] / tr
			if v[i] <= zeroFrac*top {
				out[i] = math.NaN()
				dropped++
			}
		}
		return out
	}
	curves := []pipeline.Curve{{Name: "W Wᵀ (the RBM's couplings)", X: index(len(s.Eigenvalues)), Y: norm(s.Eigenvalues)}}
	for _, T := range []float64{1.5, 2.25, 3.5} {
		rows := pipeline.Rows(all, func(t float64) bool { return t == T })
		if rows == nil {
			continue
		}
		cor := ising.Correlations(all.L, rows)
		if cor.SS == nil {
			continue
		}
		var es mat.EigenSym
		if !es.Factorize(cor.SS, false) {
			continue
		}
		ev := es.Values(nil)
		sort.Sort(sort.Reverse(sort.Float64Slice(ev)))
		curves = append(curves, pipeline.Curve{Name: fmt.Sprintf("spin correlation matrix, T = %.2f", T), X: index(len(ev)), Y: norm(ev), Dashed: true})
	}
	title := fmt.Sprintf("eigenvalues / trace: W Wᵀ (N_v = %d, N_h = %d), spin correlations", s.Nv, s.Nh)
	if dropped > 0 {
		title += fmt.Sprintf(" (%d zeros left out)", dropped)
	}
	return pipeline.PanelsFigure(path, []pipeline.Panel{
		{Title: title, XLabel: "rank (largest first)", YLabel: "eigenvalue / trace (log scale)",
			Curves: curves, LogY: true, LegendBottom: true, LegendLeft: true, XTicks: rankTicks(s.Nv)},
		{Title: fmt.Sprintf("singular values σ of W, %d × %d (σ² = eigenvalues of W Wᵀ)", s.Nv, s.Nh),
			XLabel: "rank (largest first)", YLabel: "singular value (log scale)", LogY: true, XTicks: rankTicks(len(s.Singular)),
			Curves: []pipeline.Curve{{X: index(len(s.Singular)), Y: s.Singular}}},
	}, 2)
}

// rankTicks labels a rank axis 1 … n at 1 and every multiple of a round
// step (10 for n = 100).
func rankTicks(n int) pipeline.ValueTicks {
	step := 1
	for _, st := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000} {
		if step = st; n/st <= 10 {
			break
		}
	}
	ts := pipeline.ValueTicks{1}
	for k := step; k <= n; k += step {
		if k != 1 {
			ts = append(ts, float64(k))
		}
	}
	return ts
}

// fieldsFigure draws the receptive fields (columns of W as L×L images) of
// n hidden units chosen evenly along the ranking by weight norm, from the
// largest to the smallest (the largest-norm units alone are single-site
// copies and not representative), on one colour scale centred on 0 with
// its colour bar.
func fieldsFigure(path string, m *rbm.Model, L, n int) error {
	_, nh := m.Dims()
	n = min(n, nh)
	order := make([]int, nh)
	norms := make([]float64, nh)
	for j := range order {
		order[j] = j
		col := mat.Col(nil, j, m.W)
		norms[j] = mat.Norm(mat.NewVecDense(len(col), col), 2)
	}
	sort.SliceStable(order, func(a, b int) bool { return norms[order[a]] > norms[order[b]] })
	pick := make([]int, n)
	for k := range pick {
		pick[k] = order[int(math.Round(float64(k)*float64(nh-1)/math.Max(1, float64(n-1))))]
	}
	// One colour scale, ±a with a the 99th percentile of |w| over the
	// fields drawn: the few single-site weights far beyond it saturate
	// (the colour bar says so) instead of washing out every other field.
	nv, _ := m.Dims()
	var abs []float64
	for i := 0; i < nv; i++ {
		for _, j := range pick {
			abs = append(abs, math.Abs(m.W.At(i, j)))
		}
	}
	sort.Float64s(abs)
	a := abs[min(len(abs)-1, int(0.99*float64(len(abs))))]
	if a == 0 {
		a = 1
	}
	cols := int(math.Ceil(math.Sqrt(float64(n + 1))))
	var rows [][]pipeline.Tile
	add := func(t pipeline.Tile) {
		if len(rows) == 0 || len(rows[len(rows)-1]) == cols {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], t)
	}
	for k, j := range pick {
		var f mat.Dense
		rbm.ReceptiveField(&f, L, m, j)
		t := pipeline.MatrixTileRange(fmt.Sprintf("unit %d: norm rank %d, |w| = %.2f", j, rankOf(order, j)+1, norms[j]), "", "", "", &f, -a, a)
		t.P.HideAxes()
		add(pipeline.Tile{P: t.P})
		if k == len(pick)-1 {
			t.Bar.Y.Label.Text = fmt.Sprintf("weight (saturates at ±%.2f)", a)
			add(pipeline.Tile{Bar: t.Bar})
		}
	}
	return pipeline.SaveFigure(path, rows, 2.4*vg.Inch, 2.4*vg.Inch)
}

func rankOf(order []int, j int) int {
	for k, o := range order {
		if o == j {
			return k
		}
	}
	return -1
}

// histFigure draws the histogram of W on a log count axis (empty bins
// left out), beside the Gaussian of the same mean and standard deviation:
// the tail beyond it is the single-site weights.
func histFigure(path string, h rbm.Histogram, mu, sigma float64) error {
	var x, y, g []float64
	var n float64
	for _, c := range h.Counts {
		n += float64(c)
	}
	for i, c := range h.Counts {
		xc := (h.Edges[i] + h.Edges[i+1]) / 2
		w := h.Edges[i+1] - h.Edges[i]
		x = append(x, xc)
		y = append(y, nanIfZero(float64(c)))
		z := (xc - mu) / sigma
		g = append(g, nanIfZero(math.Max(0, n*w*math.Exp(-z*z/2)/(sigma*math.Sqrt(2*math.Pi)))))
		if g[len(g)-1] < 0.1 {
			g[len(g)-1] = math.NaN() // below a tenth of a count: off the axis
		}
	}
	return pipeline.PanelsFigure(path, []pipeline.Panel{{
		Title:  fmt.Sprintf("histogram of W: μ = %.4f, σ = %.4f (%d weights)", mu, sigma, int(n)),
		XLabel: "weight", YLabel: "count per bin (log scale)", LogY: true,
		Curves: []pipeline.Curve{
			{Name: "W", X: x, Y: y},
			{Name: "Gaussian of the same μ and σ", X: x, Y: g, Dashed: true, Color: pipeline.Gray},
		}}}, 1)
}

func nanIfZero(v float64) float64 {
	if v <= 0 {
		return math.NaN()
	}
	return v
}

// couplingFigure sets the normalised coupling profile beside ⟨s₀s_r⟩(T).
func couplingFigure(path string, s summary, temps []float64) error {
	cs := []pipeline.Curve{{Name: "W Wᵀ (normalised at r = 0)", X: s.CouplingR, Y: s.Coupling}}
	show := slices.Clone(temps)
	if !slices.Contains(show, s.BestT) {
		show = append(show, s.BestT)
	}
	for _, T := range show {
		for _, pf := range s.Correlations {
			if pf.T == T {
				name := fmt.Sprintf("⟨s₀s_r⟩, T = %.2f (ξ = %.2f ± %.2f)", T, pf.Xi, pf.XiErr)
				if T == s.BestT {
					name += " best match"
				}
				cs = append(cs, pipeline.Curve{Name: name, X: pf.R, Y: pf.G, Dashed: true})
			}
		}
	}
	return pipeline.PanelsFigure(path, []pipeline.Panel{{
		Title:  "couplings against spin correlations (ξ: connected correlation, integrated)",
		XLabel: "distance r (lattice spacings, minimum image)", YLabel: "correlation, coupling / its r = 0 value", Curves: cs,
		YMin: 0, YMax: 1.7}}, 1)
}
