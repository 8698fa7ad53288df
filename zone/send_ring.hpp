// Batched socket writes through io_uring (config send_io = "io_uring"): a network shard's
// flush lays out every session's gather write, and one io_uring_enter submits them all and
// collects their results, where the sendmsg path makes one system call per write. Each write
// is non-blocking (MSG_DONTWAIT): a full send buffer answers -EAGAIN at once, as a
// non-blocking sendmsg would, so a batch never waits for a client.
//
// liburing stays inside send_ring.cpp. Thread safety: one network thread.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace omega::zone {

class SendRing {
 public:
  // nullptr, with `error` set, when the kernel refuses io_uring (an old kernel, a seccomp
  // profile that forbids it): the caller writes with sendmsg instead.
  static std::unique_ptr<SendRing> create(unsigned entries, std::string& error);
  ~SendRing();
  SendRing(const SendRing&) = delete;
  SendRing& operator=(const SendRing&) = delete;

  // Queues a sendmsg of iov[0, count) to `fd`; the caller keeps the buffers and `iov` valid,
  // and `fd` open, until run() returns.
  void add(int fd, const iovec* iov, size_t count, uint64_t tag);
  // Submits every queued write (in batches of the ring's size, one system call each in the
  // common case) and calls done(tag, result) for each, in completion order: result is the
  // bytes written, or -errno (-EAGAIN: the send buffer was full). Returns the system calls made.
  size_t run(const std::function<void(uint64_t tag, int result)>& done);
  size_t queued() const { return writes_.size(); }

 private:
  struct Ring;
  struct Write {
    int fd;
    const iovec* iov;
    size_t count;
    uint64_t tag;
  };
  explicit SendRing(std::unique_ptr<Ring> ring, unsigned entries);

  std::unique_ptr<Ring> ring_;
  unsigned entries_;
  std::vector<Write> writes_;
};

}  // namespace omega::zone
