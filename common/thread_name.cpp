#include "common/thread_name.hpp"

#include <pthread.h>

namespace omega::common {

std::string name_this_thread(std::string_view name) {
  constexpr size_t kLinuxNameLimit = 15;  // TASK_COMM_LEN 16, the terminating NUL included
  std::string kept(name.substr(0, kLinuxNameLimit));
  pthread_setname_np(pthread_self(), kept.c_str());
  return kept;
}

}  // namespace omega::common
