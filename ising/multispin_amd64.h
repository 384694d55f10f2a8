// Macros shared by the AVX2 multi-spin kernels (multispin_amd64.s,
// bigspin_amd64.s): four 64-lane words per instruction. Register roles:
// Y0 the spins and then the k = 2 lanes, Y1–Y4 the anti-aligned neighbour
// words a1–a4, Y5 k = 1 lanes, Y7 k = 0 lanes and then the words with
// nothing to decide, Y9 flips, Y10 undecided lanes, Y11–Y14 the four words'
// xoshiro256++ states s0–s3, Y15 zero; R9 the stride in bytes between the
// four-word blocks of one table (masks, states, thresholds), R14 the masks
// (need4, need8, always at 0, R9, 2·R9) until the thresholds' end, R15 the
// states, BX the thresholds of the current level (p₈ at 0, p₄ ⊕ p₈ at R9).

// LEVEL_UNBLENDED is one level after level 0 for all four words.
#define LEVEL_UNBLENDED \
	RNG_UNBLENDED \
	THRESHOLD \
	VPXOR  Y2, Y1, Y3 \
	COMPARE \
	VPANDN Y10, Y3, Y10 \
	LEAQ (BX)(R9*2), BX

// RNG_VALUE sets Y1 to the xoshiro256++ output rotl(s0 + s3, 23) + s0 of
// the four states in Y11–Y14 (s0–s3).
#define RNG_VALUE \
	VPADDQ Y11, Y14, Y1 \
	VPSLLQ $23, Y1, Y2  \
	VPSRLQ $41, Y1, Y1  \
	VPOR   Y2, Y1, Y1   \
	VPADDQ Y11, Y1, Y1

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

// CLASSES sets Y9 to the k ≥ 3 lanes (plus, at T = +Inf, every ΔE ≠ 0
// lane), Y5 to k = 1, Y7 to k = 0, Y0 to k = 2 and Y10 to the lanes that
// need random bits, from a1–a4 in Y1–Y4 (k is the number of anti-aligned
// neighbours), with the masks at R14. Clobbers Y1–Y4, Y6, Y8.
#define CLASSES \
	VPXOR Y1, Y2, Y5 \
	VPAND Y1, Y2, Y6 \
	VPXOR Y3, Y4, Y7 \
	VPAND Y3, Y4, Y8 \
	VPOR  Y5, Y7, Y1 \
	VPOR  Y6, Y8, Y2 \
	VPAND Y5, Y7, Y3 \
	VPAND Y6, Y8, Y4 \
	VPXOR Y5, Y7, Y5 \
	VPXOR Y6, Y8, Y6 \
	VPANDN Y5, Y2, Y5 \
	VPANDN Y6, Y1, Y6 \
	VPANDN Y3, Y2, Y3 \
	VPOR  Y6, Y3, Y0 \
	VPAND Y1, Y2, Y8 \
	VPOR  Y8, Y4, Y9 \
	VPOR  Y1, Y2, Y7 \
	VPCMPEQQ Y1, Y1, Y1 \
	VPXOR Y1, Y7, Y7 \
	VMOVDQU (R14)(R9*2), Y1 \
	VPOR  Y5, Y7, Y2 \
	VPAND Y1, Y2, Y2 \
	VPOR  Y2, Y9, Y9 \
	VPAND (R14), Y5, Y10 \
	VPAND (R14)(R9*1), Y7, Y2 \
	VPOR  Y2, Y10, Y10 \
	VPOR  Y0, Y10, Y10

// LOAD_STATE loads the four states from R15 and sets Y7 to the words with
// no lane to decide (they draw nothing). Clobbers BX.
#define LOAD_STATE \
	LEAQ (R9)(R9*2), BX \
	VMOVDQU (R15), Y11 \
	VMOVDQU (R15)(R9*1), Y12 \
	VMOVDQU (R15)(R9*2), Y13 \
	VMOVDQU (R15)(BX*1), Y14 \
	VPCMPEQQ Y15, Y10, Y7

// FIRST_LEVELS runs levels 0 … multiSpinMinLevels−1 (6) for all four
// words, unblended: a word with a lane to decide draws at least that many
// levels; level 0 also decides the k = 2 lanes (p = 1/2). Then the words
// that had nothing to decide get their state back from R15. Clobbers AX.
#define FIRST_LEVELS \
	RNG_UNBLENDED \
	THRESHOLD \
	VPOR   Y0, Y2, Y2 \
	VPXOR  Y2, Y1, Y3 \
	COMPARE \
	VPOR   Y0, Y3, Y3 \
	VPANDN Y10, Y3, Y10 \
	LEAQ (BX)(R9*2), BX \
	LEVEL_UNBLENDED \
	LEVEL_UNBLENDED \
	LEVEL_UNBLENDED \
	LEVEL_UNBLENDED \
	LEVEL_UNBLENDED \
	VPBLENDVB Y7, (R15), Y11, Y11 \
	VPBLENDVB Y7, (R15)(R9*1), Y12, Y12 \
	VPBLENDVB Y7, (R15)(R9*2), Y13, Y13 \
	LEAQ (R9)(R9*2), AX \
	VPBLENDVB Y7, (R15)(AX*1), Y14, Y14

// LEVEL_BLENDED is one further level: a word whose lanes are all decided
// keeps its state (blend).
#define LEVEL_BLENDED \
	RNG_VALUE \
	VPXOR  Y11, Y13, Y2 \
	VPXOR  Y12, Y14, Y3 \
	VPXOR  Y2, Y12, Y4 \
	VPXOR  Y3, Y11, Y6 \
	VPSLLQ $17, Y12, Y8 \
	VPXOR  Y8, Y2, Y2 \
	VPSLLQ $45, Y3, Y8 \
	VPSRLQ $19, Y3, Y3 \
	VPOR   Y8, Y3, Y3 \
	VPCMPEQQ Y15, Y10, Y8 \
	VPBLENDVB Y8, Y11, Y6, Y11 \
	VPBLENDVB Y8, Y12, Y4, Y12 \
	VPBLENDVB Y8, Y13, Y2, Y13 \
	VPBLENDVB Y8, Y14, Y3, Y14 \
	THRESHOLD \
	VPXOR  Y2, Y1, Y3 \
	COMPARE \
	VPANDN Y10, Y3, Y10 \
	LEAQ (BX)(R9*2), BX


// The AVX-512VL forms (still four words per instruction, ymm registers):
// rotations are one VPROLQ, three-input logic one VPTERNLOGQ, and the
// per-word "keep the state" blend a write mask (K1: words with a lane to
// decide; K2: words with nothing to decide at entry). The bits are those of
// the AVX2 forms. VPTERNLOGQ $imm, C, B, A computes f(A, B, C) into A with
// imm = f(0xF0, 0xCC, 0xAA).

// RNG512_VALUE sets Y1 to rotl(s0 + s3, 23) + s0.
#define RNG512_VALUE \
	VPADDQ Y11, Y14, Y1 \
	VPROLQ $23, Y1, Y1  \
	VPADDQ Y11, Y1, Y1

// RNG512_STEP advances the four states: t = s1 << 17; s3 ^= s1;
// s2 ^= s0 ^ t; s1 ^= s2 ^ t (= s1 ^ s2 ^ s0 of the old values);
// s0 ^= s3; s3 = rotl(s3, 45).
#define RNG512_STEP \
	VPSLLQ $17, Y12, Y8 \
	VPXORQ Y12, Y14, Y14 \
	VPTERNLOGQ $0x96, Y8, Y11, Y13 \
	VPTERNLOGQ $0x96, Y8, Y13, Y12 \
	VPXORQ Y14, Y11, Y11 \
	VPROLQ $45, Y14, Y14

// RNG512_STEP_MASKED advances only the states of the words in K1.
#define RNG512_STEP_MASKED \
	VPSLLQ $17, Y12, Y8 \
	VPXORQ Y12, Y14, K1, Y14 \
	VPTERNLOGQ $0x96, Y8, Y11, K1, Y13 \
	VPTERNLOGQ $0x96, Y8, Y13, K1, Y12 \
	VPXORQ Y14, Y11, K1, Y11 \
	VPROLQ $45, Y14, K1, Y14

// THRESHOLD512 sets Y2 to p₈ ⊕ (k1 & (p₄ ⊕ p₈)): f = C ^ (A & B), 0x6A.
#define THRESHOLD512 \
	VMOVDQU (BX)(R9*1), Y2 \
	VPTERNLOGQ $0x6A, (BX), Y5, Y2

// COMPARE512 adds und & p & ~rnd to the flips (f = A | (B & C), 0xF8) and
// keeps in und the lanes where p's bit equals u's (f = A & ~(B ^ C), 0x90).
#define COMPARE512 \
	VPANDN Y2, Y1, Y3 \
	VPTERNLOGQ $0xF8, Y10, Y3, Y9 \
	VPTERNLOGQ $0x90, Y1, Y2, Y10

// LEVEL512 is one level after level 0 for all four words.
#define LEVEL512 \
	RNG512_VALUE \
	RNG512_STEP \
	THRESHOLD512 \
	COMPARE512 \
	LEAQ (BX)(R9*2), BX

// LOAD_STATE512 loads the four states from R15 and sets K2 to the words
// with no lane to decide. Clobbers BX.
#define LOAD_STATE512 \
	LEAQ (R9)(R9*2), BX \
	VMOVDQU (R15), Y11 \
	VMOVDQU (R15)(R9*1), Y12 \
	VMOVDQU (R15)(R9*2), Y13 \
	VMOVDQU (R15)(BX*1), Y14 \
	VPTESTNMQ Y10, Y10, K2

// FIRST_LEVELS512 is FIRST_LEVELS with the AVX-512VL forms; it ends with
// K1 set to the words that still have undecided lanes. Clobbers AX.
#define FIRST_LEVELS512 \
	RNG512_VALUE \
	RNG512_STEP \
	THRESHOLD512 \
	VPOR Y0, Y2, Y2 \
	COMPARE512 \
	VPANDN Y10, Y0, Y10 \
	LEAQ (BX)(R9*2), BX \
	LEVEL512 \
	LEVEL512 \
	LEVEL512 \
	LEVEL512 \
	LEVEL512 \
	VMOVDQU64 (R15), K2, Y11 \
	VMOVDQU64 (R15)(R9*1), K2, Y12 \
	VMOVDQU64 (R15)(R9*2), K2, Y13 \
	LEAQ (R9)(R9*2), AX \
	VMOVDQU64 (R15)(AX*1), K2, Y14 \
	VPTESTMQ Y10, Y10, K1

// LEVEL512_MASKED is one further level: only the words in K1 (those with
// undecided lanes) advance; it ends with K1 updated.
#define LEVEL512_MASKED \
	RNG512_VALUE \
	RNG512_STEP_MASKED \
	THRESHOLD512 \
	COMPARE512 \
	LEAQ (BX)(R9*2), BX \
	VPTESTMQ Y10, Y10, K1
