#ifndef CLZMA_SHIM_H
#define CLZMA_SHIM_H
#include <lzma.h>

/// The filter ids and the list terminator: liblzma defines them with LZMA_VLI_C(), a function-like
/// macro, which Swift does not import.
static inline lzma_vli clzma_filter_lzma1(void) { return LZMA_FILTER_LZMA1; }
static inline lzma_vli clzma_filter_lzma2(void) { return LZMA_FILTER_LZMA2; }
static inline lzma_vli clzma_vli_unknown(void) { return LZMA_VLI_UNKNOWN; }
#endif
