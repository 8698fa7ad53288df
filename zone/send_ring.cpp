#include "zone/send_ring.hpp"

#include <liburing.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace omega::zone {

struct SendRing::Ring {
  io_uring ring{};
  bool ready = false;           // io_uring_queue_init succeeded
  std::vector<msghdr> headers;  // one per write of the batch in flight: the kernel reads them
  ~Ring() {
    if (ready) io_uring_queue_exit(&ring);
  }
};

std::unique_ptr<SendRing> SendRing::create(unsigned entries, std::string& error) {
  auto ring = std::make_unique<Ring>();
  if (const int e = io_uring_queue_init(entries, &ring->ring, 0); e < 0) {
    error = std::string("io_uring_queue_init: ") + std::strerror(-e);
    return nullptr;
  }
  ring->ready = true;
  ring->headers.resize(entries);
  return std::unique_ptr<SendRing>(new SendRing(std::move(ring), entries));
}

SendRing::SendRing(std::unique_ptr<Ring> ring, unsigned entries)
    : ring_(std::move(ring)), entries_(entries) {}

SendRing::~SendRing() = default;

void SendRing::add(int fd, const iovec* iov, size_t count, uint64_t tag) {
  writes_.push_back({fd, iov, count, tag});
}

size_t SendRing::run(const std::function<void(uint64_t, int)>& done) {
  io_uring& ring = ring_->ring;
  size_t calls = 0;
  for (size_t begin = 0; begin < writes_.size(); begin += entries_) {
    const size_t end = std::min(writes_.size(), begin + entries_);
    for (size_t i = begin; i < end; ++i) {
      msghdr& header = ring_->headers[i - begin];
      header = {};
      header.msg_iov = const_cast<iovec*>(writes_[i].iov);  // the kernel only reads them
      header.msg_iovlen = writes_[i].count;
      io_uring_sqe* sqe = io_uring_get_sqe(&ring);  // the ring is empty: one per entry
      io_uring_prep_sendmsg(sqe, writes_[i].fd, &header, MSG_NOSIGNAL | MSG_DONTWAIT);
      io_uring_sqe_set_data64(sqe, i);
    }
    // Non-blocking sends complete while they are submitted, so the first call nearly always
    // returns with every result; a signal or a busy completion queue costs another round.
    const size_t batch = end - begin;
    size_t reaped = 0;
    while (reaped < batch) {
      const int e = io_uring_submit_and_wait(&ring, 1);
      ++calls;
      if (e < 0 && e != -EINTR && e != -EAGAIN && e != -EBUSY)
        throw std::system_error(-e, std::system_category(), "io_uring_submit_and_wait");
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(&ring, head, cqe) {
        const Write& write = writes_[io_uring_cqe_get_data64(cqe)];
        done(write.tag, cqe->res);
        ++seen;
      }
      io_uring_cq_advance(&ring, seen);
      reaped += seen;
    }
  }
  writes_.clear();
  return calls;
}

}  // namespace omega::zone
