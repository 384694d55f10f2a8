package thermo

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// checkProbs panics with mat.ErrShape unless p has len(grid) columns.
func checkProbs(p *mat.Dense, grid []float64) int {
	r, c := p.Dims()
	if c != len(grid) {
		panic(mat.ErrShape)
	}
	return r
}

// sized returns dst if it has length n, a new slice of length n if dst is
// empty (nil or zero length), and panics with mat.ErrShape otherwise: the
// dst rule of gonum's mat, for slices.
func sized[T any](dst []T, n int) []T {
	switch len(dst) {
	case n:
		return dst
	case 0:
		return make([]T, n)
	}
	panic(mat.ErrShape)
}

// Argmax returns, for each row of the class probabilities p (N×K), the
// temperature grid[k] of its most probable class (the lowest of ties),
// written to dst. A nil or empty dst is allocated with length N; a dst of
// any other length than N makes Argmax panic with mat.ErrShape. It also
// panics with mat.ErrShape if p does not have len(grid) columns.
func Argmax(dst []float64, p *mat.Dense, grid []float64) []float64 {
	r := checkProbs(p, grid)
	dst = sized(dst, r)
	for i := range dst {
		dst[i] = grid[argmax(p.RawRowView(i))]
	}
	return dst
}

// ArgmaxClass returns, for each row of p (N×K), the index of its most
// probable class (the lowest of ties), written to dst. A nil or empty dst is
// allocated with length N; a dst of any other length than N makes
// ArgmaxClass panic with mat.ErrShape.
func ArgmaxClass(dst []int, p *mat.Dense) []int {
	r, _ := p.Dims()
	dst = sized(dst, r)
	for i := range dst {
		dst[i] = argmax(p.RawRowView(i))
	}
	return dst
}

// Expectation returns, for each row of p (N×K), the expected temperature
// Σ_k p_k grid[k], written to dst. A nil or empty dst is allocated with
// length N; a dst of any other length than N makes Expectation panic with
// mat.ErrShape, as does a p without len(grid) columns.
func Expectation(dst []float64, p *mat.Dense, grid []float64) []float64 {
	r := checkProbs(p, grid)
	dst = sized(dst, r)
	for i := range dst {
		var s float64
		for k, v := range p.RawRowView(i) {
			s += v * grid[k]
		}
		dst[i] = s
	}
	return dst
}

// MeanSoftmax returns the mean of the rows of the class probabilities p (the
// ensemble's "temperature distribution" of Iso et al.) and the standard error
// of each component, sd/√N (0 when N = 1). It panics with mat.ErrShape if p
// has no rows.
func MeanSoftmax(p *mat.Dense) (mean, se []float64) {
	r, c := p.Dims()
	if r == 0 {
		panic(mat.ErrShape)
	}
	mean = make([]float64, c)
	se = make([]float64, c)
	for i := 0; i < r; i++ {
		for k, v := range p.RawRowView(i) {
			mean[k] += v
		}
	}
	n := float64(r)
	for k := range mean {
		mean[k] /= n
	}
	if r == 1 {
		return mean, se
	}
	for i := 0; i < r; i++ {
		for k, v := range p.RawRowView(i) {
			d := v - mean[k]
			se[k] += d * d
		}
	}
	for k := range se {
		se[k] = math.Sqrt(se[k] / (n - 1) / n)
	}
	return mean, se
}

// ClassCalibration is a thermometer's response to the configurations of one
// true temperature.
type ClassCalibration struct {
	T              float64   // true temperature
	N              int       // number of configurations
	Argmax         float64   // mean of the argmax readout
	ArgmaxStd      float64   // standard deviation of the argmax readout over configurations
	Expectation    float64   // mean of the expectation readout Σ p_k T_k
	ExpectationStd float64   // its standard deviation over configurations
	MeanSoftmax    []float64 // mean class probabilities
}

// Calibration is a thermometer's response on labelled data.
type Calibration struct {
	Temps   []float64          // the class grid
	Classes []ClassCalibration // one per class of Temps
	// Confusion[i][j] counts configurations of true class i read as class j
	// (argmax).
	Confusion [][]int
	N         int     // configurations
	Exact     float64 // fraction read as the true class (argmax)
	WithinOne float64 // fraction read within one class of the true one
	// MAE is the mean |argmax temperature − true temperature|.
	MAE float64
	// MAEExpectation is the mean |Σ p_k T_k − true temperature|.
	MAEExpectation float64
}

// SoftmaxMatrix returns the K×K matrix whose row i is the mean class
// probability vector of the configurations of true class i (zero for a class
// without configurations).
func (c *Calibration) SoftmaxMatrix() *mat.Dense {
	K := len(c.Temps)
	m := mat.NewDense(K, K, nil)
	for i, cl := range c.Classes {
		if cl.N > 0 {
			m.SetRow(i, cl.MeanSoftmax)
		}
	}
	return m
}

// Calibrate reads the configurations x (N×sites) of known classes labels
// (indices into th.Temperatures()) with th and summarises the readouts per
// true temperature. Classes without configurations have N = 0 and NaN
// readouts. It panics with mat.ErrShape if len(labels) differs from the
// number of rows, and returns an error for an empty set, a label out of
// range, a NaN or infinite cell of x, and probabilities from th that are
// not finite (a thermometer with NaN weights), so that no NaN enters the
// tables.
func Calibrate(th Thermometer, x *mat.Dense, labels []int) (*Calibration, error) {
	r, _ := x.Dims()
	if len(labels) != r {
		panic(mat.ErrShape)
	}
	grid := th.Temperatures()
	K := len(grid)
	if err := checkCalibration(x, labels, K); err != nil {
		return nil, err
	}
	p := mat.NewDense(r, K, nil)
	th.Probabilities(p, x)
	if err := finiteProbabilities(p); err != nil {
		return nil, err
	}
	c := &Calibration{Temps: append([]float64(nil), grid...), N: r,
		Classes: make([]ClassCalibration, K), Confusion: make([][]int, K)}
	for k := range c.Classes {
		c.Classes[k] = ClassCalibration{T: grid[k], MeanSoftmax: make([]float64, K)}
		c.Confusion[k] = make([]int, K)
	}
	sum, exact, within := c.tally(p, labels)
	c.finish(sum, exact, within)
	return c, nil
}

// checkCalibration returns Calibrate's errors for the data: no rows, a
// label out of range [0, K), a NaN or infinite cell.
func checkCalibration(x *mat.Dense, labels []int, K int) error {
	if r, _ := x.Dims(); r == 0 {
		return fmt.Errorf("thermo: no configurations to calibrate on")
	}
	for _, y := range labels {
		if y < 0 || y >= K {
			return fmt.Errorf("thermo: label %d out of range [0, %d)", y, K)
		}
	}
	return finiteCells(x)
}

// finiteProbabilities returns an error for a thermometer's probability
// that is NaN or infinite.
func finiteProbabilities(p *mat.Dense) error {
	r, _ := p.Dims()
	for i := 0; i < r; i++ {
		for k, v := range p.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("thermo: the thermometer's probability of class %d for row %d is %v", k, i, v)
			}
		}
	}
	return nil
}

// tally adds the readouts of the rows of p, whose true classes are labels,
// to c's confusion matrix, absolute errors, counts and softmax sums, and
// returns per class Σ argmax, Σ argmax², Σ expectation and Σ expectation²
// (of the temperatures read) and the numbers of rows read exactly and
// within one class.
func (c *Calibration) tally(p *mat.Dense, labels []int) (sum [][4]float64, exact, within int) {
	grid := c.Temps
	am := Argmax(nil, p, grid)
	ex := Expectation(nil, p, grid)
	sum = make([][4]float64, len(grid))
	for i, y := range labels {
		row := p.RawRowView(i)
		j := argmax(row)
		c.Confusion[y][j]++
		if j == y {
			exact++
		}
		if j >= y-1 && j <= y+1 {
			within++
		}
		c.MAE += math.Abs(am[i] - grid[y])
		c.MAEExpectation += math.Abs(ex[i] - grid[y])
		cl := &c.Classes[y]
		cl.N++
		for k, v := range row {
			cl.MeanSoftmax[k] += v
		}
		s := &sum[y]
		s[0] += am[i]
		s[1] += am[i] * am[i]
		s[2] += ex[i]
		s[3] += ex[i] * ex[i]
	}
	return sum, exact, within
}

// finish turns what tally summed into c's means, standard deviations and
// fractions (NaN for a class without configurations).
func (c *Calibration) finish(sum [][4]float64, exact, within int) {
	n := float64(c.N)
	c.Exact, c.WithinOne = float64(exact)/n, float64(within)/n
	c.MAE /= n
	c.MAEExpectation /= n
	for k := range c.Classes {
		cl := &c.Classes[k]
		if cl.N == 0 {
			cl.Argmax, cl.ArgmaxStd = math.NaN(), math.NaN()
			cl.Expectation, cl.ExpectationStd = math.NaN(), math.NaN()
			continue
		}
		m := float64(cl.N)
		for j := range cl.MeanSoftmax {
			cl.MeanSoftmax[j] /= m
		}
		cl.Argmax, cl.ArgmaxStd = meanStd(sum[k][0], sum[k][1], m)
		cl.Expectation, cl.ExpectationStd = meanStd(sum[k][2], sum[k][3], m)
	}
}

// finiteCells returns an error naming the first NaN or infinite cell of x.
func finiteCells(x *mat.Dense) error {
	r, _ := x.Dims()
	for i := 0; i < r; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("thermo: cell (%d, %d) of the configurations is %v", i, j, v)
			}
		}
	}
	return nil
}

// meanStd returns the mean and the sample standard deviation (n − 1; 0 for
// n = 1) from the sums of x and x².
func meanStd(s, s2, n float64) (float64, float64) {
	mean := s / n
	if n < 2 {
		return mean, 0
	}
	v := (s2 - n*mean*mean) / (n - 1)
	return mean, math.Sqrt(max(v, 0))
}

// ArgmaxWindow returns, for each row of p (N×K), the class k that maximises
// the probability Σ_{|j−k| ≤ halfWidth} p_j of lying within halfWidth classes
// of the truth (the lowest of ties), written to dst. With the exact posterior
// this is the Bayes decision for the within-halfWidth accuracy, as the plain
// argmax (halfWidth 0) is for the exact-class accuracy. A nil or empty dst is
// allocated with length N; a dst of any other length than N makes
// ArgmaxWindow panic with mat.ErrShape. It panics if halfWidth is negative.
func ArgmaxWindow(dst []int, p *mat.Dense, halfWidth int) []int {
	if halfWidth < 0 {
		panic("thermo: negative window")
	}
	r, K := p.Dims()
	dst = sized(dst, r)
	for i := range dst {
		row := p.RawRowView(i)
		best, bestSum := 0, math.Inf(-1)
		for k := 0; k < K; k++ {
			var s float64
			for j := max(0, k-halfWidth); j <= min(K-1, k+halfWidth); j++ {
				s += row[j]
			}
			if s > bestSum {
				best, bestSum = k, s
			}
		}
		dst[i] = best
	}
	return dst
}

// WithinAccuracy returns the fraction of rows whose class cls[i] lies within
// halfWidth of labels[i]. It panics if the lengths differ.
func WithinAccuracy(cls, labels []int, halfWidth int) float64 {
	if len(cls) != len(labels) {
		panic(mat.ErrShape)
	}
	n := 0
	for i, c := range cls {
		if c >= labels[i]-halfWidth && c <= labels[i]+halfWidth {
			n++
		}
	}
	return float64(n) / float64(len(cls))
}
