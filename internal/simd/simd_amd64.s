//go:build !purego

#include "textflag.h"

// Eight-lane float32 constants of the sigmoid (bit patterns of the values in
// generic.go).
#define CONST8(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

CONST8(sign, 0x80000000)
CONST8(explo, 0xc2ae0000)
CONST8(exphi, 0x42b00000)
CONST8(log2e, 0x3fb8aa3b)
CONST8(ln2hi, 0x3f318000)
CONST8(ln2lo, 0xb95e8083)
CONST8(p0, 0x39506967)
CONST8(p1, 0x3ab743ce)
CONST8(p2, 0x3c088908)
CONST8(p3, 0x3d2aa9c1)
CONST8(p4, 0x3e2aaaaa)
CONST8(p5, 0x3f000000)
CONST8(one, 0x3f800000)
CONST8(u24, 0x33800000)
CONST8(bias127, 0x0000007f)

// Register use of maskStripAVX2:
//   DI dst row, SI init (0: zeros), DX a, CX lda in bytes, R8 mask row,
//   R9 words per mask row, R10 rows left, R11 ldd in bytes, R12 word index,
//   R13 current word, R14 (and AX) row address, BX w·64.
// One call sums one strip of columns, of 1 to 13 vectors, for every row of
// masks, in registers. Strips of up to 7 vectors take two selected rows at
// a time into two sets of accumulators (Y0… and Y(width)…), so that the adds
// of consecutive rows do not wait on each other; the sets are added at the
// end of the row.

// ITERBITS runs BODY for every set bit of the mask row, with R14 pointing
// at the selected row of a.
#define ITERBITS(BODY, wloop, bitloop, wnext, wdone) \
	XORQ R12, R12; \
wloop: \
	CMPQ R12, R9; \
	JGE  wdone; \
	MOVQ (R8)(R12*8), R13; \
	MOVQ R12, BX; \
	SHLQ $6, BX; \
bitloop: \
	TESTQ R13, R13; \
	JZ    wnext; \
	TZCNTQ R13, R14; \
	BLSRQ R13, R13; \
	ADDQ  BX, R14; \
	IMULQ CX, R14; \
	ADDQ  DX, R14; \
	BODY; \
	JMP bitloop; \
wnext: \
	INCQ R12; \
	JMP  wloop; \
wdone:

// ITERBITS2 runs BODYA on R14 and BODYB on AX for pairs of set bits, and
// BODYA alone for the last bit of a word with an odd count.
#define ITERBITS2(BODYA, BODYB, wloop, bitloop, single, wnext, wdone) \
	XORQ R12, R12; \
wloop: \
	CMPQ R12, R9; \
	JGE  wdone; \
	MOVQ (R8)(R12*8), R13; \
	MOVQ R12, BX; \
	SHLQ $6, BX; \
bitloop: \
	TESTQ R13, R13; \
	JZ    wnext; \
	TZCNTQ R13, R14; \
	BLSRQ R13, R13; \
	ADDQ  BX, R14; \
	IMULQ CX, R14; \
	ADDQ  DX, R14; \
	TESTQ R13, R13; \
	JZ    single; \
	TZCNTQ R13, AX; \
	BLSRQ R13, R13; \
	ADDQ  BX, AX; \
	IMULQ CX, AX; \
	ADDQ  DX, AX; \
	BODYA; \
	BODYB; \
	JMP bitloop; \
single: \
	BODYA; \
wnext: \
	INCQ R12; \
	JMP  wloop; \
wdone:

#define ADD1A \
	VADDPS 0(R14), Y0, Y0
#define ADD1B \
	VADDPS 0(AX), Y1, Y1

#define ADD2A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1
#define ADD2B \
	VADDPS 0(AX), Y2, Y2; \
	VADDPS 32(AX), Y3, Y3

#define ADD3A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2
#define ADD3B \
	VADDPS 0(AX), Y3, Y3; \
	VADDPS 32(AX), Y4, Y4; \
	VADDPS 64(AX), Y5, Y5

#define ADD4A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3
#define ADD4B \
	VADDPS 0(AX), Y4, Y4; \
	VADDPS 32(AX), Y5, Y5; \
	VADDPS 64(AX), Y6, Y6; \
	VADDPS 96(AX), Y7, Y7

#define ADD5A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4
#define ADD5B \
	VADDPS 0(AX), Y5, Y5; \
	VADDPS 32(AX), Y6, Y6; \
	VADDPS 64(AX), Y7, Y7; \
	VADDPS 96(AX), Y8, Y8; \
	VADDPS 128(AX), Y9, Y9

#define ADD6A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5
#define ADD6B \
	VADDPS 0(AX), Y6, Y6; \
	VADDPS 32(AX), Y7, Y7; \
	VADDPS 64(AX), Y8, Y8; \
	VADDPS 96(AX), Y9, Y9; \
	VADDPS 128(AX), Y10, Y10; \
	VADDPS 160(AX), Y11, Y11

#define ADD7A \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6
#define ADD7B \
	VADDPS 0(AX), Y7, Y7; \
	VADDPS 32(AX), Y8, Y8; \
	VADDPS 64(AX), Y9, Y9; \
	VADDPS 96(AX), Y10, Y10; \
	VADDPS 128(AX), Y11, Y11; \
	VADDPS 160(AX), Y12, Y12; \
	VADDPS 192(AX), Y13, Y13

#define ADD8 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7

#define ADD9 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7; \
	VADDPS 256(R14), Y8, Y8

#define ADD10 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7; \
	VADDPS 256(R14), Y8, Y8; \
	VADDPS 288(R14), Y9, Y9

#define ADD11 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7; \
	VADDPS 256(R14), Y8, Y8; \
	VADDPS 288(R14), Y9, Y9; \
	VADDPS 320(R14), Y10, Y10

#define ADD12 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7; \
	VADDPS 256(R14), Y8, Y8; \
	VADDPS 288(R14), Y9, Y9; \
	VADDPS 320(R14), Y10, Y10; \
	VADDPS 352(R14), Y11, Y11

#define ADD13 \
	VADDPS 0(R14), Y0, Y0; \
	VADDPS 32(R14), Y1, Y1; \
	VADDPS 64(R14), Y2, Y2; \
	VADDPS 96(R14), Y3, Y3; \
	VADDPS 128(R14), Y4, Y4; \
	VADDPS 160(R14), Y5, Y5; \
	VADDPS 192(R14), Y6, Y6; \
	VADDPS 224(R14), Y7, Y7; \
	VADDPS 256(R14), Y8, Y8; \
	VADDPS 288(R14), Y9, Y9; \
	VADDPS 320(R14), Y10, Y10; \
	VADDPS 352(R14), Y11, Y11; \
	VADDPS 384(R14), Y12, Y12

// func maskStripAVX2(dst *float32, ldd int, init, a *float32, lda int, mask *uint64, mw, rows, width int)
TEXT ·maskStripAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	SHLQ $2, R11
	MOVQ init+16(FP), SI
	MOVQ a+24(FP), DX
	MOVQ lda+32(FP), CX
	SHLQ $2, CX
	MOVQ mask+40(FP), R8
	MOVQ mw+48(FP), R9
	MOVQ rows+56(FP), R10
	TESTQ R10, R10
	JZ    done
	MOVQ width+64(FP), AX
	CMPQ AX, $13
	JEQ  s13
	CMPQ AX, $12
	JEQ  s12
	CMPQ AX, $11
	JEQ  s11
	CMPQ AX, $10
	JEQ  s10
	CMPQ AX, $9
	JEQ  s9
	CMPQ AX, $8
	JEQ  s8
	CMPQ AX, $7
	JEQ  s7
	CMPQ AX, $6
	JEQ  s6
	CMPQ AX, $5
	JEQ  s5
	CMPQ AX, $4
	JEQ  s4
	CMPQ AX, $3
	JEQ  s3
	CMPQ AX, $2
	JEQ  s2
	JMP  s1

s13:
	TESTQ SI, SI
	JZ    s13z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS 256(SI), Y8
	VMOVUPS 288(SI), Y9
	VMOVUPS 320(SI), Y10
	VMOVUPS 352(SI), Y11
	VMOVUPS 384(SI), Y12
	JMP  s13s
s13z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
s13s:
	ITERBITS(ADD13, w13, b13, n13, d13)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	VMOVUPS Y11, 352(DI)
	VMOVUPS Y12, 384(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s13
	JMP  done

s12:
	TESTQ SI, SI
	JZ    s12z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS 256(SI), Y8
	VMOVUPS 288(SI), Y9
	VMOVUPS 320(SI), Y10
	VMOVUPS 352(SI), Y11
	JMP  s12s
s12z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
s12s:
	ITERBITS(ADD12, w12, b12, n12, d12)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	VMOVUPS Y11, 352(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s12
	JMP  done

s11:
	TESTQ SI, SI
	JZ    s11z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS 256(SI), Y8
	VMOVUPS 288(SI), Y9
	VMOVUPS 320(SI), Y10
	JMP  s11s
s11z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
s11s:
	ITERBITS(ADD11, w11, b11, n11, d11)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s11
	JMP  done

s10:
	TESTQ SI, SI
	JZ    s10z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS 256(SI), Y8
	VMOVUPS 288(SI), Y9
	JMP  s10s
s10z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
s10s:
	ITERBITS(ADD10, w10, b10, n10, d10)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s10
	JMP  done

s9:
	TESTQ SI, SI
	JZ    s9z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS 256(SI), Y8
	JMP  s9s
s9z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
s9s:
	ITERBITS(ADD9, w9, b9, n9, d9)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s9
	JMP  done

s8:
	TESTQ SI, SI
	JZ    s8z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	JMP  s8s
s8z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
s8s:
	ITERBITS(ADD8, w8, b8, n8, d8)
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s8
	JMP  done

s7:
	TESTQ SI, SI
	JZ    s7z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	JMP  s7s
s7z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
s7s:
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	ITERBITS2(ADD7A, ADD7B, w7, b7, x7, n7, d7)
	VADDPS Y7, Y0, Y0
	VADDPS Y8, Y1, Y1
	VADDPS Y9, Y2, Y2
	VADDPS Y10, Y3, Y3
	VADDPS Y11, Y4, Y4
	VADDPS Y12, Y5, Y5
	VADDPS Y13, Y6, Y6
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s7
	JMP  done

s6:
	TESTQ SI, SI
	JZ    s6z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	JMP  s6s
s6z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
s6s:
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	ITERBITS2(ADD6A, ADD6B, w6, b6, x6, n6, d6)
	VADDPS Y6, Y0, Y0
	VADDPS Y7, Y1, Y1
	VADDPS Y8, Y2, Y2
	VADDPS Y9, Y3, Y3
	VADDPS Y10, Y4, Y4
	VADDPS Y11, Y5, Y5
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s6
	JMP  done

s5:
	TESTQ SI, SI
	JZ    s5z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	JMP  s5s
s5z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
s5s:
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	ITERBITS2(ADD5A, ADD5B, w5, b5, x5, n5, d5)
	VADDPS Y5, Y0, Y0
	VADDPS Y6, Y1, Y1
	VADDPS Y7, Y2, Y2
	VADDPS Y8, Y3, Y3
	VADDPS Y9, Y4, Y4
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s5
	JMP  done

s4:
	TESTQ SI, SI
	JZ    s4z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	JMP  s4s
s4z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
s4s:
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	ITERBITS2(ADD4A, ADD4B, w4, b4, x4, n4, d4)
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s4
	JMP  done

s3:
	TESTQ SI, SI
	JZ    s3z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	JMP  s3s
s3z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
s3s:
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	ITERBITS2(ADD3A, ADD3B, w3, b3, x3, n3, d3)
	VADDPS Y3, Y0, Y0
	VADDPS Y4, Y1, Y1
	VADDPS Y5, Y2, Y2
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s3
	JMP  done

s2:
	TESTQ SI, SI
	JZ    s2z
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	JMP  s2s
s2z:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
s2s:
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	ITERBITS2(ADD2A, ADD2B, w2, b2, x2, n2, d2)
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s2
	JMP  done

s1:
	TESTQ SI, SI
	JZ    s1z
	VMOVUPS 0(SI), Y0
	JMP  s1s
s1z:
	VXORPS Y0, Y0, Y0
s1s:
	VXORPS Y1, Y1, Y1
	ITERBITS2(ADD1A, ADD1B, w1, b1, x1, n1, d1)
	VADDPS Y1, Y0, Y0
	VMOVUPS Y0, 0(DI)
	LEAQ (R8)(R9*8), R8
	ADDQ R11, DI
	DECQ R10
	JNZ  s1
	JMP  done

done:
	VZEROUPPER
	RET

// func sigmoidAVX2(x *float32, n int, mask *uint64, r *RNG, rows, ldx, mw int)
//   Rows rows of n values, row i at x + i·ldx, its bits at mask + i·mw words.
//   DI x, CX remaining count, R8 mask byte pointer (0: no sampling), R9 r,
//   R10 rows left, R11 ldx in bytes, R12 mw in bytes, R13 and R14 the
//   current row's x and mask. Y12–Y15 hold the generator's state s0–s3
//   while sampling.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), R13
	MOVQ mask+16(FP), R14
	MOVQ r+24(FP), R9
	MOVQ rows+32(FP), R10
	MOVQ ldx+40(FP), R11
	SHLQ $2, R11
	MOVQ mw+48(FP), R12
	SHLQ $3, R12
	VMOVUPS one<>(SB), Y11
	VMOVUPS explo<>(SB), Y9
	VMOVUPS exphi<>(SB), Y10
	TESTQ R14, R14
	JZ    row
	VMOVDQU 0(R9), Y12
	VMOVDQU 32(R9), Y13
	VMOVDQU 64(R9), Y14
	VMOVDQU 96(R9), Y15

row:
	TESTQ R10, R10
	JZ    end
	MOVQ R13, DI
	MOVQ R14, R8
	MOVQ n+8(FP), CX

loop:
	CMPQ CX, $0
	JLE  rowdone
	VMOVUPS (DI), Y0
	VXORPS  sign<>(SB), Y0, Y0         // y = −x
	VMAXPS  Y0, Y9, Y0                 // max(lo, y); a NaN y stays NaN
	VMINPS  Y0, Y10, Y0                // min(hi, y)
	VMULPS  log2e<>(SB), Y0, Y1
	VROUNDPS $0, Y1, Y1                // n = round(y·log₂e), ties to even
	VFNMADD231PS ln2hi<>(SB), Y1, Y0   // r = y − n·ln2hi
	VFNMADD231PS ln2lo<>(SB), Y1, Y0   // r −= n·ln2lo
	VMULPS  Y0, Y0, Y3                 // r²
	VMOVUPS p0<>(SB), Y2
	VFMADD213PS p1<>(SB), Y0, Y2       // c = p0·r + p1
	VMOVUPS p2<>(SB), Y6
	VFMADD213PS p3<>(SB), Y0, Y6       // b = p2·r + p3
	VFMADD213PS Y6, Y3, Y2             // t = c·r² + b
	VMOVUPS p4<>(SB), Y6
	VFMADD213PS p5<>(SB), Y0, Y6       // a = p4·r + p5
	VFMADD213PS Y6, Y3, Y2             // P = t·r² + a
	VADDPS  Y11, Y0, Y5                // r + 1
	VFMADD213PS Y5, Y3, Y2             // e^r = P·r² + (r + 1)
	VCVTTPS2DQ Y1, Y1
	VPADDD  bias127<>(SB), Y1, Y1
	VPSLLD  $23, Y1, Y1                // 2^n
	VFMADD213PS Y11, Y1, Y2            // e^y + 1 = e^r·2^n + 1
	VDIVPS  Y2, Y11, Y2                // σ = 1/(1 + e^y)
	VMOVUPS Y2, (DI)
	TESTQ R8, R8
	JZ    next
	VPADDD  Y15, Y12, Y4               // out = s0 + s3
	VPSRLD  $8, Y4, Y4
	VCVTDQ2PS Y4, Y4
	VMULPS  u24<>(SB), Y4, Y4          // u = (out >> 8)·2⁻²⁴
	VCMPPS  $1, Y2, Y4, Y4             // u < p
	VMOVMSKPS Y4, AX
	MOVB    AL, (R8)
	INCQ    R8
	VPSLLD  $9, Y13, Y6                // t = s1 << 9
	VPXOR   Y12, Y14, Y14              // s2 ^= s0
	VPXOR   Y13, Y15, Y15              // s3 ^= s1
	VPXOR   Y14, Y13, Y13              // s1 ^= s2
	VPXOR   Y15, Y12, Y12              // s0 ^= s3
	VPXOR   Y6, Y14, Y14               // s2 ^= t
	VPSLLD  $11, Y15, Y7
	VPSRLD  $21, Y15, Y15
	VPOR    Y7, Y15, Y15               // s3 = rotl(s3, 11)
next:
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop

rowdone:
	ADDQ R11, R13
	TESTQ R14, R14
	JZ   nomask
	ADDQ R12, R14
nomask:
	DECQ R10
	JMP  row

end:
	TESTQ R14, R14
	JZ    out
	VMOVDQU Y12, 0(R9)
	VMOVDQU Y13, 32(R9)
	VMOVDQU Y14, 64(R9)
	VMOVDQU Y15, 96(R9)
out:
	VZEROUPPER
	RET

// func updateAVX2(u, w, vel *float64, p, q *float32, n int, s *Step) bool
//   n is a multiple of 4. Y8 Inv0, Y9 InvN, Y10 LR, Y11 Mom, Y12 L2
//   (broadcast); Y7 accumulates (w+u) − (w+u), which stays 0 while every
//   value is finite.
TEXT ·updateAVX2(SB), NOSPLIT, $0-57
	MOVQ u+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ vel+16(FP), DX
	MOVQ p+24(FP), R8
	MOVQ q+32(FP), R9
	MOVQ n+40(FP), CX
	MOVQ s+48(FP), AX
	VBROADCASTSD 0(AX), Y8
	VBROADCASTSD 8(AX), Y9
	VBROADCASTSD 16(AX), Y10
	VBROADCASTSD 24(AX), Y11
	VBROADCASTSD 32(AX), Y12
	VXORPD Y7, Y7, Y7
	XORQ BX, BX
uloop:
	CMPQ BX, CX
	JGE  udone
	VCVTPS2PD (R8)(BX*4), Y0          // p
	VCVTPS2PD (R9)(BX*4), Y1          // q
	VMOVUPD (SI)(BX*8), Y2            // w
	VMULPD  Y8, Y0, Y0                // Inv0·p
	VMULPD  Y9, Y1, Y1                // InvN·q
	VSUBPD  Y1, Y0, Y0                // Inv0·p − InvN·q
	VMULPD  Y12, Y2, Y3               // L2·w
	VSUBPD  Y3, Y0, Y0                // d
	VMULPD  Y10, Y0, Y0               // LR·d
	VMOVUPD (DX)(BX*8), Y4            // vel
	VMULPD  Y11, Y4, Y4               // Mom·vel
	VADDPD  Y4, Y0, Y0                // u
	VMOVUPD Y0, (DI)(BX*8)
	VADDPD  Y0, Y2, Y2                // w + u
	VSUBPD  Y2, Y2, Y2                // NaN unless finite
	VADDPD  Y2, Y7, Y7
	ADDQ $4, BX
	JMP  uloop
udone:
	VXORPD   Y6, Y6, Y6
	VCMPPD   $0, Y6, Y7, Y7           // lanes equal to 0 (ordered)
	VMOVMSKPD Y7, AX
	CMPQ AX, $15
	SETEQ ret+56(FP)
	VZEROUPPER
	RET

// func applyAVX2(w, vel, u *float64, w32 *float32, n int)
TEXT ·applyAVX2(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ vel+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ w32+24(FP), R8
	MOVQ n+32(FP), CX
	XORQ BX, BX
aloop:
	CMPQ BX, CX
	JGE  adone
	VMOVUPD (DX)(BX*8), Y0
	VADDPD  (DI)(BX*8), Y0, Y1
	VMOVUPD Y1, (DI)(BX*8)
	VMOVUPD Y0, (SI)(BX*8)
	VCVTPD2PSY Y1, X2
	VMOVUPS X2, (R8)(BX*4)
	ADDQ $4, BX
	JMP  aloop
adone:
	VZEROUPPER
	RET

DATA onef64<>+0(SB)/8, $0x3ff0000000000000
GLOBL onef64<>(SB), RODATA|NOPTR, $8

// func rowMaskAVX2(dst *uint64, row *float64, quads int) bool
//   Per 4 values: the bits of (x == 1) go into the current word, and
//   (x == 0 or x == 1) must hold in every lane; Y4 collects lanes that
//   fail. A word is stored when full and at the end.
TEXT ·rowMaskAVX2(SB), NOSPLIT, $0-25
	MOVQ dst+0(FP), DI
	MOVQ row+8(FP), SI
	MOVQ quads+16(FP), CX
	VBROADCASTSD onef64<>(SB), Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y4, Y4, Y4
	VPCMPEQQ Y3, Y3, Y3
	XORQ  R8, R8          // the word
	XORQ  R9, R9          // shift
quad:
	TESTQ CX, CX
	JZ    rdone
	VMOVUPD (SI), Y0
	VCMPPD  $0, Y5, Y0, Y1   // x == 1
	VCMPPD  $0, Y6, Y0, Y2   // x == 0
	VORPD   Y1, Y2, Y2
	VPXOR   Y3, Y2, Y2       // neither
	VPOR    Y2, Y4, Y4
	VMOVMSKPD Y1, AX
	SHLXQ   R9, AX, AX       // AX << shift
	ORQ     AX, R8
	ADDQ    $32, SI
	ADDQ    $4, R9
	DECQ    CX
	CMPQ    R9, $64
	JLT     quad
	MOVQ    R8, (DI)
	ADDQ    $8, DI
	XORQ    R8, R8
	XORQ    R9, R9
	JMP     quad
rdone:
	TESTQ   R9, R9
	JZ      rtest
	MOVQ    R8, (DI)
rtest:
	VPTEST  Y4, Y4
	SETEQ   ret+24(FP)
	VZEROUPPER
	RET

DATA bits4<>+0(SB)/8, $1
DATA bits4<>+8(SB)/8, $2
DATA bits4<>+16(SB)/8, $4
DATA bits4<>+24(SB)/8, $8
GLOBL bits4<>(SB), RODATA|NOPTR, $32

// func maskRowAVX2(row *float64, mask *uint64, quads int)
//   Four values per step: the next 4 bits of the word are broadcast,
//   tested against 1, 2, 4, 8, and the lanes that are set become 1.0.
TEXT ·maskRowAVX2(SB), NOSPLIT, $0-24
	MOVQ row+0(FP), DI
	MOVQ mask+8(FP), SI
	MOVQ quads+16(FP), CX
	VMOVDQU bits4<>(SB), Y5
	VBROADCASTSD onef64<>(SB), Y6
	XORQ R9, R9              // bit position in the word
	MOVQ (SI), R8
mloop:
	TESTQ CX, CX
	JZ    mdone
	MOVQ  R8, AX
	SHRXQ R9, AX, AX
	VMOVQ AX, X0
	VPBROADCASTQ X0, Y0
	VPAND  Y5, Y0, Y0
	VPCMPEQQ Y5, Y0, Y0
	VPAND  Y6, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ $32, DI
	ADDQ $4, R9
	DECQ CX
	CMPQ R9, $64
	JLT  mloop
	XORQ R9, R9
	ADDQ $8, SI
	TESTQ CX, CX
	JZ    mdone
	MOVQ (SI), R8
	JMP  mloop
mdone:
	VZEROUPPER
	RET

// func subAVX2(dst, a, b *float32, n int)
// dst[i] = a[i] − b[i] for n values, n a multiple of 8.
TEXT ·subAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
sloop4:
	CMPQ CX, $4
	JLT  sloop1
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VSUBPS  (DX), Y0, Y0
	VSUBPS  32(DX), Y1, Y1
	VSUBPS  64(DX), Y2, Y2
	VSUBPS  96(DX), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	SUBQ $4, CX
	JMP  sloop4
sloop1:
	TESTQ CX, CX
	JZ    sdone
	VMOVUPS (SI), Y0
	VSUBPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JMP  sloop1
sdone:
	VZEROUPPER
	RET
