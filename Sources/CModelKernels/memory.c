// Advice to the kernel about large buffers that are about to be written for the first time.

#include "CModelKernels.h"

#if defined(__linux__)
#include <stdint.h>
#include <sys/mman.h>
#endif

void cmk_advise_huge_pages(void *start, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only the whole 2 MiB pages inside the buffer: the advice never reaches memory the
    // buffer does not own, and it is only advice (ignored where transparent huge pages are off).
    const uintptr_t huge = (uintptr_t)1 << 21;
    const uintptr_t first = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    const uintptr_t last = ((uintptr_t)start + (uintptr_t)bytes) & ~(huge - 1);
    if (bytes > 0 && last > first) (void)madvise((void *)first, last - first, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
}
