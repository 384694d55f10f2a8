//go:build !purego

#include "textflag.h"

// func msSweepAVX2(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)
//
// One multi-spin Metropolis sweep, four words (256 lanes) per instruction;
// the same bit logic as (*MultiSpin).sweepGo. Registers: Y0 k = 2 lanes
// (ΔE = 0), Y5 k = 1 lanes, Y7 k = 0 lanes, Y9 flips, Y10 undecided lanes,
// Y11–Y14 the four words' xoshiro256** states, Y15 zero. A word's state
// advances only at levels where some of its lanes are undecided (blend), so
// each word's stream does not depend on its neighbours in the group.
TEXT ·msSweepAVX2(SB), NOSPLIT, $0-64
	MOVQ spins+0(FP), SI
	MOVQ order+8(FP), DI
	MOVQ nsites+16(FP), CX
	MOVQ ngroups+24(FP), R8
	MOVQ stride+32(FP), R9
	MOVQ rng+40(FP), R10
	MOVQ thr+48(FP), R11
	MOVQ masks+56(FP), R12
	SHLQ $5, R8
	VPXOR Y15, Y15, Y15

site:
	MOVL 0(DI), AX
	XORQ DX, DX

group:
	LEAQ (SI)(DX*1), R13
	VMOVDQU (R13)(AX*1), Y0
	MOVL 4(DI), BX
	VPXOR (R13)(BX*1), Y0, Y1
	MOVL 8(DI), BX
	VPXOR (R13)(BX*1), Y0, Y2
	MOVL 12(DI), BX
	VPXOR (R13)(BX*1), Y0, Y3
	MOVL 16(DI), BX
	VPXOR (R13)(BX*1), Y0, Y4
	VPXOR Y1, Y2, Y5   // x1
	VPAND Y1, Y2, Y6   // c1
	VPXOR Y3, Y4, Y7   // x2
	VPAND Y3, Y4, Y8   // c2
	VPOR  Y5, Y7, Y1   // xo
	VPOR  Y6, Y8, Y2   // co
	VPAND Y5, Y7, Y3   // x1&x2
	VPAND Y6, Y8, Y4   // c1&c2
	VPXOR Y5, Y7, Y5   // x1^x2
	VPXOR Y6, Y8, Y6   // c1^c2
	VPANDN Y5, Y2, Y5  // k = 1: (x1^x2) &^ co
	VPANDN Y6, Y1, Y6  // (c1^c2) &^ xo
	VPANDN Y3, Y2, Y3  // (x1&x2) &^ co
	VPOR  Y6, Y3, Y0   // k = 2 (the spins are reloaded before the store)
	VPAND Y1, Y2, Y8
	VPOR  Y8, Y4, Y9   // k ≥ 3: flips
	VPOR  Y1, Y2, Y7
	VPCMPEQQ Y1, Y1, Y1
	VPXOR Y1, Y7, Y7   // k = 0
	LEAQ (R12)(DX*1), R14
	VMOVDQU (R14)(R9*2), Y1 // always
	VPOR  Y5, Y7, Y2
	VPAND Y1, Y2, Y2
	VPOR  Y2, Y9, Y9   // T = +Inf: every ΔE ≠ 0 flips
	VPAND (R14), Y5, Y10
	VPAND (R14)(R9*1), Y7, Y2
	VPOR  Y2, Y10, Y10
	VPANDN Y10, Y1, Y10 // ~always & (k1&need4 | k0&need8)
	VPOR  Y0, Y10, Y10  // | k2
	VPTEST Y10, Y10
	JZ store

	LEAQ (R10)(DX*1), R15
	LEAQ (R9)(R9*2), BX
	VMOVDQU (R15), Y11
	VMOVDQU (R15)(R9*1), Y12
	VMOVDQU (R15)(R9*2), Y13
	VMOVDQU (R15)(BX*1), Y14
	LEAQ (R11)(DX*1), BX
	MOVQ R9, R14
	IMULQ $80, R14
	ADDQ BX, R14

level:
	// rnd = rotl(s1·5, 7)·9
	VPSLLQ $2, Y12, Y1
	VPADDQ Y12, Y1, Y1
	VPSLLQ $7, Y1, Y2
	VPSRLQ $57, Y1, Y1
	VPOR   Y2, Y1, Y1
	VPSLLQ $3, Y1, Y2
	VPADDQ Y2, Y1, Y1
	// next state
	VPXOR  Y11, Y13, Y2 // s2 ^ s0
	VPXOR  Y12, Y14, Y3 // s3 ^ s1
	VPXOR  Y2, Y12, Y4  // s1 ^ s2'
	VPXOR  Y3, Y11, Y6  // s0 ^ s3'
	VPSLLQ $17, Y12, Y8
	VPXOR  Y8, Y2, Y2
	VPSLLQ $45, Y3, Y8
	VPSRLQ $19, Y3, Y3
	VPOR   Y8, Y3, Y3
	VPCMPEQQ Y15, Y10, Y8 // words with no undecided lane keep their state
	VPBLENDVB Y8, Y11, Y6, Y11
	VPBLENDVB Y8, Y12, Y4, Y12
	VPBLENDVB Y8, Y13, Y2, Y13
	VPBLENDVB Y8, Y14, Y3, Y14
	// threshold bits of this level and the comparison
	VPAND  (BX), Y5, Y2
	VPAND  (BX)(R9*1), Y7, Y3
	VPOR   Y3, Y2, Y2
	VPOR   Y0, Y2, Y2    // p: k = 2 lanes compare with 1/2
	VPANDN Y2, Y1, Y3    // p &^ rnd
	VPAND  Y10, Y3, Y3   // lt
	VPANDN Y1, Y2, Y4    // rnd &^ p
	VPAND  Y10, Y4, Y4   // gt
	VPOR   Y3, Y9, Y9
	VPOR   Y3, Y4, Y3
	VPOR   Y0, Y3, Y3
	VPANDN Y10, Y3, Y10 // und &^= lt | gt | k2
	LEAQ (BX)(R9*2), BX
	VPTEST Y10, Y10
	JZ saverng
	CMPQ BX, R14
	JB level

saverng:
	VMOVDQU Y11, (R15)
	VMOVDQU Y12, (R15)(R9*1)
	VMOVDQU Y13, (R15)(R9*2)
	LEAQ (R9)(R9*2), BX
	VMOVDQU Y14, (R15)(BX*1)

store:
	VMOVDQU (R13)(AX*1), Y1
	VPXOR Y9, Y1, Y1
	VMOVDQU Y1, (R13)(AX*1)
	ADDQ $32, DX
	CMPQ DX, R8
	JB group
	ADDQ $20, DI
	DECQ CX
	JNZ site
	VZEROUPPER
	RET
