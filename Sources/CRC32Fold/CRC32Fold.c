// CRC-32 by folding with carry-less multiplication (PCLMULQDQ), after Gopal et al., "Fast CRC
// Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009): four 128-bit lanes
// are folded 512 bits at a time, then into one lane, then to 64 and 32 bits, and reduced with
// Barrett's method. The constants are those of the paper for the bit-reflected polynomial.
#include "CRC32Fold.h"

#if defined(__x86_64__)
#include <immintrin.h>

int crc32_fold_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

/// x^(512+32) and x^(512-32) mod P, reflected: one lane folded over 512 bits.
#define FOLD_512_LOW 0x154442bd4ULL
#define FOLD_512_HIGH 0x1c6e41596ULL
/// x^(128+32) and x^(128-32) mod P, reflected: one lane folded over 128 bits.
#define FOLD_128_LOW 0x1751997d0ULL
#define FOLD_128_HIGH 0x0ccaa009eULL
/// x^64 mod P, reflected: 96 bits folded to 64.
#define FOLD_64 0x163cd6124ULL
/// P(x) and floor(x^64 / P(x)), reflected, for the Barrett reduction.
#define POLYNOMIAL 0x1db710641ULL
#define BARRETT_MU 0x1f7011641ULL

/// `lane` folded forward by the distance `constants` encode, combined with `next`.
__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i lane, __m128i constants, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00);
    __m128i high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1"))) uint32_t crc32_fold_clmul(uint32_t state, const void *data, size_t length) {
    const unsigned char *bytes = data;
    __m128i lane0 = _mm_loadu_si128((const __m128i *)(bytes + 0));
    __m128i lane1 = _mm_loadu_si128((const __m128i *)(bytes + 16));
    __m128i lane2 = _mm_loadu_si128((const __m128i *)(bytes + 32));
    __m128i lane3 = _mm_loadu_si128((const __m128i *)(bytes + 48));
    lane0 = _mm_xor_si128(lane0, _mm_cvtsi32_si128((int)state));
    size_t offset = 64;

    const __m128i by512 = _mm_set_epi64x((long long)FOLD_512_HIGH, (long long)FOLD_512_LOW);
    while (length - offset >= 64) {
        lane0 = fold(lane0, by512, _mm_loadu_si128((const __m128i *)(bytes + offset)));
        lane1 = fold(lane1, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 16)));
        lane2 = fold(lane2, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 32)));
        lane3 = fold(lane3, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 48)));
        offset += 64;
    }

    const __m128i by128 = _mm_set_epi64x((long long)FOLD_128_HIGH, (long long)FOLD_128_LOW);
    __m128i lane = fold(lane0, by128, lane1);
    lane = fold(lane, by128, lane2);
    lane = fold(lane, by128, lane3);
    while (length - offset >= 16) {
        lane = fold(lane, by128, _mm_loadu_si128((const __m128i *)(bytes + offset)));
        offset += 16;
    }

    // 128 bits to 64: the low 64 bits multiplied by the 128-bit fold's second constant, onto the high 64.
    const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);
    __m128i product = _mm_clmulepi64_si128(lane, by128, 0x10);
    lane = _mm_xor_si128(_mm_srli_si128(lane, 8), product);
    // 96 bits to 64.
    const __m128i by64 = _mm_set_epi64x(0, (long long)FOLD_64);
    __m128i upper = _mm_srli_si128(lane, 4);
    lane = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(lane, low32), by64, 0x00), upper);
    // Barrett reduction to 32 bits.
    const __m128i barrett = _mm_set_epi64x((long long)BARRETT_MU, (long long)POLYNOMIAL);
    __m128i quotient = _mm_clmulepi64_si128(_mm_and_si128(lane, low32), barrett, 0x10);
    __m128i remainder = _mm_clmulepi64_si128(_mm_and_si128(quotient, low32), barrett, 0x00);
    lane = _mm_xor_si128(lane, remainder);
    return (uint32_t)_mm_extract_epi32(lane, 1);
}

#else

int crc32_fold_available(void) { return 0; }

uint32_t crc32_fold_clmul(uint32_t state, const void *data, size_t length) {
    (void)data;
    (void)length;
    return state;
}

#endif
