package simd

// Step holds the coefficients of one momentum step of a weight matrix row
// (see Update).
type Step struct {
	Inv0, InvN float64 // scales of the positive and negative sums
	LR, Mom    float64 // learning rate and momentum
	L2         float64 // weight decay
}

// Update computes the momentum step of one row of weights from the
// float32 positive and negative sums p and q of a gradient estimate,
//
//	u[j] = Mom·vel[j] + LR·(Inv0·p[j] − InvN·q[j] − L2·w[j]),
//
// for j < len(u), and reports whether every w[j] + u[j] is finite. w, vel,
// p and q must be at least as long as u. The arithmetic is float64.
func Update(u, w, vel []float64, p, q []float32, s *Step) bool {
	n := len(u)
	if len(w) < n || len(vel) < n || len(p) < n || len(q) < n {
		panic(errShort)
	}
	ok := true
	j := 0
	if useAsm && n >= 4 {
		j = n &^ 3
		ok = updateAVX2(&u[0], &w[0], &vel[0], &p[0], &q[0], j, s)
	}
	var chk float64
	for ; j < n; j++ {
		d := s.Inv0*float64(p[j]) - s.InvN*float64(q[j]) - s.L2*w[j]
		u[j] = s.Mom*vel[j] + s.LR*d
		nw := w[j] + u[j]
		chk += nw - nw // NaN unless nw is finite
	}
	return ok && chk == 0
}

// Apply adds the step u to the weights w, stores it as the new velocity and
// writes the float32 copy of the new weights to w32. All slices must be at
// least as long as u.
func Apply(w, vel, u []float64, w32 []float32) {
	n := len(u)
	if len(w) < n || len(vel) < n || len(w32) < n {
		panic(errShort)
	}
	j := 0
	if useAsm && n >= 4 {
		j = n &^ 3
		applyAVX2(&w[0], &vel[0], &u[0], &w32[0], j)
	}
	for ; j < n; j++ {
		w[j] += u[j]
		vel[j] = u[j]
		w32[j] = float32(w[j])
	}
}
