package ising

import (
	"math/bits"
	"math/rand/v2"
)

// xoshiro is the xoshiro256** generator (Blackman & Vigna 2018), used in
// the samplers' hot loops instead of calling the caller's rand.Source
// through its interface for every random number. It is seeded from the
// caller's source when a sampler is built, so results stay reproducible
// from the caller's seed.
type xoshiro struct{ s0, s1, s2, s3 uint64 }

// errNilSource is the panic of every constructor given a nil rand.Source.
const errNilSource = "ising: nil rand.Source"

// newXoshiro seeds a generator with four words from src, passed through
// splitmix64 so that any source (even one returning zeros) gives a valid,
// well-mixed state.
func newXoshiro(src rand.Source) xoshiro {
	if src == nil {
		panic(errNilSource)
	}
	var s [4]uint64
	for i := range s {
		z := src.Uint64() + uint64(i+1)*0x9e3779b97f4a7c15
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		s[i] = z ^ z>>31
	}
	if s == [4]uint64{} {
		s[0] = 1
	}
	return xoshiro{s[0], s[1], s[2], s[3]}
}

// Uint64 returns 64 random bits (so *xoshiro is a rand.Source).
func (x *xoshiro) Uint64() uint64 {
	r := bits.RotateLeft64(x.s1*5, 7) * 9
	t := x.s1 << 17
	x.s2 ^= x.s0
	x.s3 ^= x.s1
	x.s1 ^= x.s2
	x.s0 ^= x.s3
	x.s2 ^= t
	x.s3 = bits.RotateLeft64(x.s3, 45)
	return r
}

// float returns a uniform float64 in [0, 1) with 53 random bits.
func (x *xoshiro) float() float64 { return float64(x.Uint64()>>11) * 0x1p-53 }

// uintn returns a uniform integer in [0, n), n > 0, without bias.
func (x *xoshiro) uintn(n uint64) uint64 {
	hi, lo := bits.Mul64(x.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(x.Uint64(), n)
		}
	}
	return hi
}
