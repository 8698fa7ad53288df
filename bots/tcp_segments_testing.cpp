// TCP_INFO's data segment counters, which glibc's <netinet/tcp.h> lacks; <linux/tcp.h> has them
// but cannot share a translation unit with Asio (which includes the glibc header).
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace omega::bots::testing {

uint32_t tcp_data_segments_in(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return 0;
  return info.tcpi_data_segs_in;
}

}  // namespace omega::bots::testing
