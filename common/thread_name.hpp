// Names the calling thread for `top -H`, perf, gdb and scripts/bench hub's per-thread CPU
// (the zone's omega-net, omega-net-N, omega-sim and omega-work-N threads).
//
// Thread safety: names only the calling thread.
#pragma once

#include <string>
#include <string_view>

namespace omega::common {

// Linux keeps at most 15 characters of a thread's name: longer names are cut there. Returns the
// name the thread got.
std::string name_this_thread(std::string_view name);

}  // namespace omega::common
