//go:build !purego

#include "textflag.h"

#include "multispin_amd64.h"

// func msSweepAVX2(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)
//
// One multi-spin Metropolis sweep, four words (256 lanes) per instruction;
// the same bit logic as (*MultiSpin).sweepGo. Registers: Y0 k = 2 lanes
// (ΔE = 0), Y5 k = 1 lanes, Y7 k = 0 lanes and then the words with nothing
// to decide, Y9 flips, Y10 undecided lanes, Y11–Y14 the four words'
// xoshiro256++ states, Y15 zero. A word with a lane to decide draws
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
	LEAQ (R12)(DX*1), R14
	CLASSES
	VPTEST Y10, Y10
	JZ store

	LEAQ (R10)(DX*1), R15
	LOAD_STATE
	LEAQ (R11)(DX*1), BX
	MOVQ R9, R14
	IMULQ $80, R14
	ADDQ BX, R14

	FIRST_LEVELS
	MOVL 0(DI), AX
	VPTEST Y10, Y10
	JZ saverng

level:
	LEVEL_BLENDED
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

// func msSweepAVX512(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)
//
// The same kernel with the AVX-512VL forms of multispin_amd64.h (same bits).
TEXT ·msSweepAVX512(SB), NOSPLIT, $0-64
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

site512:
	MOVL 0(DI), AX
	XORQ DX, DX

group512:
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
	LEAQ (R12)(DX*1), R14
	CLASSES
	VPTEST Y10, Y10
	JZ store512

	LEAQ (R10)(DX*1), R15
	LOAD_STATE512
	LEAQ (R11)(DX*1), BX
	MOVQ R9, R14
	IMULQ $80, R14
	ADDQ BX, R14

	FIRST_LEVELS512
	MOVL 0(DI), AX
	KORTESTW K1, K1
	JZ saverng512

level512:
	LEVEL512_MASKED
	KORTESTW K1, K1
	JZ saverng512
	CMPQ BX, R14
	JB level512

saverng512:
	VMOVDQU Y11, (R15)
	VMOVDQU Y12, (R15)(R9*1)
	VMOVDQU Y13, (R15)(R9*2)
	LEAQ (R9)(R9*2), BX
	VMOVDQU Y14, (R15)(BX*1)

store512:
	VMOVDQU (R13)(AX*1), Y1
	VPXOR Y9, Y1, Y1
	VMOVDQU Y1, (R13)(AX*1)
	ADDQ $32, DX
	CMPQ DX, R8
	JB group512
	ADDQ $20, DI
	DECQ CX
	JNZ site512
	VZEROUPPER
	RET
