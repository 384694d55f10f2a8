//go:build !purego

#include "textflag.h"

#include "multispin_amd64.h"

// func bsRowAVX2(dst, up, down, same *uint64, ngroups int, sh *[8]uint64, pm *[4]uint64, rng, thr, masks *uint64)
//
// One row of a BigSpin half sweep, four words per instruction, the same
// bits as (*BigSpin).rowGo; the register roles of multispin_amd64.h, with
// stride R9 = 32 (every table holds four copies or four streams).
TEXT ·bsRowAVX2(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), SI
	MOVQ up+8(FP), DI
	MOVQ down+16(FP), R8
	MOVQ same+24(FP), R13
	MOVQ ngroups+32(FP), CX
	MOVQ sh+40(FP), R12
	MOVQ pm+48(FP), R10
	MOVQ rng+56(FP), R15
	MOVQ thr+64(FP), R11
	MOVQ $32, R9
	SHLQ $5, CX
	XORQ DX, DX
	VPXOR Y15, Y15, Y15

group:
	VMOVDQU (SI)(DX*1), Y0
	// a1: the word above, rotated left by ru (the wrap at band 0)
	VMOVDQU (DI)(DX*1), Y1
	VPSLLQ (R12), Y1, Y2
	VPSRLQ 16(R12), Y1, Y1
	VPOR   Y2, Y1, Y1
	VPXOR  Y0, Y1, Y1
	// a2: the word below, rotated right by rd
	VMOVDQU (R8)(DX*1), Y2
	VPSRLQ 32(R12), Y2, Y3
	VPSLLQ 48(R12), Y2, Y2
	VPOR   Y3, Y2, Y2
	VPXOR  Y0, Y2, Y2
	// a3: the same m; a4: m+1 where pm is set, m−1 elsewhere
	LEAQ (R13)(DX*1), AX
	VPXOR   8(AX), Y0, Y3
	VMOVDQU (R10), Y4
	VPAND   16(AX), Y4, Y5
	VPANDN  (AX), Y4, Y4
	VPOR    Y5, Y4, Y4
	VPXOR   Y0, Y4, Y4
	MOVQ masks+72(FP), R14
	CLASSES
	VPTEST Y10, Y10
	JZ store

	LOAD_STATE
	MOVQ R11, BX
	LEAQ 2560(R11), R14
	FIRST_LEVELS
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
	VMOVDQU Y12, 32(R15)
	VMOVDQU Y13, 64(R15)
	VMOVDQU Y14, 96(R15)

store:
	VMOVDQU (SI)(DX*1), Y1
	VPXOR   Y9, Y1, Y1
	VMOVDQU Y1, (SI)(DX*1)
	ADDQ $32, DX
	CMPQ DX, CX
	JB group
	VZEROUPPER
	RET

// func bsRowAVX512(dst, up, down, same *uint64, ngroups int, sh *[8]uint64, pm *[4]uint64, rng, thr, masks *uint64)
//
// The same kernel with the AVX-512VL forms of multispin_amd64.h (same bits).
TEXT ·bsRowAVX512(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), SI
	MOVQ up+8(FP), DI
	MOVQ down+16(FP), R8
	MOVQ same+24(FP), R13
	MOVQ ngroups+32(FP), CX
	MOVQ sh+40(FP), R12
	MOVQ pm+48(FP), R10
	MOVQ rng+56(FP), R15
	MOVQ thr+64(FP), R11
	MOVQ $32, R9
	SHLQ $5, CX
	XORQ DX, DX
	VPXOR Y15, Y15, Y15

group512:
	VMOVDQU (SI)(DX*1), Y0
	// a1: the word above, rotated left by ru (the wrap at band 0)
	VMOVDQU (DI)(DX*1), Y1
	VPSLLQ (R12), Y1, Y2
	VPSRLQ 16(R12), Y1, Y1
	VPOR   Y2, Y1, Y1
	VPXOR  Y0, Y1, Y1
	// a2: the word below, rotated right by rd
	VMOVDQU (R8)(DX*1), Y2
	VPSRLQ 32(R12), Y2, Y3
	VPSLLQ 48(R12), Y2, Y2
	VPOR   Y3, Y2, Y2
	VPXOR  Y0, Y2, Y2
	// a3: the same m; a4: m+1 where pm is set, m−1 elsewhere
	LEAQ (R13)(DX*1), AX
	VPXOR   8(AX), Y0, Y3
	VMOVDQU (R10), Y4
	VPAND   16(AX), Y4, Y5
	VPANDN  (AX), Y4, Y4
	VPOR    Y5, Y4, Y4
	VPXOR   Y0, Y4, Y4
	MOVQ masks+72(FP), R14
	CLASSES
	VPTEST Y10, Y10
	JZ store512

	LOAD_STATE512
	MOVQ R11, BX
	LEAQ 2560(R11), R14
	FIRST_LEVELS512
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
	VMOVDQU Y12, 32(R15)
	VMOVDQU Y13, 64(R15)
	VMOVDQU Y14, 96(R15)

store512:
	VMOVDQU (SI)(DX*1), Y1
	VPXOR   Y9, Y1, Y1
	VMOVDQU Y1, (SI)(DX*1)
	ADDQ $32, DX
	CMPQ DX, CX
	JB group512
	VZEROUPPER
	RET
