#include "DeviceShape.h"

namespace cxlrig {

const char* to_string(RangeOrder o) {
  switch (o) {
    case RangeOrder::kShuffled: return "shuffled";
    case RangeOrder::kAscending: return "ascending";
    case RangeOrder::kDescending: return "descending";
  }
  return "?";
}

}  // namespace cxlrig
