/* cxlrig-thp-probe: run by ThpPreload_test with and without the preload. It prints, for
 * its own 8 MiB .bss array and a 4 MiB anonymous mmap(), whether the kernel marked the
 * area for huge pages: "hg" in the VmFlags of the mapping that holds it (/proc/self/smaps,
 * as madvise(MADV_HUGEPAGE) sets VM_HUGEPAGE). One line each: "bss hg" or "bss -". */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static char zeroed[8 << 20];

static const char *flag(const void *p) {
  const unsigned long a = (unsigned long)p;
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return "?";
  char line[512];
  int inside = 0;
  const char *r = "?";
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {  /* a mapping's header; fields never parse so */
      inside = lo <= a && a < hi;
    } else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
      r = strstr(line, " hg") ? "hg" : "-";
      break;
    }
  }
  fclose(f);
  return r;
}

int main(void) {
  char *m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return 1;
  zeroed[4 << 20] = 1;
  m[2 << 20] = 1;
  printf("bss %s\nmmap %s\n", flag(zeroed + (4 << 20)), flag(m + (2 << 20)));
  return 0;
}
