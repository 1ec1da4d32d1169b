#ifndef TFE_GLIBC_FLOOR_H
#define TFE_GLIBC_FLOOR_H

#include <stdint.h>

/// The release links libstdc++ statically (scripts/static-link-flags), and Debian 12's
/// libstdc++.a calls arc4random, which glibc has only since 2.36. This definition (the kernel's
/// CSPRNG through getrandom, glibc 2.25) is linked in its place, so the binary still runs on
/// glibc 2.35 (Ubuntu 22.04). `scripts/release-check` fails if a newer glibc symbol comes back.
uint32_t arc4random(void);

#endif
