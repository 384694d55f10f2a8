//go:build !purego

#include "textflag.h"

// LEVEL_UNBLENDED is one level after level 0 for all four words.
#define LEVEL_UNBLENDED \
	RNG_UNBLENDED \
	THRESHOLD \
	VPXOR  Y2, Y1, Y3 \
	COMPARE \
	VPANDN Y10, Y3, Y10 \
	LEAQ (BX)(R9*2), BX

// RNG_VALUE sets Y1 to the xoshiro256** output rotl(s1·5, 7)·9 of the
// four states in Y11–Y14 (s0–s3).
#define RNG_VALUE \
	VPSLLQ $2, Y12, Y1 \
	VPADDQ Y12, Y1, Y1 \
	VPSLLQ $7, Y1, Y2  \
	VPSRLQ $57, Y1, Y1 \
	VPOR   Y2, Y1, Y1  \
	VPSLLQ $3, Y1, Y2  \
	VPADDQ Y2, Y1, Y1

// RNG_UNBLENDED sets Y1 to the output and advances all four states.
#define RNG_UNBLENDED \
	RNG_VALUE \
	VPSLLQ $17, Y12, Y8 \
	VPXOR  Y11, Y13, Y13 \
	VPXOR  Y12, Y14, Y14 \
	VPXOR  Y13, Y12, Y12 \
	VPXOR  Y14, Y11, Y11 \
	VPXOR  Y8, Y13, Y13 \
	VPSLLQ $45, Y14, Y8 \
	VPSRLQ $19, Y14, Y14 \
	VPOR   Y8, Y14, Y14

// THRESHOLD sets Y2 to this level's threshold bits p₈ ⊕ (k1 & (p₄ ⊕ p₈)).
#define THRESHOLD \
	VPAND (BX)(R9*1), Y5, Y2 \
	VPXOR (BX), Y2, Y2

// COMPARE, with Y3 = p ⊕ rnd (the lanes decided at this level), adds the
// undecided lanes with p's bit 1 and u's bit 0 (u < p) to the flips.
#define COMPARE \
	VPAND Y3, Y2, Y2  \
	VPAND Y10, Y2, Y2 \
	VPOR  Y2, Y9, Y9

// func msSweepAVX2(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)
//
// One multi-spin Metropolis sweep, four words (256 lanes) per instruction;
// the same bit logic as (*MultiSpin).sweepGo. Registers: Y0 k = 2 lanes
// (ΔE = 0), Y5 k = 1 lanes, Y7 k = 0 lanes and then the words with nothing
// to decide, Y9 flips, Y10 undecided lanes, Y11–Y14 the four words'
// xoshiro256** states, Y15 zero. A word with a lane to decide draws
// multiSpinMinLevels levels and then more while it has undecided lanes; a
// word's state advances only at its own levels (blend), so each word's
// stream does not depend on its neighbours in the group.
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
	VPOR  Y2, Y10, Y10  // k1&need4 | k0&need8 (need excludes always)
	VPOR  Y0, Y10, Y10  // | k2
	VPTEST Y10, Y10
	JZ store

	LEAQ (R10)(DX*1), R15
	LEAQ (R9)(R9*2), BX
	VMOVDQU (R15), Y11
	VMOVDQU (R15)(R9*1), Y12
	VMOVDQU (R15)(R9*2), Y13
	VMOVDQU (R15)(BX*1), Y14
	VPCMPEQQ Y15, Y10, Y7 // words with no lane to decide draw nothing
	LEAQ (R11)(DX*1), BX
	MOVQ R9, R14
	IMULQ $80, R14
	ADDQ BX, R14

	// Levels 0 … multiSpinMinLevels−1 run for every word, unblended (a
	// word with a lane to decide draws at least that many levels); level 0
	// also decides the k = 2 lanes (p = 1/2).
	RNG_UNBLENDED
	THRESHOLD
	VPOR   Y0, Y2, Y2
	VPXOR  Y2, Y1, Y3
	COMPARE
	VPOR   Y0, Y3, Y3
	VPANDN Y10, Y3, Y10
	LEAQ (BX)(R9*2), BX
	LEVEL_UNBLENDED
	LEVEL_UNBLENDED
	LEVEL_UNBLENDED
	LEVEL_UNBLENDED
	LEVEL_UNBLENDED
	// The words that had nothing to decide keep their state.
	VPBLENDVB Y7, (R15), Y11, Y11
	VPBLENDVB Y7, (R15)(R9*1), Y12, Y12
	VPBLENDVB Y7, (R15)(R9*2), Y13, Y13
	LEAQ (R9)(R9*2), AX
	VPBLENDVB Y7, (R15)(AX*1), Y14, Y14
	MOVL 0(DI), AX
	VPTEST Y10, Y10
	JZ saverng

level:
	// Further levels while some lane is undecided; a word whose lanes are
	// all decided keeps its state (blend).
	RNG_VALUE
	VPXOR  Y11, Y13, Y2 // s2 ^ s0
	VPXOR  Y12, Y14, Y3 // s3 ^ s1
	VPXOR  Y2, Y12, Y4  // s1 ^ s2'
	VPXOR  Y3, Y11, Y6  // s0 ^ s3'
	VPSLLQ $17, Y12, Y8
	VPXOR  Y8, Y2, Y2
	VPSLLQ $45, Y3, Y8
	VPSRLQ $19, Y3, Y3
	VPOR   Y8, Y3, Y3
	VPCMPEQQ Y15, Y10, Y8
	VPBLENDVB Y8, Y11, Y6, Y11
	VPBLENDVB Y8, Y12, Y4, Y12
	VPBLENDVB Y8, Y13, Y2, Y13
	VPBLENDVB Y8, Y14, Y3, Y14
	THRESHOLD
	VPXOR  Y2, Y1, Y3
	COMPARE
	VPANDN Y10, Y3, Y10
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
