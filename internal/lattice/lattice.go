// Package lattice holds the nearest-neighbour observables of a configuration
// stored as a row of 0/1 values (s = 2v − 1) on an L×L periodic square lattice
// with site order i*L+j. The ising, thermo and flow packages share them.
package lattice

// Side returns L for a row of n = L*L sites, and false if n is not a positive
// perfect square.
func Side(n int) (int, bool) {
	L := 0
	for L*L < n {
		L++
	}
	return L, n > 0 && L*L == n
}

// Bonds returns −Σ_<ij> s_i s_j over the 2L² nearest-neighbour bonds of the
// configuration row (the h = 0 energy, J = 1). It panics if len(row) != L*L.
func Bonds(L int, row []float64) float64 {
	if len(row) != L*L {
		panic("lattice: row length is not L*L")
	}
	var sum float64
	for i := 0; i < L; i++ {
		r := row[i*L : (i+1)*L]
		d := row[((i+1)%L)*L : ((i+1)%L+1)*L]
		for j := 0; j < L; j++ {
			s := 2*r[j] - 1
			jr := j + 1
			if jr == L {
				jr = 0
			}
			sum += s * ((2*r[jr] - 1) + (2*d[j] - 1))
		}
	}
	return -sum
}

// Spin returns Σ s_i of the configuration row.
func Spin(row []float64) float64 {
	var m float64
	for _, v := range row {
		m += 2*v - 1
	}
	return m
}

// EnergyPerSpin returns (Bonds − h·Σs)/L² for an L×L row.
func EnergyPerSpin(L int, h float64, row []float64) float64 {
	return (Bonds(L, row) - h*Spin(row)) / float64(L*L)
}
