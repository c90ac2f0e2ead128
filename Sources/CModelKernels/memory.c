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

void cmk_populate_for_writing(void *start, int64_t bytes) {
#if defined(__linux__)
    // MADV_POPULATE_WRITE (Linux 5.14): the whole pages inside the range faulted in by one
    // call instead of one trap per page. Older kernels refuse it (EINVAL) and the first
    // writes fault the pages in as usual.
    const uintptr_t page = 4096;
    const uintptr_t first = ((uintptr_t)start + page - 1) & ~(page - 1);
    const uintptr_t last = ((uintptr_t)start + (uintptr_t)bytes) & ~(page - 1);
    if (bytes > 0 && last > first) (void)madvise((void *)first, last - first, 23 /* MADV_POPULATE_WRITE */);
#else
    (void)start;
    (void)bytes;
#endif
}
