// Advice to the kernel about large buffers that are about to be written for the first time.

#include "CModelKernels.h"

#if defined(__linux__)
#include <stdint.h>
#include <sys/mman.h>

// `advice` on the whole `unit`-aligned pages inside [start, start + bytes): it never reaches
// memory the buffer does not own.
static void advise_inside(void *start, int64_t bytes, uintptr_t unit, int advice) {
    const uintptr_t first = ((uintptr_t)start + unit - 1) & ~(unit - 1);
    const uintptr_t last = ((uintptr_t)start + (uintptr_t)bytes) & ~(unit - 1);
    if (bytes > 0 && last > first) (void)madvise((void *)first, last - first, advice);
}
#endif

void cmk_advise_huge_pages(void *start, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only advice: ignored where transparent huge pages are off.
    advise_inside(start, bytes, (uintptr_t)1 << 21, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
}

void cmk_populate_for_writing(void *start, int64_t bytes) {
#if defined(__linux__)
    // MADV_POPULATE_WRITE (Linux 5.14): the pages faulted in by one call instead of one trap
    // per page. Older kernels refuse it (EINVAL) and the first writes fault the pages in as usual.
    advise_inside(start, bytes, 4096, 23 /* MADV_POPULATE_WRITE */);
#else
    (void)start;
    (void)bytes;
#endif
}
