#ifndef CONTROLSCAN_H
#define CONTROLSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU can run the AVX2 scans below: x86-64 with AVX2 (0 elsewhere).
int control_scan_avx2_available(void);

/// The index of the first byte of `bytes` below 0x20 other than TAB (0x09), LF (0x0A) and CR
/// (0x0D), the C0 control characters XML 1.0 forbids, or -1 when there is none. Call only when
/// control_scan_avx2_available() returns 1.
ptrdiff_t control_scan_first_forbidden_avx2(const uint8_t *bytes, size_t count);

/// Copies `count` bytes to `target` (which must not overlap them) while checking them as
/// control_scan_first_forbidden_avx2 does. Returns 1 when none is forbidden; 0 as soon as one is
/// seen, and `target` then holds an unspecified prefix of the bytes. Call only when
/// control_scan_avx2_available() returns 1.
int control_scan_copy_rejecting_avx2(const uint8_t *bytes, size_t count, uint8_t *target);

#endif
