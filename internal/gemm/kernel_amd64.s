//go:build !purego

#include "textflag.h"

// func kernAVX(kb int, a *float32, rs, cs int, b *float32, c *float32, ldc int, alpha, beta float32, load int)
//
// The 6×16 tile: Y4…Y15 hold rows 0…5 (two registers a row), Y0/Y1 the
// row of packed B, Y2/Y3 the broadcast elements of A. Row r of A starts at
// SI + r·rs (rows 3…5 from DI = SI + 3·rs); a step in p adds cs.
TEXT ·kernAVX(SB), NOSPLIT, $0-72
	MOVQ kb+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rs+16(FP), DX
	SHLQ $2, DX
	MOVQ cs+24(FP), R8
	SHLQ $2, R8
	MOVQ b+32(FP), BX
	LEAQ (SI)(DX*2), DI
	ADDQ DX, DI

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	CMPQ CX, $2
	JLT  tail

pair:
	VMOVUPS      (BX), Y0
	VMOVUPS      32(BX), Y1
	VBROADCASTSS (SI), Y2
	VFMADD231PS  Y0, Y2, Y4
	VFMADD231PS  Y1, Y2, Y5
	VBROADCASTSS (SI)(DX*1), Y3
	VFMADD231PS  Y0, Y3, Y6
	VFMADD231PS  Y1, Y3, Y7
	VBROADCASTSS (SI)(DX*2), Y2
	VFMADD231PS  Y0, Y2, Y8
	VFMADD231PS  Y1, Y2, Y9
	VBROADCASTSS (DI), Y3
	VFMADD231PS  Y0, Y3, Y10
	VFMADD231PS  Y1, Y3, Y11
	VBROADCASTSS (DI)(DX*1), Y2
	VFMADD231PS  Y0, Y2, Y12
	VFMADD231PS  Y1, Y2, Y13
	VBROADCASTSS (DI)(DX*2), Y3
	VFMADD231PS  Y0, Y3, Y14
	VFMADD231PS  Y1, Y3, Y15
	ADDQ         R8, SI
	ADDQ         R8, DI

	VMOVUPS      64(BX), Y0
	VMOVUPS      96(BX), Y1
	VBROADCASTSS (SI), Y2
	VFMADD231PS  Y0, Y2, Y4
	VFMADD231PS  Y1, Y2, Y5
	VBROADCASTSS (SI)(DX*1), Y3
	VFMADD231PS  Y0, Y3, Y6
	VFMADD231PS  Y1, Y3, Y7
	VBROADCASTSS (SI)(DX*2), Y2
	VFMADD231PS  Y0, Y2, Y8
	VFMADD231PS  Y1, Y2, Y9
	VBROADCASTSS (DI), Y3
	VFMADD231PS  Y0, Y3, Y10
	VFMADD231PS  Y1, Y3, Y11
	VBROADCASTSS (DI)(DX*1), Y2
	VFMADD231PS  Y0, Y2, Y12
	VFMADD231PS  Y1, Y2, Y13
	VBROADCASTSS (DI)(DX*2), Y3
	VFMADD231PS  Y0, Y3, Y14
	VFMADD231PS  Y1, Y3, Y15
	ADDQ         R8, SI
	ADDQ         R8, DI
	ADDQ         $128, BX
	SUBQ         $2, CX
	CMPQ         CX, $2
	JGE          pair

tail:
	TESTQ CX, CX
	JZ    done
	VMOVUPS      (BX), Y0
	VMOVUPS      32(BX), Y1
	VBROADCASTSS (SI), Y2
	VFMADD231PS  Y0, Y2, Y4
	VFMADD231PS  Y1, Y2, Y5
	VBROADCASTSS (SI)(DX*1), Y3
	VFMADD231PS  Y0, Y3, Y6
	VFMADD231PS  Y1, Y3, Y7
	VBROADCASTSS (SI)(DX*2), Y2
	VFMADD231PS  Y0, Y2, Y8
	VFMADD231PS  Y1, Y2, Y9
	VBROADCASTSS (DI), Y3
	VFMADD231PS  Y0, Y3, Y10
	VFMADD231PS  Y1, Y3, Y11
	VBROADCASTSS (DI)(DX*1), Y2
	VFMADD231PS  Y0, Y2, Y12
	VFMADD231PS  Y1, Y2, Y13
	VBROADCASTSS (DI)(DX*2), Y3
	VFMADD231PS  Y0, Y3, Y14
	VFMADD231PS  Y1, Y3, Y15

done:
	MOVQ         c+40(FP), R9
	MOVQ         ldc+48(FP), R10
	SHLQ         $2, R10
	VBROADCASTSS alpha+56(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15
	MOVQ         load+64(FP), AX
	TESTQ        AX, AX
	JZ           store

	// C = alpha·acc + beta·C
	VBROADCASTSS beta+60(FP), Y1
	MOVQ         R9, R11
	VFMADD231PS  (R11), Y1, Y4
	VFMADD231PS  32(R11), Y1, Y5
	ADDQ         R10, R11
	VFMADD231PS  (R11), Y1, Y6
	VFMADD231PS  32(R11), Y1, Y7
	ADDQ         R10, R11
	VFMADD231PS  (R11), Y1, Y8
	VFMADD231PS  32(R11), Y1, Y9
	ADDQ         R10, R11
	VFMADD231PS  (R11), Y1, Y10
	VFMADD231PS  32(R11), Y1, Y11
	ADDQ         R10, R11
	VFMADD231PS  (R11), Y1, Y12
	VFMADD231PS  32(R11), Y1, Y13
	ADDQ         R10, R11
	VFMADD231PS  (R11), Y1, Y14
	VFMADD231PS  32(R11), Y1, Y15

store:
	VMOVUPS Y4, (R9)
	VMOVUPS Y5, 32(R9)
	ADDQ    R10, R9
	VMOVUPS Y6, (R9)
	VMOVUPS Y7, 32(R9)
	ADDQ    R10, R9
	VMOVUPS Y8, (R9)
	VMOVUPS Y9, 32(R9)
	ADDQ    R10, R9
	VMOVUPS Y10, (R9)
	VMOVUPS Y11, 32(R9)
	ADDQ    R10, R9
	VMOVUPS Y12, (R9)
	VMOVUPS Y13, 32(R9)
	ADDQ    R10, R9
	VMOVUPS Y14, (R9)
	VMOVUPS Y15, 32(R9)
	VZEROUPPER
	RET

// func packTransAVX(blocks int, src *float32, ld int, dst *float32)
//
// For each of blocks steps of 8 columns: two 8×8 transposes (rows 0…7 and
// 8…15 of src) into 8 rows of 16 floats of dst.
TEXT ·packTransAVX(SB), NOSPLIT, $0-32
	MOVQ blocks+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI
	LEAQ (DX)(DX*2), R8 // 3·ld

ploop:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ $2, R9

phalf:
	// rows r0…r7 at AX, AX+ld, …
	LEAQ    (AX)(DX*4), R10
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(DX*1), Y1
	VMOVUPS (AX)(DX*2), Y2
	VMOVUPS (AX)(R8*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(DX*1), Y5
	VMOVUPS (R10)(DX*2), Y6
	VMOVUPS (R10)(R8*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	VMOVUPS Y8, (BX)
	VMOVUPS Y9, 64(BX)
	VMOVUPS Y10, 128(BX)
	VMOVUPS Y11, 192(BX)
	VMOVUPS Y12, 256(BX)
	VMOVUPS Y13, 320(BX)
	VMOVUPS Y14, 384(BX)
	VMOVUPS Y15, 448(BX)

	LEAQ (AX)(DX*8), AX // rows 8…15
	ADDQ $32, BX        // columns 8…15 of dst
	DECQ R9
	JNZ  phalf

	ADDQ $32, SI  // next 8 columns of src
	ADDQ $512, DI // next 8 rows of dst
	DECQ CX
	JNZ  ploop
	VZEROUPPER
	RET

// tanh: Eigen's odd rational minimax approximation x·P(x²)/Q(x²) on the
// input clamped to ±7.9053111 (where tanh rounds to ±1 in float32).
DATA tanhc<>+0(SB)/4, $0x40fcf84f  // hi
DATA tanhc<>+4(SB)/4, $0xc0fcf84f  // lo
DATA tanhc<>+8(SB)/4, $0xa59f25c0  // a13
DATA tanhc<>+12(SB)/4, $0x2a61337e // a11
DATA tanhc<>+16(SB)/4, $0xaebd37ff // a9
DATA tanhc<>+20(SB)/4, $0x335c0041 // a7
DATA tanhc<>+24(SB)/4, $0x3779434a // a5
DATA tanhc<>+28(SB)/4, $0x3a270ded // a3
DATA tanhc<>+32(SB)/4, $0x3ba059dc // a1
DATA tanhc<>+36(SB)/4, $0x35a0d3d8 // b6
DATA tanhc<>+40(SB)/4, $0x38f895d6 // b4
DATA tanhc<>+44(SB)/4, $0x3b14aa05 // b2
DATA tanhc<>+48(SB)/4, $0x3ba059dd // b0
DATA tanhc<>+52(SB)/4, $0x3f800000 // 1
GLOBL tanhc<>(SB), RODATA|NOPTR, $56

// func tanhAVX(blocks int, x, bias *float32, hasBias int)
TEXT ·tanhAVX(SB), NOSPLIT, $0-32
	MOVQ blocks+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ bias+16(FP), BX
	MOVQ hasBias+24(FP), AX
	VBROADCASTSS tanhc<>+8(SB), Y5
	VBROADCASTSS tanhc<>+12(SB), Y6
	VBROADCASTSS tanhc<>+16(SB), Y7
	VBROADCASTSS tanhc<>+20(SB), Y8
	VBROADCASTSS tanhc<>+24(SB), Y9
	VBROADCASTSS tanhc<>+28(SB), Y10
	VBROADCASTSS tanhc<>+32(SB), Y11
	VBROADCASTSS tanhc<>+36(SB), Y12
	VBROADCASTSS tanhc<>+40(SB), Y13
	VBROADCASTSS tanhc<>+44(SB), Y14
	VBROADCASTSS tanhc<>+48(SB), Y15

tloop:
	VMOVUPS (SI), Y0
	TESTQ   AX, AX
	JZ      nobias
	VADDPS  (BX), Y0, Y0
	ADDQ    $32, BX

nobias:
	// min(hi, x), max(lo, x) with x second, so that NaN passes through.
	VBROADCASTSS tanhc<>+0(SB), Y4
	VMINPS       Y0, Y4, Y0
	VBROADCASTSS tanhc<>+4(SB), Y4
	VMAXPS       Y0, Y4, Y0
	VMULPS       Y0, Y0, Y1
	VMOVAPS      Y5, Y2
	VFMADD213PS  Y6, Y1, Y2
	VFMADD213PS  Y7, Y1, Y2
	VFMADD213PS  Y8, Y1, Y2
	VFMADD213PS  Y9, Y1, Y2
	VFMADD213PS  Y10, Y1, Y2
	VFMADD213PS  Y11, Y1, Y2
	VMULPS       Y0, Y2, Y2
	VMOVAPS      Y12, Y3
	VFMADD213PS  Y13, Y1, Y3
	VFMADD213PS  Y14, Y1, Y3
	VFMADD213PS  Y15, Y1, Y3
	VDIVPS       Y3, Y2, Y0
	VMOVUPS      Y0, (SI)
	ADDQ         $32, SI
	DECQ         CX
	JNZ          tloop
	VZEROUPPER
	RET

// func tanhGradAVX(blocks int, d, a *float32)
TEXT ·tanhGradAVX(SB), NOSPLIT, $0-24
	MOVQ         blocks+0(FP), CX
	MOVQ         d+8(FP), DI
	MOVQ         a+16(FP), SI
	VBROADCASTSS tanhc<>+52(SB), Y4

gloop:
	VMOVUPS      (SI), Y0
	VMOVAPS      Y4, Y1
	VFNMADD231PS Y0, Y0, Y1 // 1 − a²
	VMULPS       (DI), Y1, Y1
	VMOVUPS      Y1, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          gloop
	VZEROUPPER
	RET

// func axpyAVX(blocks int, alpha float32, x, y *float32)
TEXT ·axpyAVX(SB), NOSPLIT, $0-32
	MOVQ         blocks+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y0
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI

aloop:
	VMOVUPS     (SI), Y1
	VFMADD213PS (DI), Y0, Y1
	VMOVUPS     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         aloop
	VZEROUPPER
	RET

// func packCopyAVX(kb int, src *float32, ld int, dst *float32)
//
// Copies kb rows of 16 floats (row stride ld) to dst, contiguous.
TEXT ·packCopyAVX(SB), NOSPLIT, $0-32
	MOVQ kb+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI

cloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    DX, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     cloop
	VZEROUPPER
	RET

// func packA6AVX(blocks int, src *float32, ld int, dst *float32)
//
// For each of blocks steps of 8 columns of the 6 rows at src (row stride
// ld): an 8×8 transpose (rows 6 and 7 zero) into 8 groups of 8 floats.
TEXT ·packA6AVX(SB), NOSPLIT, $0-32
	MOVQ   blocks+0(FP), CX
	MOVQ   src+8(FP), SI
	MOVQ   ld+16(FP), DX
	SHLQ   $2, DX
	MOVQ   dst+24(FP), DI
	LEAQ   (DX)(DX*2), R8 // 3·ld
	VXORPS Y6, Y6, Y6

aploop:
	LEAQ    (SI)(DX*4), R10
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(DX*1), Y1
	VMOVUPS (SI)(DX*2), Y2
	VMOVUPS (SI)(R8*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(DX*1), Y5

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y6, Y12, Y4
	VSHUFPS $0xEE, Y6, Y12, Y5
	VSHUFPS $0x44, Y6, Y13, Y7
	VSHUFPS $0xEE, Y6, Y13, Y14

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y7, Y2, Y10
	VPERM2F128 $0x20, Y14, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y7, Y2, Y15
	VPERM2F128 $0x31, Y14, Y3, Y4

	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	VMOVUPS Y10, 64(DI)
	VMOVUPS Y11, 96(DI)
	VMOVUPS Y12, 128(DI)
	VMOVUPS Y13, 160(DI)
	VMOVUPS Y15, 192(DI)
	VMOVUPS Y4, 224(DI)

	ADDQ $32, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  aploop
	VZEROUPPER
	RET

// func adamAVX(blocks int, p, grad, m, v *float32, k *[8]float32)
//
// k = {b1, 1−b1, b2, 1−b2, lr, c1, c2, eps}:
// m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr·(m·c1)/(√(v·c2) + eps).
TEXT ·adamAVX(SB), NOSPLIT, $0-48
	MOVQ         blocks+0(FP), CX
	MOVQ         p+8(FP), DI
	MOVQ         grad+16(FP), SI
	MOVQ         m+24(FP), R8
	MOVQ         v+32(FP), R9
	MOVQ         k+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14
	VBROADCASTSS 28(AX), Y15

adloop:
	VMOVUPS     (SI), Y0
	VMULPS      (R8), Y8, Y1
	VFMADD231PS Y0, Y9, Y1     // m
	VMULPS      (R9), Y10, Y2
	VMULPS      Y0, Y0, Y3
	VFMADD231PS Y3, Y11, Y2    // v
	VMOVUPS     Y1, (R8)
	VMOVUPS     Y2, (R9)
	VMULPS      Y2, Y14, Y4
	VSQRTPS     Y4, Y4
	VADDPS      Y4, Y15, Y4
	VMULPS      Y1, Y13, Y5
	VMULPS      Y5, Y12, Y5
	VDIVPS      Y4, Y5, Y5
	VMOVUPS     (DI), Y6
	VSUBPS      Y5, Y6, Y6
	VMOVUPS     Y6, (DI)
	ADDQ        $32, DI
	ADDQ        $32, SI
	ADDQ        $32, R8
	ADDQ        $32, R9
	DECQ        CX
	JNZ         adloop
	VZEROUPPER
	RET

// func momentumAVX(blocks int, p, grad, v *float32, mu, lr float32)
//
// v = mu·v − lr·g; p += v.
TEXT ·momentumAVX(SB), NOSPLIT, $0-40
	MOVQ         blocks+0(FP), CX
	MOVQ         p+8(FP), DI
	MOVQ         grad+16(FP), SI
	MOVQ         v+24(FP), R8
	VBROADCASTSS mu+32(FP), Y8
	VBROADCASTSS lr+36(FP), Y9

mloop:
	VMULPS       (R8), Y8, Y1
	VMOVUPS      (SI), Y0
	VFNMADD231PS Y0, Y9, Y1 // v = mu·v − lr·g
	VMOVUPS      Y1, (R8)
	VADDPS       (DI), Y1, Y2
	VMOVUPS      Y2, (DI)
	ADDQ         $32, DI
	ADDQ         $32, SI
	ADDQ         $32, R8
	DECQ         CX
	JNZ          mloop
	VZEROUPPER
	RET
