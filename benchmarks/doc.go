// Package benchmarks holds end-to-end benchmarks of rgflow at the paper's
// sizes (L = 10, 25 temperatures, N_v = N_h = 100, 1000 flow chains), in
// physical units: configurations per second for data generation, training
// samples per second, flow chain-steps per second.
//
//	go test -run '^$' -bench . ./benchmarks/
//
// The per-package micro-benchmarks (ns per spin flip, GFLOP/s of a CD-1
// epoch, …) live beside each package.
package benchmarks
