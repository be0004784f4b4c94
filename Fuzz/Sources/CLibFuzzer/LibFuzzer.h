// libFuzzer's C entry point (compiler-rt, in every libFuzzer since LLVM 13), linked by
// `-sanitize=fuzzer`. It runs the fuzzer with the command line and per-input callback given.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
