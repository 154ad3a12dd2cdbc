// `cxlrig bisect --packaged`: bisect over the Debian kernels on the mirror (no build). The
// kernels between --good and --bad (versions or ABIs, any series) are judged by running the
// scenario on each, nearest the middle first (ListBisect); both ends are judged too, since
// a wrong premise would otherwise name an end as the culprit.
#pragma once
#include "BisectCommand.h"

namespace cxlrig {

int packaged_bisect_command(const BisectOptions& o);

}  // namespace cxlrig
