package ising

import (
	"fmt"
	"math"
	"math/big"
	"sort"
)

// MaxDensityOfStatesL is the largest lattice side DensityOfStates accepts.
const MaxDensityOfStatesL = 48

// DensityOfStates returns the exact density of states of the L×L periodic
// Ising lattice at h = 0: the total energies E = −Σ_<ij> s_i s_j that occur,
// ascending, and ln g(E), the logarithm of the number of states with that
// energy, so that Z(T) = Σ_E g(E) e^(−E/T) and P(E | T) = g(E) e^(−E/T) / Z.
// See DensityOfStatesCounts for the exact integers and the method.
// progress (if not nil) is called as DensityOfStatesCounts says; if it
// returns an error, DensityOfStates stops and returns that error unchanged
// and no result. It panics if L < 1 or L > MaxDensityOfStatesL.
func DensityOfStates(L int, progress func(done, total int) error) (energies []int, lnG []float64, err error) {
	energies, g, err := DensityOfStatesCounts(L, progress)
	if err != nil {
		return nil, nil, err
	}
	lnG = make([]float64, len(g))
	for i, v := range g {
		lnG[i] = bigLn(v)
	}
	return energies, lnG, nil
}

// DensityOfStatesCounts returns the energies of DensityOfStates and the exact
// counts g(E) (Σ g = 2^(L²)). For L ≤ MaxEnumerateL the states are
// enumerated; for larger L the counts are the coefficients of Kaufman's
// partition function written as a polynomial in a = e^(2/T) (Beale 1996,
// Phys. Rev. Lett. 76, 78): each pair of equal factors
// [2cosh(Lγ_l/2)]² = V_L(2cosh γ_l) + 2 (V the Lucas–Chebyshev polynomial,
// likewise for sinh with −2) is a polynomial in y = 2 cosh 2K coth 2K
// = (a²+1)²/(a(a²−1)) and 2cos(πl/L); the product over l has integer
// coefficients in y (symmetric functions of the algebraic integers
// 2cos(πl/L)), computed in 3L²+128-bit floating point and rounded; the
// unpaired factors l = 0 and l = L are rational in a through
// e^(γ_0) = a(a−1)/(a+1) and e^(γ_L) = a(a+1)/(a−1) (for odd L one factor of
// (2 sinh 2K)^(1/2) is absorbed into them). The sum of the four terms is then
// an exact polynomial division in math/big. The result is checked (every
// rounding within 1/4 of an integer, exact divisions, even coefficients
// before the factor ½, non-negative counts summing to 2^(L²)) and the
// function panics if a check fails. It takes about 0.1 s at L = 16, 1.4 s at
// L = 32 and 35 s at L = 48 on one core, so it calls progress (if not nil)
// after each of the 2(L−1) polynomial factors with the number done and
// their total (enumeration, L ≤ MaxEnumerateL, makes no calls); if progress
// returns an error, it stops and returns that error unchanged and no
// result. It panics if L < 1 or L > MaxDensityOfStatesL.
func DensityOfStatesCounts(L int, progress func(done, total int) error) (energies []int, g []*big.Int, err error) {
	if L < 1 || L > MaxDensityOfStatesL {
		panic(fmt.Sprintf("ising: DensityOfStates needs 1 ≤ L ≤ %d, got %d", MaxDensityOfStatesL, L))
	}
	if L <= MaxEnumerateL {
		energies, g = enumDOS(L)
		return energies, g, nil
	}
	return bealeDOS(L, progress)
}

// enumDOS counts the states of each energy by enumeration (L ≤ 4).
func enumDOS(L int) ([]int, []*big.Int) {
	tab := enumTableFor(L)
	cnt := map[int]int64{}
	for _, c := range tab.cls {
		cnt[c.bonds] += int64(c.count)
	}
	energies := make([]int, 0, len(cnt))
	for e := range cnt {
		energies = append(energies, e)
	}
	sort.Ints(energies)
	g := make([]*big.Int, len(energies))
	for i, e := range energies {
		g[i] = big.NewInt(cnt[e])
	}
	return energies, g
}

// bigLn returns ln x for a positive big integer.
func bigLn(x *big.Int) float64 {
	f := new(big.Float).SetInt(x)
	mant := new(big.Float)
	exp := f.MantExp(mant) // x = mant · 2^exp, 0.5 ≤ mant < 1
	m, _ := mant.Float64()
	return math.Log(m) + float64(exp)*math.Ln2
}

// rpoly is c(a) · a^ea (a−1)^em (a+1)^ep with c an integer polynomial
// (c[k] multiplies a^k).
type rpoly struct {
	c          []*big.Int
	ea, em, ep int
}

func bigInts(v ...int64) []*big.Int {
	p := make([]*big.Int, len(v))
	for i, x := range v {
		p[i] = big.NewInt(x)
	}
	return p
}

func polyMul(p, q []*big.Int) []*big.Int {
	r := make([]*big.Int, len(p)+len(q)-1)
	for i := range r {
		r[i] = new(big.Int)
	}
	t := new(big.Int)
	for i, x := range p {
		if x.Sign() == 0 {
			continue
		}
		for j, y := range q {
			r[i+j].Add(r[i+j], t.Mul(x, y))
		}
	}
	return r
}

// polyMulLin returns p·(a + s).
func polyMulLin(p []*big.Int, s int64) []*big.Int {
	r := make([]*big.Int, len(p)+1)
	for i := range r {
		r[i] = new(big.Int)
	}
	t := new(big.Int)
	for i, x := range p {
		r[i+1].Add(r[i+1], x)
		r[i].Add(r[i], t.Mul(x, big.NewInt(s)))
	}
	return r
}

// polyDivLin returns p/(a + s), panicking if the division is not exact.
func polyDivLin(p []*big.Int, s int64) []*big.Int {
	n := len(p) - 1
	q := make([]*big.Int, n)
	rem := new(big.Int).Set(p[n])
	t := new(big.Int)
	for k := n - 1; k >= 0; k-- {
		q[k] = new(big.Int).Set(rem)
		rem = new(big.Int).Sub(p[k], t.Mul(big.NewInt(s), q[k]))
	}
	if rem.Sign() != 0 {
		panic("ising: DensityOfStates: inexact division (internal error)")
	}
	return q
}

func (x rpoly) mul(y rpoly) rpoly {
	return rpoly{polyMul(x.c, y.c), x.ea + y.ea, x.em + y.em, x.ep + y.ep}
}

// add returns x + sign·y.
func (x rpoly) add(y rpoly, sign int64) rpoly {
	ea, em, ep := min(x.ea, y.ea), min(x.em, y.em), min(x.ep, y.ep)
	scale := func(z rpoly) []*big.Int {
		c := z.c
		for range z.ea - ea {
			c = polyMulLin(c, 0)
		}
		for range z.em - em {
			c = polyMulLin(c, -1)
		}
		for range z.ep - ep {
			c = polyMulLin(c, 1)
		}
		return c
	}
	a, b := scale(x), scale(y)
	r := make([]*big.Int, max(len(a), len(b)))
	for i := range r {
		r[i] = new(big.Int)
		if i < len(a) {
			r[i].Add(r[i], a[i])
		}
		if i < len(b) {
			t := new(big.Int).Mul(b[i], big.NewInt(sign))
			r[i].Add(r[i], t)
		}
	}
	return rpoly{r, ea, em, ep}
}

// bealeDOS computes the density of states from Kaufman's partition function
// (see DensityOfStatesCounts). Valid for L ≥ 2.
func bealeDOS(L int, progress func(done, total int) error) ([]int, []*big.Int, error) {
	b := newBeale(L, progress)
	var oddL, evenL []int
	for l := 1; l < L; l += 2 {
		oddL = append(oddL, l)
	}
	for l := 2; l < L; l += 2 {
		evenL = append(evenL, l)
	}
	pref, u := bealeFactors(L)
	terms := [4]rpoly{
		pref.mul(u[0]).mul(yToA(b.paired(oddL, 2))),
		pref.mul(u[1]).mul(yToA(b.paired(oddL, -2))),
		pref.mul(u[2]).mul(yToA(b.paired(evenL, 2))),
		pref.mul(u[3]).mul(yToA(b.paired(evenL, -2))),
	}
	if b.stopErr != nil {
		return nil, nil, b.stopErr
	}
	z := terms[0].add(terms[1], 1).add(terms[2], 1).add(terms[3], 1)
	energies, g := z.counts(L * L)
	return energies, g, nil
}

// beale holds what the four products of bealeDOS share: the lattice
// (n columns, m rows, n = m = L), the working precision, π, V_m's
// coefficients and the progress count.
type beale struct {
	n, m     int
	prec     uint
	pi       *big.Float
	vmf      []*big.Float // V_m(z) = 2cosh(mγ) as a polynomial in z = 2cosh γ
	progress func(done, total int) error
	steps    int
	nsteps   int // one step per factor l of the four products
	stopErr  error
}

func newBeale(L int, progress func(done, total int) error) *beale {
	b := &beale{n: L, m: L, prec: uint(3*L*L + 128), progress: progress, nsteps: 2 * (L - 1)}
	b.pi = bigPi(b.prec)
	vm := chebyshevV(b.m)
	b.vmf = make([]*big.Float, len(vm))
	for i, x := range vm {
		b.vmf[i] = new(big.Float).SetPrec(b.prec).SetInt(x)
	}
	return b
}

// step counts one factor and reports it to progress, keeping the first
// error progress returns.
func (b *beale) step() {
	b.steps++
	if b.progress != nil && b.stopErr == nil {
		b.stopErr = b.progress(b.steps, b.nsteps)
	}
}

// chebyshevV returns V_m(z) = 2cosh(mγ) as an integer polynomial in
// z = 2cosh γ, from V_0 = 2, V_1 = z, V_(k+1) = z V_k − V_(k−1).
func chebyshevV(m int) []*big.Int {
	v0, v1 := bigInts(2), bigInts(0, 1)
	for k := 2; k <= m; k++ {
		next := polyMulLin(v1, 0)
		for i, x := range v0 {
			next[i].Sub(next[i], x)
		}
		v0, v1 = v1, next
	}
	if m == 1 {
		return bigInts(0, 1)
	}
	return v1
}

// paired returns Π_l (V_m(y − 2cos(πl/n)) + shift) over the given l as an
// integer polynomial in y. Once progress has returned an error it returns
// the polynomial 1 without computing.
func (b *beale) paired(ls []int, shift int64) []*big.Int {
	prec := b.prec
	acc := []*big.Float{new(big.Float).SetPrec(prec).SetInt64(1)}
	for _, l := range ls {
		if b.stopErr != nil {
			return bigInts(1)
		}
		b.step()
		theta := new(big.Float).SetPrec(prec).Mul(b.pi, big.NewFloat(float64(l)))
		theta.Quo(theta, new(big.Float).SetPrec(prec).SetInt64(int64(b.n)))
		negDelta := bigCos(theta, prec)
		negDelta.Mul(negDelta, big.NewFloat(-2)) // −2cos θ
		q := b.shiftedV(negDelta)
		q[0].Add(q[0], new(big.Float).SetPrec(prec).SetInt64(shift))
		acc = floatPolyMul(acc, q, prec)
	}
	return roundPoly(acc, prec)
}

// shiftedV returns q(y) = V_m(y + negDelta) by Horner's rule in polynomials
// of y.
func (b *beale) shiftedV(negDelta *big.Float) []*big.Float {
	prec := b.prec
	q := []*big.Float{new(big.Float).SetPrec(prec)}
	for k := len(b.vmf) - 1; k >= 0; k-- {
		// q = q·(y + negDelta) + v_k
		nq := make([]*big.Float, len(q)+1)
		for i := range nq {
			nq[i] = new(big.Float).SetPrec(prec)
		}
		t := new(big.Float).SetPrec(prec)
		for i, x := range q {
			nq[i+1].Add(nq[i+1], x)
			nq[i].Add(nq[i], t.Mul(x, negDelta))
		}
		nq[0].Add(nq[0], b.vmf[k])
		q = nq
	}
	return q
}

// floatPolyMul returns the product of the polynomials p and q at precision
// prec.
func floatPolyMul(p, q []*big.Float, prec uint) []*big.Float {
	na := make([]*big.Float, len(p)+len(q)-1)
	for i := range na {
		na[i] = new(big.Float).SetPrec(prec)
	}
	t := new(big.Float).SetPrec(prec)
	for i, x := range p {
		for j, y := range q {
			na[i+j].Add(na[i+j], t.Mul(x, y))
		}
	}
	return na
}

// roundPoly rounds the coefficients of p to the nearest integers; it panics
// if one is more than ¼ away from an integer (an internal error: the
// product has integer coefficients).
func roundPoly(p []*big.Float, prec uint) []*big.Int {
	out := make([]*big.Int, len(p))
	half := big.NewFloat(0.5)
	quarter := big.NewFloat(0.25)
	for i, x := range p {
		r := new(big.Float).SetPrec(prec).Set(x)
		if r.Sign() >= 0 {
			r.Add(r, half)
		} else {
			r.Sub(r, half)
		}
		z, _ := r.Int(nil)
		d := new(big.Float).SetPrec(prec).SetInt(z)
		d.Sub(d, x)
		if d.Abs(d).Cmp(quarter) > 0 {
			panic("ising: DensityOfStates: coefficient not an integer (internal error)")
		}
		out[i] = z
	}
	return out
}

// yToA converts P(y), y = (a²+1)²/(a(a−1)(a+1)), into an rpoly in a.
func yToA(p []*big.Int) rpoly {
	D := len(p) - 1
	num := bigInts(1, 0, 2, 0, 1) // (a²+1)²
	den := bigInts(0, -1, 0, 1)   // a³ − a
	dp := make([][]*big.Int, D+1)
	dp[0] = bigInts(1)
	for j := 1; j <= D; j++ {
		dp[j] = polyMul(dp[j-1], den)
	}
	S := []*big.Int{new(big.Int).Set(p[D])}
	for k := D - 1; k >= 0; k-- {
		S = polyMul(S, num)
		t := dp[D-k]
		for i, x := range t {
			S[i].Add(S[i], new(big.Int).Mul(p[k], x))
		}
	}
	return rpoly{S, -D, -D, -D}
}

// bealeFactors returns the prefactor (2 sinh 2K)^(N/2) and the factors u of
// the four products that do not depend on l (those of γ_0 and γ_n), as
// rpolys in a, for the L×L lattice.
func bealeFactors(L int) (pref rpoly, u [4]rpoly) {
	N, m := L*L, L
	one := rpoly{c: bigInts(1)}
	e0 := func(j int) rpoly { return rpoly{bigInts(1), j, j, -j} } // e^(jγ_0)
	en := func(j int) rpoly { return rpoly{bigInts(1), j, -j, j} } // e^(jγ_n)
	if L%2 == 0 {
		h := N / 2
		pref = rpoly{bigInts(1), -h, h, h}
		j := m / 2
		u[0], u[1] = one, one
		u[2] = e0(j).add(e0(-j), 1).mul(en(j).add(en(-j), 1))
		u[3] = e0(j).add(e0(-j), -1).mul(en(j).add(en(-j), -1))
	} else {
		h := (N - 1) / 2
		pref = rpoly{bigInts(1), -h, h, h}
		j := (m - 1) / 2
		// √(2 sinh 2K)·e^(±γ_n/2) = a+1, (a−1)/a; ·e^(±γ_0/2) = a−1, (a+1)/a.
		pn := rpoly{bigInts(1), 0, 0, 1}.mul(en(j))
		mn := rpoly{bigInts(1), -1, 1, 0}.mul(en(-j))
		p0 := rpoly{bigInts(1), 0, 1, 0}.mul(e0(j))
		m0 := rpoly{bigInts(1), -1, 0, 1}.mul(e0(-j))
		u[0], u[1] = pn.add(mn, 1), pn.add(mn, -1)
		u[2], u[3] = p0.add(m0, 1), p0.add(m0, -1)
	}
	return pref, u
}

// counts reads the density of states of an N-spin lattice off Z = z:
// it clears the powers of (a − 1) and (a + 1), so that
// Z = ½ Σ_p z.c[p] a^(p+ea) with a^q = e^(−E/T), E = −2q, and returns the
// energies, ascending, and their counts. It panics (internal errors) on a
// negative or odd coefficient and if the counts do not sum to 2^N.
func (z rpoly) counts(N int) ([]int, []*big.Int) {
	for ; z.em < 0; z.em++ {
		z.c = polyDivLin(z.c, -1)
	}
	for ; z.ep < 0; z.ep++ {
		z.c = polyDivLin(z.c, 1)
	}
	for ; z.em > 0; z.em-- {
		z.c = polyMulLin(z.c, -1)
	}
	for ; z.ep > 0; z.ep-- {
		z.c = polyMulLin(z.c, 1)
	}
	var energies []int
	var g []*big.Int
	total := new(big.Int)
	for p := len(z.c) - 1; p >= 0; p-- {
		c := z.c[p]
		if c.Sign() == 0 {
			continue
		}
		if c.Sign() < 0 || c.Bit(0) != 0 {
			panic("ising: DensityOfStates: negative or odd coefficient (internal error)")
		}
		c = new(big.Int).Rsh(c, 1)
		energies = append(energies, -2*(p+z.ea))
		g = append(g, c)
		total.Add(total, c)
	}
	if total.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(N))) != 0 {
		panic("ising: DensityOfStates: counts do not sum to 2^N (internal error)")
	}
	return energies, g
}

// bigPi returns π to prec bits by Machin's formula π = 16 atan(1/5) − 4 atan(1/239).
func bigPi(prec uint) *big.Float {
	p := prec + 32
	atanInv := func(x int64) *big.Float {
		// atan(1/x) = Σ_k (−1)^k / ((2k+1) x^(2k+1))
		sum := new(big.Float).SetPrec(p)
		pow := new(big.Float).SetPrec(p).Quo(big.NewFloat(1), new(big.Float).SetPrec(p).SetInt64(x))
		x2 := new(big.Float).SetPrec(p).SetInt64(x * x)
		eps := new(big.Float).SetPrec(p).SetMantExp(big.NewFloat(1), -int(p))
		t := new(big.Float).SetPrec(p)
		for k := int64(0); ; k++ {
			t.Quo(pow, new(big.Float).SetPrec(p).SetInt64(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			if t.Cmp(eps) < 0 {
				return sum
			}
			pow.Quo(pow, x2)
		}
	}
	a := atanInv(5)
	a.Mul(a, big.NewFloat(16))
	b := atanInv(239)
	b.Mul(b, big.NewFloat(4))
	return a.Sub(a, b).SetPrec(prec)
}

// bigCos returns cos θ for 0 ≤ θ ≤ π by its Taylor series at prec bits.
func bigCos(theta *big.Float, prec uint) *big.Float {
	p := prec + 32
	t2 := new(big.Float).SetPrec(p).Mul(theta, theta)
	sum := new(big.Float).SetPrec(p).SetInt64(1)
	term := new(big.Float).SetPrec(p).SetInt64(1)
	eps := new(big.Float).SetPrec(p).SetMantExp(big.NewFloat(1), -int(p))
	abs := new(big.Float).SetPrec(p)
	for k := int64(1); ; k++ {
		term.Mul(term, t2)
		term.Quo(term, new(big.Float).SetPrec(p).SetInt64((2*k-1)*(2*k)))
		term.Neg(term)
		sum.Add(sum, term)
		if abs.Abs(term).Cmp(eps) < 0 && k > 2 {
			return sum.SetPrec(prec)
		}
	}
}
