// The C0 control characters XML 1.0 forbids (every byte below 0x20 but TAB, LF and CR), found 32
// bytes at a time with AVX2, in C for the intrinsics. This runs over every byte of XML input; the
// portable Swift scan (SSE2-sized vectors) is about four times the instructions per byte.
//
// Per 32 bytes: `min(v, 0x1F) == v` marks the bytes below 0x20; `v +sat 0x70` keeps the low nibble
// of the bytes below 0x10 with the top bit clear and sets the top bit of all others, so a byte
// shuffle of a 16-entry table gives 0xFF exactly for 0x09, 0x0A and 0x0D; the forbidden bytes are
// the first set without the second.
#include "ControlScan.h"

#if defined(__x86_64__)
#include <immintrin.h>

int control_scan_avx2_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

/// 0xFF in the lanes of `v` that hold a forbidden control character, 0 elsewhere.
__attribute__((target("avx2"))) static inline __m256i forbidden(__m256i v) {
    const __m256i highestControl = _mm256_set1_epi8(0x1F);
    const __m256i nibbleIndex = _mm256_set1_epi8(0x70);
    const __m256i allowed = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, -1, 0, 0,  //
        0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, -1, 0, 0);
    __m256i control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, highestControl), v);
    __m256i permitted = _mm256_shuffle_epi8(allowed, _mm256_adds_epu8(v, nibbleIndex));
    return _mm256_andnot_si256(permitted, control);
}

/// The first forbidden byte at or after `index` in bytes already known to hold one there.
static ptrdiff_t first_from(const uint8_t *bytes, size_t index, size_t count) {
    for (; index < count; index++) {
        uint8_t byte = bytes[index];
        if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) return (ptrdiff_t)index;
    }
    return -1;
}

__attribute__((target("avx2"))) ptrdiff_t control_scan_first_forbidden_avx2(const uint8_t *bytes, size_t count) {
    size_t index = 0;
    while (count - index >= 128) {
        __m256i first = forbidden(_mm256_loadu_si256((const __m256i *)(bytes + index)));
        __m256i second = forbidden(_mm256_loadu_si256((const __m256i *)(bytes + index + 32)));
        __m256i third = forbidden(_mm256_loadu_si256((const __m256i *)(bytes + index + 64)));
        __m256i fourth = forbidden(_mm256_loadu_si256((const __m256i *)(bytes + index + 96)));
        __m256i any = _mm256_or_si256(_mm256_or_si256(first, second), _mm256_or_si256(third, fourth));
        if (!_mm256_testz_si256(any, any)) return first_from(bytes, index, count);
        index += 128;
    }
    while (count - index >= 32) {
        uint32_t lanes = (uint32_t)_mm256_movemask_epi8(forbidden(_mm256_loadu_si256((const __m256i *)(bytes + index))));
        if (lanes != 0) return (ptrdiff_t)(index + (size_t)__builtin_ctz(lanes));
        index += 32;
    }
    return first_from(bytes, index, count);
}

__attribute__((target("avx2"))) int control_scan_copy_rejecting_avx2(const uint8_t *bytes, size_t count, uint8_t *target) {
    size_t index = 0;
    while (count - index >= 128) {
        __m256i first = _mm256_loadu_si256((const __m256i *)(bytes + index));
        __m256i second = _mm256_loadu_si256((const __m256i *)(bytes + index + 32));
        __m256i third = _mm256_loadu_si256((const __m256i *)(bytes + index + 64));
        __m256i fourth = _mm256_loadu_si256((const __m256i *)(bytes + index + 96));
        __m256i any = _mm256_or_si256(
            _mm256_or_si256(forbidden(first), forbidden(second)), _mm256_or_si256(forbidden(third), forbidden(fourth)));
        if (!_mm256_testz_si256(any, any)) return 0;
        _mm256_storeu_si256((__m256i *)(target + index), first);
        _mm256_storeu_si256((__m256i *)(target + index + 32), second);
        _mm256_storeu_si256((__m256i *)(target + index + 64), third);
        _mm256_storeu_si256((__m256i *)(target + index + 96), fourth);
        index += 128;
    }
    while (count - index >= 32) {
        __m256i vector = _mm256_loadu_si256((const __m256i *)(bytes + index));
        __m256i bad = forbidden(vector);
        if (!_mm256_testz_si256(bad, bad)) return 0;
        _mm256_storeu_si256((__m256i *)(target + index), vector);
        index += 32;
    }
    for (; index < count; index++) {
        uint8_t byte = bytes[index];
        if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) return 0;
        target[index] = byte;
    }
    return 1;
}

#else

int control_scan_avx2_available(void) { return 0; }

ptrdiff_t control_scan_first_forbidden_avx2(const uint8_t *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return -1;
}

int control_scan_copy_rejecting_avx2(const uint8_t *bytes, size_t count, uint8_t *target) {
    (void)bytes;
    (void)count;
    (void)target;
    return 0;
}

#endif
