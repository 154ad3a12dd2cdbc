/* cxlrig-thp-preload.so: an LD_PRELOAD library for kernel builds (BuildEnvironment.h).
 *
 * GCC's garbage-collected heap (gcc/ggc-page.cc) takes its memory straight from mmap(),
 * in quires of 512 pages, and touches it a page at a time: compiling kernel/fork.c faults
 * in about 31,000 4 KiB pages. On this project's VMs a fault costs several microseconds
 * and every page is a TLB entry, so with transparent huge pages in their default
 * "madvise" mode a kernel build spends a fifth of its CPU on them. This library marks the
 * large private anonymous mappings a process makes as MADV_HUGEPAGE, which is what
 * THP's "madvise" mode waits for; glibc's own heap gets the same from the
 * glibc.malloc.hugetlb=1 tunable, which cannot reach GCC's direct mmap() calls.
 * Measured (2 cores, 2.1 GHz EPYC): kernel/fork.c 31,300 faults -> 3,800, 1.43 s ->
 * 1.10 s; mm/ 50.5 s -> 42.3 s wall; a cold base kernel build 535 s -> 441 s.
 *
 * The same goes for a program's own zero-initialised data (.bss), which the ELF loader maps
 * and no mmap() of the program's passes through: objtool's is 8 MiB, a hash table it
 * clears with hash_init() on every object (tools/objtool/objtool.c, objtool_open_read()),
 * 2,170 faults for the smallest object. Advised, an objtool pass took 15 ms, not 35 ms.
 *
 * Nothing else changes: the mapping is made by the same system call with the same
 * arguments, and madvise() is advice (a no-op when THP is "never"). Plain C needing only
 * libc, so that every process make starts (sh, cc1, as, objtool, ld) loads it cheaply. */
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* A huge page needs an aligned 2 MiB inside the mapping, or inside the larger area that
 * adjacent mappings with the same flags merge into: smaller ones are left alone. */
#define HUGE_ENOUGH (2ul << 20)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && !(flags & MAP_SHARED) && (prot & PROT_WRITE) && len >= HUGE_ENOUGH)
    madvise(p, len, MADV_HUGEPAGE);
  return p;
}

/* On x86-64 glibc mmap64 is the same function; a program built with
 * _FILE_OFFSET_BITS=64 may call it by that name. */
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) __attribute__((alias("mmap")));

/* The part of each PT_LOAD segment past its file contents is .bss: anonymous, private,
 * writable. The first object dl_iterate_phdr() reports is the program itself; shared
 * libraries' .bss is small and left alone. */
static int advise_bss(struct dl_phdr_info *info, size_t size, void *unused) {
  (void)size;
  (void)unused;
  const unsigned long page = 4096;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || ph->p_memsz < ph->p_filesz + HUGE_ENOUGH) continue;
    const unsigned long start = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
    const unsigned long end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
    madvise((void *)start, end - start, MADV_HUGEPAGE);
  }
  return 1;
}

__attribute__((constructor)) static void advise_program_bss(void) { dl_iterate_phdr(advise_bss, NULL); }
