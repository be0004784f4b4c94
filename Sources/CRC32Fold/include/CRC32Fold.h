#ifndef CRC32FOLD_H
#define CRC32FOLD_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU can run crc32_fold_clmul: x86-64 with PCLMULQDQ and SSE4.1 (0 elsewhere).
int crc32_fold_available(void);

/// Continues the CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) over `length` bytes by folding
/// with carry-less multiplication. `state` is the running register (the CRC inverted, ~0 at the start),
/// and so is the result. `length` must be at least 64 and a multiple of 16; call only when
/// crc32_fold_available() returns 1.
uint32_t crc32_fold_clmul(uint32_t state, const void *bytes, size_t length);

#endif
