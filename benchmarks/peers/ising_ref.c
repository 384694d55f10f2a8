/*
 * ising_ref.c: C reference kernels for rgflow's Ising samplers (issue 9),
 * timed by run.sh beside the Go benchmarks of the same workloads:
 *
 *   MultiSpin/L=10/R=256  256 independent replicas of the 10×10 lattice,
 *                         64 per 64-bit word, checkerboard Metropolis;
 *   BigSpin/L=1024        one 1024×1024 lattice, 64 sites per word;
 *   Wolff/L=64, L=256     single-cluster Wolff updates on an int8 lattice;
 *
 * the two multi-spin workloads also with AVX2 intrinsics (…/avx2, when
 * built with -march=native on an AVX2 machine), four words per
 * instruction, checked bit for bit against the plain C at start-up;
 *
 * all at T_c, h = 0. The multi-spin kernels are the algorithm of
 * ising.MultiSpin and ising.BigSpin written in plain C (the same layout,
 * the same bit-sliced acceptance with thresholds rounded to 2^-40, at least
 * 6 bit levels per word and then more while a lane is undecided, one
 * xoshiro256++ stream per word or per word column), so the comparison is
 * of the compiled code, not of the algorithm. Wolff is the textbook
 * stack-based cluster growth with bond probability 1 − e^{−2/T} as a
 * 64-bit integer threshold.
 *
 *   gcc -O3 -march=native -o ising_ref ising_ref.c -lm
 *   ./ising_ref [seconds per repeat] [repeats]
 *
 * Each repeat prints one line in the format of `go test -bench`
 * (BenchmarkC/<workload> <n> <ns/op> ns/op <x> ns/flip <y> flips/ns) with
 * the wall time of n sweeps (clusters for Wolff); flips are attempted
 * single-spin updates (L² per replica per sweep) or, for Wolff, flipped
 * spins. Not built by the Go tool chain; not part of the library.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#define BITS 40
#define MINLEVELS 6
static const double TC = 2.269185314213022;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> ((64 - k) & 63)); }

static inline uint64_t xo_next(uint64_t *s0, uint64_t *s1, uint64_t *s2, uint64_t *s3) {
	uint64_t r = rotl(*s0 + *s3, 23) + *s0, t = *s1 << 17;
	*s2 ^= *s0;
	*s3 ^= *s1;
	*s1 ^= *s2;
	*s0 ^= *s3;
	*s2 ^= t;
	*s3 = rotl(*s3, 45);
	return r;
}

static uint64_t splitmix(uint64_t *x) {
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint64_t threshold(double x) { return (uint64_t)llround(exp(x) * (double)(1ULL << BITS)); }

/* The bit-sliced comparison of one word (as in ising.MultiSpin.sweepGo): tw holds
 * level j of p8 at 2j and of p4^p8 at 2j+1. */
static inline uint64_t levels(uint64_t flip, uint64_t und, uint64_t k1, uint64_t k2, const uint64_t *tw,
                              uint64_t *p0, uint64_t *p1, uint64_t *p2, uint64_t *p3) {
	uint64_t s0 = *p0, s1 = *p1, s2 = *p2, s3 = *p3;
	uint64_t rnd = xo_next(&s0, &s1, &s2, &s3);
	uint64_t p = (tw[0] ^ (tw[1] & k1)) | k2, e = p ^ rnd;
	flip |= und & e & p;
	und &= ~(e | k2);
	int j = 1;
	for (; j < MINLEVELS; j++) {
		rnd = xo_next(&s0, &s1, &s2, &s3);
		p = tw[2 * j] ^ (tw[2 * j + 1] & k1);
		e = p ^ rnd;
		flip |= und & e & p;
		und &= ~e;
	}
	for (; j < BITS && und; j++) {
		rnd = xo_next(&s0, &s1, &s2, &s3);
		p = tw[2 * j] ^ (tw[2 * j + 1] & k1);
		e = p ^ rnd;
		flip |= und & e & p;
		und &= ~e;
	}
	*p0 = s0, *p1 = s1, *p2 = s2, *p3 = s3;
	return flip;
}

/* The neighbour classes: k anti-aligned neighbours of four. */
#define CLASSES                                                                                        \
	uint64_t x1 = a1 ^ a2, c1 = a1 & a2, x2 = a3 ^ a4, c2 = a3 & a4, xo = x1 | x2, co = c1 | c2;           \
	uint64_t k3 = (c1 & c2) | (co & xo), k2 = ((c1 ^ c2) & ~xo) | ((x1 & x2) & ~co), k1 = (x1 ^ x2) & ~co; \
	uint64_t k0 = ~(xo | co);

/* ---- 256 replicas of L = 10 ---- */
typedef struct {
	int L, nw, nsites;
	uint64_t *spins, *rng, *thrw, *thr, *need4, *need8, *always;
	int *order; /* 5 word indices per visited site */
} multispin;

static void ms_init(multispin *m, int L, int R, double T, uint64_t *seed) {
	int N = L * L, nw = (R + 63) / 64;
	m->L = L, m->nw = nw, m->nsites = N;
	m->spins = malloc(sizeof(uint64_t) * N * nw);
	memset(m->spins, 0xff, sizeof(uint64_t) * N * nw);
	m->rng = malloc(sizeof(uint64_t) * 4 * nw);
	for (int i = 0; i < 4 * nw; i++) m->rng[i] = splitmix(seed);
	m->thrw = calloc(2 * BITS * nw, sizeof(uint64_t));
	m->thr = calloc(2 * BITS * nw, sizeof(uint64_t)); /* level j: p8 at 2j·nw+w, p4^p8 at (2j+1)·nw+w */
	m->need4 = calloc(nw, sizeof(uint64_t));
	m->need8 = calloc(nw, sizeof(uint64_t));
	m->always = calloc(nw, sizeof(uint64_t));
	uint64_t p4 = threshold(-4 / T), p8 = threshold(-8 / T);
	for (int w = 0; w < nw; w++) {
		m->need4[w] = p4 ? ~0ULL : 0, m->need8[w] = p8 ? ~0ULL : 0;
		for (int j = 0; j < BITS; j++) {
			int sh = BITS - 1 - j;
			m->thrw[w * 2 * BITS + 2 * j] = -((p8 >> sh) & 1);
			m->thrw[w * 2 * BITS + 2 * j + 1] = -(((p4 ^ p8) >> sh) & 1);
			m->thr[2 * j * nw + w] = m->thrw[w * 2 * BITS + 2 * j];
			m->thr[(2 * j + 1) * nw + w] = m->thrw[w * 2 * BITS + 2 * j + 1];
		}
	}
	m->order = malloc(sizeof(int) * 5 * N);
	int q = 0;
	for (int par = 0; par < 2; par++)
		for (int i = 0; i < L; i++)
			for (int j = 0; j < L; j++) {
				if (((i + j) & 1) != par) continue;
#define OFF(a, b) ((((a) + L) % L * L + ((b) + L) % L) * nw)
				m->order[q++] = OFF(i, j), m->order[q++] = OFF(i - 1, j), m->order[q++] = OFF(i + 1, j);
				m->order[q++] = OFF(i, j - 1), m->order[q++] = OFF(i, j + 1);
			}
}

static void ms_sweep(multispin *m) {
	int nw = m->nw;
	uint64_t *sp = m->spins, *r = m->rng;
	for (int q = 0; q < 5 * m->nsites; q += 5) {
		const int *o = m->order + q;
		uint64_t *sc = sp + o[0], *su = sp + o[1], *sd = sp + o[2], *sl = sp + o[3], *sr = sp + o[4];
		for (int w = 0; w < nw; w++) {
			uint64_t s = sc[w], a1 = s ^ su[w], a2 = s ^ sd[w], a3 = s ^ sl[w], a4 = s ^ sr[w];
			CLASSES
			uint64_t flip = k3 | (m->always[w] & (k1 | k0));
			uint64_t und = (k1 & m->need4[w]) | (k0 & m->need8[w]) | k2;
			if (und) flip = levels(flip, und, k1, k2, m->thrw + w * 2 * BITS, r + w, r + nw + w, r + 2 * nw + w, r + 3 * nw + w);
			sc[w] = s ^ flip;
		}
	}
}

/* ---- one L×L lattice, L a multiple of 64 (ising.BigSpin's layout) ---- */
typedef struct {
	int L, H, M;
	uint64_t *w[2], rng[16], thrw[2 * BITS], thr4[8 * BITS], need4, need8, always;
	uint64_t *pm; /* [2][H] */
} bigspin;

static uint64_t *bs_row(bigspin *g, int c, int i) { return g->w[c] + (size_t)((i % g->H + g->H) % g->H) * (g->M + 2); }

static void bs_init(bigspin *g, int L, double T, uint64_t *seed) {
	int H = L / 64, M = L / 2;
	g->L = L, g->H = H, g->M = M;
	for (int c = 0; c < 2; c++) {
		g->w[c] = malloc(sizeof(uint64_t) * H * (M + 2));
		memset(g->w[c], 0xff, sizeof(uint64_t) * H * (M + 2));
	}
	g->pm = calloc(2 * H, sizeof(uint64_t));
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < H; i++)
			for (int b = 0; b < 64; b++)
				if ((b * H + i + c) % 2) g->pm[c * H + i] |= 1ULL << b;
	for (int i = 0; i < 16; i++) g->rng[i] = splitmix(seed);
	uint64_t p4 = threshold(-4 / T), p8 = threshold(-8 / T);
	g->need4 = p4 ? ~0ULL : 0, g->need8 = p8 ? ~0ULL : 0, g->always = 0;
	for (int j = 0; j < BITS; j++) {
		int sh = BITS - 1 - j;
		g->thrw[2 * j] = -((p8 >> sh) & 1);
		g->thrw[2 * j + 1] = -(((p4 ^ p8) >> sh) & 1);
		for (int k = 0; k < 4; k++) g->thr4[8 * j + k] = g->thrw[2 * j], g->thr4[8 * j + 4 + k] = g->thrw[2 * j + 1];
	}
}

static void bs_half(bigspin *g, int c) {
	int M = g->M;
	for (int i = 0; i < g->H; i++) {
		uint64_t *dst = bs_row(g, c, i) + 1, *same = bs_row(g, 1 - c, i);
		uint64_t *up = bs_row(g, 1 - c, i - 1) + 1, *down = bs_row(g, 1 - c, i + 1) + 1;
		int ru = i == 0, rd = i == g->H - 1;
		uint64_t pm = g->pm[c * g->H + i];
		for (int m = 0; m < M; m++) {
			uint64_t s = dst[m];
			uint64_t u = up[m], d = down[m];
			if (ru) u = rotl(u, 1);
			if (rd) d = rotl(d, 63);
			uint64_t a1 = s ^ u, a2 = s ^ d, a3 = s ^ same[m + 1], a4 = s ^ ((same[m] & ~pm) | (same[m + 2] & pm));
			CLASSES
			uint64_t flip = k3 | (g->always & (k1 | k0));
			uint64_t und = (k1 & g->need4) | (k0 & g->need8) | k2;
			int q = m & 3;
			if (und) flip = levels(flip, und, k1, k2, g->thrw, g->rng + q, g->rng + 4 + q, g->rng + 8 + q, g->rng + 12 + q);
			dst[m] = s ^ flip;
		}
	}
	for (int i = 0; i < g->H; i++) {
		uint64_t *r = bs_row(g, c, i);
		r[0] = r[M], r[M + 1] = r[1];
	}
}

static void bs_sweep(bigspin *g) {
	bs_half(g, 0);
	bs_half(g, 1);
}


#ifdef __AVX2__
/* ---- the same kernels with AVX2 intrinsics, four words per instruction
 * (the scheme of rgflow's AVX2 assembly; same bits as the plain C) ---- */
#define V __m256i
#define LD(p) _mm256_loadu_si256((const V *)(p))
#define ST(p, x) _mm256_storeu_si256((V *)(p), x)
#define XOR _mm256_xor_si256
#define AND _mm256_and_si256
#define ANDN _mm256_andnot_si256 /* ANDN(a, b) = ~a & b */
#define OR _mm256_or_si256

static inline V vrotl(V x, int k) { return OR(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k)); }

/* One level: rnd from the states, states advanced (blended with keep when
 * blend is set: lanes of keep stay), threshold t8 ^ (tx & k1). */
#define VLEVEL(t8p, txp)                                                               \
	do {                                                                               \
		V rnd = _mm256_add_epi64(vrotl(_mm256_add_epi64(S0, S3), 23), S0);             \
		V t = _mm256_slli_epi64(S1, 17), n2 = XOR(S2, S0), n3 = XOR(S3, S1);           \
		V n1 = XOR(S1, n2), n0 = XOR(S0, n3);                                          \
		n2 = XOR(n2, t), n3 = vrotl(n3, 45);                                           \
		if (blend) {                                                                   \
			V keep = _mm256_cmpeq_epi64(und, zero);                                    \
			S0 = _mm256_blendv_epi8(n0, S0, keep), S1 = _mm256_blendv_epi8(n1, S1, keep); \
			S2 = _mm256_blendv_epi8(n2, S2, keep), S3 = _mm256_blendv_epi8(n3, S3, keep); \
		} else {                                                                       \
			S0 = n0, S1 = n1, S2 = n2, S3 = n3;                                        \
		}                                                                              \
		V p = XOR(LD(t8p), AND(LD(txp), k1));                                          \
		if (first) p = OR(p, k2);                                                      \
		V e = XOR(p, rnd);                                                             \
		flip = OR(flip, AND(AND(e, p), und));                                          \
		und = ANDN(first ? OR(e, k2) : e, und);                                        \
	} while (0)

/* levels4 decides the lanes und of four words: thresholds of level j at
 * t8 + j·step (p8) and t8 + j·step + txoff (p4^p8), states s0 … s3 at
 * st + k·sstride. */
static inline V levels4(V flip, V und, V k1, V k2, const uint64_t *t8, int step, int txoff, uint64_t *st, int sstride) {
	const V zero = _mm256_setzero_si256();
	V S0 = LD(st), S1 = LD(st + sstride), S2 = LD(st + 2 * sstride), S3 = LD(st + 3 * sstride);
	V none = _mm256_cmpeq_epi64(und, zero);
	int blend = 0, first = 1;
	VLEVEL(t8, t8 + txoff);
	first = 0;
	for (int j = 1; j < MINLEVELS; j++) VLEVEL(t8 + j * step, t8 + j * step + txoff);
	S0 = _mm256_blendv_epi8(S0, LD(st), none), S1 = _mm256_blendv_epi8(S1, LD(st + sstride), none);
	S2 = _mm256_blendv_epi8(S2, LD(st + 2 * sstride), none), S3 = _mm256_blendv_epi8(S3, LD(st + 3 * sstride), none);
	blend = 1;
	for (int j = MINLEVELS; j < BITS && !_mm256_testz_si256(und, und); j++) VLEVEL(t8 + j * step, t8 + j * step + txoff);
	ST(st, S0), ST(st + sstride, S1), ST(st + 2 * sstride, S2), ST(st + 3 * sstride, S3);
	return flip;
}

#define VCLASSES                                                                                   \
	V x1 = XOR(a1, a2), c1 = AND(a1, a2), x2 = XOR(a3, a4), c2 = AND(a3, a4), xo = OR(x1, x2), co = OR(c1, c2); \
	V k3 = OR(AND(c1, c2), AND(co, xo)), k2 = OR(ANDN(xo, XOR(c1, c2)), ANDN(co, AND(x1, x2)));           \
	V k1 = ANDN(co, XOR(x1, x2)), k0 = ANDN(OR(xo, co), _mm256_set1_epi64x(-1));

static void ms_sweep_avx2(multispin *m) {
	int nw = m->nw;
	uint64_t *sp = m->spins;
	for (int q = 0; q < 5 * m->nsites; q += 5) {
		const int *o = m->order + q;
		for (int w = 0; w < nw; w += 4) {
			V s = LD(sp + o[0] + w), a1 = XOR(s, LD(sp + o[1] + w)), a2 = XOR(s, LD(sp + o[2] + w));
			V a3 = XOR(s, LD(sp + o[3] + w)), a4 = XOR(s, LD(sp + o[4] + w));
			VCLASSES
			V flip = OR(k3, AND(LD(m->always + w), OR(k1, k0)));
			V und = OR(OR(AND(k1, LD(m->need4 + w)), AND(k0, LD(m->need8 + w))), k2);
			if (!_mm256_testz_si256(und, und)) flip = levels4(flip, und, k1, k2, m->thr + w, 2 * nw, nw, m->rng + w, nw);
			ST(sp + o[0] + w, XOR(s, flip));
		}
	}
}

static void bs_half_avx2(bigspin *g, int c) {
	int M = g->M;
	V need4 = _mm256_set1_epi64x(g->need4), need8 = _mm256_set1_epi64x(g->need8), always = _mm256_set1_epi64x(g->always);
	for (int i = 0; i < g->H; i++) {
		uint64_t *dst = bs_row(g, c, i) + 1, *same = bs_row(g, 1 - c, i);
		uint64_t *up = bs_row(g, 1 - c, i - 1) + 1, *down = bs_row(g, 1 - c, i + 1) + 1;
		int ru = i == 0, rd = i == g->H - 1;
		V pm = _mm256_set1_epi64x(g->pm[c * g->H + i]);
		for (int m = 0; m < M; m += 4) {
			V s = LD(dst + m), u = LD(up + m), d = LD(down + m);
			if (ru) u = vrotl(u, 1);
			if (rd) d = vrotl(d, 63);
			V a1 = XOR(s, u), a2 = XOR(s, d), a3 = XOR(s, LD(same + m + 1));
			V a4 = XOR(s, OR(ANDN(pm, LD(same + m)), AND(LD(same + m + 2), pm)));
			VCLASSES
			V flip = OR(k3, AND(always, OR(k1, k0)));
			V und = OR(OR(AND(k1, need4), AND(k0, need8)), k2);
			if (!_mm256_testz_si256(und, und)) flip = levels4(flip, und, k1, k2, g->thr4, 8, 4, g->rng, 4);
			ST(dst + m, XOR(s, flip));
		}
	}
	for (int i = 0; i < g->H; i++) {
		uint64_t *r = bs_row(g, c, i);
		r[0] = r[M], r[M + 1] = r[1];
	}
}

static void bs_sweep_avx2(bigspin *g) {
	bs_half_avx2(g, 0);
	bs_half_avx2(g, 1);
}
#endif

/* ---- Wolff ---- */
typedef struct {
	int L, N;
	int8_t *s;
	int32_t *stack;
	uint64_t padd, r[4];
	long long flipped;
} wolff;

static void wolff_init(wolff *w, int L, double T, uint64_t *seed) {
	w->L = L, w->N = L * L;
	w->s = malloc(w->N);
	memset(w->s, 1, w->N);
	w->stack = malloc(sizeof(int32_t) * w->N);
	w->padd = (uint64_t)(-expm1(-2 / T) * 18446744073709551616.0);
	for (int i = 0; i < 4; i++) w->r[i] = splitmix(seed);
	w->flipped = 0;
}

static void wolff_cluster(wolff *w) {
	int L = w->L;
	uint64_t *r = w->r;
	uint64_t seed = xo_next(r, r + 1, r + 2, r + 3);
	int k = (int)(((unsigned __int128)seed * (unsigned)w->N) >> 64);
	int8_t s0 = w->s[k];
	w->s[k] = -s0;
	int top = 0;
	w->stack[top++] = k;
	long long n = 1;
	while (top) {
		int x = w->stack[--top], i = x / L, j = x - i * L;
		int nb[4] = {(i == 0 ? L - 1 : i - 1) * L + j, (i == L - 1 ? 0 : i + 1) * L + j, i * L + (j == 0 ? L - 1 : j - 1),
		             i * L + (j == L - 1 ? 0 : j + 1)};
		for (int q = 0; q < 4; q++) {
			int y = nb[q];
			if (w->s[y] == s0 && xo_next(r, r + 1, r + 2, r + 3) < w->padd) {
				w->s[y] = -s0;
				w->stack[top++] = y;
				n++;
			}
		}
	}
	w->flipped += n;
}

/* Energies per spin, printed to stderr as a sanity check (≈ −1.42 at T_c). */
static double ms_energy(multispin *m) {
	int L = m->L, nw = m->nw;
	double anti = 0;
	for (int i = 0; i < L; i++)
		for (int j = 0; j < L; j++)
			for (int w = 0; w < nw; w++) {
				uint64_t s = m->spins[(i * L + j) * nw + w];
				anti += __builtin_popcountll(s ^ m->spins[(i * L + (j + 1) % L) * nw + w]) +
				        __builtin_popcountll(s ^ m->spins[((i + 1) % L * L + j) * nw + w]);
			}
	double N = (double)L * L * 64 * nw;
	return (2 * anti - 2 * N) / N;
}

static double bs_energy(bigspin *g) {
	double anti = 0;
	for (int i = 0; i < g->H; i++) {
		uint64_t *dst = bs_row(g, 0, i), *same = bs_row(g, 1, i), *up = bs_row(g, 1, i - 1), *down = bs_row(g, 1, i + 1);
		uint64_t pm = g->pm[i];
		for (int m = 1; m <= g->M; m++) {
			uint64_t s = dst[m], u = i == 0 ? rotl(up[m], 1) : up[m], d = i == g->H - 1 ? rotl(down[m], 63) : down[m];
			anti += __builtin_popcountll(s ^ u) + __builtin_popcountll(s ^ d) + __builtin_popcountll(s ^ same[m]) +
			        __builtin_popcountll(s ^ ((same[m - 1] & ~pm) | (same[m + 1] & pm)));
		}
	}
	double N = (double)g->L * g->L;
	return (2 * anti - 2 * N) / N;
}

static double wolff_energy(wolff *w) {
	int L = w->L;
	double e = 0;
	for (int i = 0; i < L; i++)
		for (int j = 0; j < L; j++)
			e -= w->s[i * L + j] * (w->s[i * L + (j + 1) % L] + w->s[(i + 1) % L * L + j]);
	return e / w->N;
}

static void report(const char *name, long long n, double secs, double flips) {
	double ns = secs * 1e9;
	printf("BenchmarkC/%s \t%lld\t%.0f ns/op\t%.4g ns/flip\t%.4g flips/ns\n", name, n, ns / n, ns / flips, flips / ns);
	fflush(stdout);
}

int main(int argc, char **argv) {
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	int repeats = argc > 2 ? atoi(argv[2]) : 1;
	uint64_t seed = 12345;

	multispin m;
	ms_init(&m, 10, 256, TC, &seed);
	for (int i = 0; i < 100; i++) ms_sweep(&m);
	for (int rep = 0; rep < repeats; rep++) {
		long long n = 0;
		double t0 = now(), t;
		do {
			for (int i = 0; i < 1000; i++) ms_sweep(&m);
			n += 1000;
		} while ((t = now()) - t0 < secs);
		report("MultiSpin/L=10/R=256", n, t - t0, (double)n * 100 * 256);
	}
	fprintf(stderr, "ising_ref: check: MultiSpin L = 10 replica-mean e = %.4f (exact −1.4...)\n", ms_energy(&m));
#ifdef __AVX2__
	{
		multispin a, b;
		uint64_t sa = 99, sb = 99;
		ms_init(&a, 10, 256, TC, &sa);
		ms_init(&b, 10, 256, TC, &sb);
		for (int i = 0; i < 50; i++) ms_sweep(&a), ms_sweep_avx2(&b);
		if (memcmp(a.spins, b.spins, sizeof(uint64_t) * 100 * 4) || memcmp(a.rng, b.rng, sizeof(uint64_t) * 16))
			fprintf(stderr, "ising_ref: check: MultiSpin AVX2 and plain C DIFFER\n");
		for (int rep = 0; rep < repeats; rep++) {
			long long n = 0;
			double t0 = now(), t;
			do {
				for (int i = 0; i < 1000; i++) ms_sweep_avx2(&b);
				n += 1000;
			} while ((t = now()) - t0 < secs);
			report("MultiSpin/L=10/R=256/avx2", n, t - t0, (double)n * 100 * 256);
		}
	}
#endif

	bigspin g;
	bs_init(&g, 1024, TC, &seed);
	for (int i = 0; i < 5; i++) bs_sweep(&g);
	for (int rep = 0; rep < repeats; rep++) {
		long long n = 0;
		double t0 = now(), t;
		do {
			bs_sweep(&g);
			n++;
		} while ((t = now()) - t0 < secs);
		report("BigSpin/L=1024", n, t - t0, (double)n * 1024 * 1024);
	}
	fprintf(stderr, "ising_ref: check: BigSpin L = 1024 e = %.4f (Onsager −1.414 at T_c)\n", bs_energy(&g));
#ifdef __AVX2__
	{
		bigspin a;
		uint64_t sa = 7, sb = 7;
		bs_init(&a, 1024, TC, &sa);
		bigspin b;
		bs_init(&b, 1024, TC, &sb);
		for (int i = 0; i < 3; i++) bs_sweep(&a), bs_sweep_avx2(&b);
		if (memcmp(a.w[0], b.w[0], sizeof(uint64_t) * 16 * 514) || memcmp(a.w[1], b.w[1], sizeof(uint64_t) * 16 * 514) ||
		    memcmp(a.rng, b.rng, sizeof a.rng))
			fprintf(stderr, "ising_ref: check: BigSpin AVX2 and plain C DIFFER\n");
		for (int rep = 0; rep < repeats; rep++) {
			long long n = 0;
			double t0 = now(), t;
			do {
				bs_sweep_avx2(&b);
				n++;
			} while ((t = now()) - t0 < secs);
			report("BigSpin/L=1024/avx2", n, t - t0, (double)n * 1024 * 1024);
		}
		fprintf(stderr, "ising_ref: check: BigSpin AVX2 L = 1024 e = %.4f\n", bs_energy(&b));
	}
#endif

	int Ls[] = {64, 256};
	for (int li = 0; li < 2; li++) {
		wolff w;
		wolff_init(&w, Ls[li], TC, &seed);
		for (int i = 0; i < 10; i++) wolff_cluster(&w);
		char name[64];
		snprintf(name, sizeof name, "Wolff/L=%d", Ls[li]);
		for (int rep = 0; rep < repeats; rep++) {
			long long n = 0, f0 = w.flipped;
			double t0 = now(), t;
			do {
				for (int i = 0; i < 100; i++) wolff_cluster(&w);
				n += 100;
			} while ((t = now()) - t0 < secs);
			report(name, n, t - t0, (double)(w.flipped - f0));
		}
		fprintf(stderr, "ising_ref: check: Wolff L = %d e = %.4f\n", Ls[li], wolff_energy(&w));
		free(w.s);
		free(w.stack);
	}
	return 0;
}
