// Bit-level writer and reader for the wire format.
//
// Bits are packed least-significant first into a 64-bit scratch word and flushed 32 bits at a
// time, lowest byte first, so the byte order on the wire is little-endian on any host.
// BitWriter appends to a caller-owned std::vector that is reused between messages (no
// allocation once it has grown to its working size). BitReader reads an untrusted buffer: every
// read is bounds-checked and a read past the end fails instead of touching memory.
//
// Thread safety: none; one stream per thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace omega::protocol {

class BitWriter {
 public:
  // Appends to `out` (which is not cleared: the caller may have written a header already).
  explicit BitWriter(std::vector<uint8_t>& out) : out_(out), start_bytes_(out.size()) {}
  BitWriter(const BitWriter&) = delete;
  BitWriter& operator=(const BitWriter&) = delete;
  ~BitWriter() { assert(scratch_bits_ == 0 && "BitWriter destroyed without flush()"); }

  // Writes the low `bits` bits of `value`; 1 <= bits <= 32 and value < 2^bits.
  void write_bits(uint32_t value, int bits) {
    assert(bits >= 1 && bits <= 32);
    assert(bits == 32 || value < (uint64_t{1} << bits));
    scratch_ |= uint64_t{value} << scratch_bits_;
    scratch_bits_ += bits;
    if (scratch_bits_ >= 32) {  // flush a whole 32-bit word: one resize instead of four pushes
      const size_t at = out_.size();
      out_.resize(at + 4);
      uint8_t* bytes = out_.data() + at;
      for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(scratch_ >> (8 * i));
      scratch_ >>= 32;
      scratch_bits_ -= 32;
    }
  }

  // Pads the last partial byte with zero bits. Call once, when the message is complete.
  void flush() {
    while (scratch_bits_ > 0) {
      out_.push_back(static_cast<uint8_t>(scratch_));
      scratch_ >>= 8;
      scratch_bits_ = scratch_bits_ > 8 ? scratch_bits_ - 8 : 0;
    }
    scratch_ = 0;
  }

  // Bits written through this writer (not counting bytes already in the vector before it).
  int64_t bits_written() const { return int64_t(out_.size() - start_bytes_) * 8 + scratch_bits_; }
  size_t bytes_written() const { return out_.size() - start_bytes_ + (scratch_bits_ + 7) / 8; }

 private:
  std::vector<uint8_t>& out_;
  size_t start_bytes_;
  uint64_t scratch_ = 0;
  int scratch_bits_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  // Reads `bits` bits (1..32) into `value`. Returns false, leaving `value` zero, if the buffer
  // does not hold that many more bits.
  bool read_bits(uint32_t& value, int bits) {
    assert(bits >= 1 && bits <= 32);
    value = 0;
    if (bits > bits_remaining()) return false;
    while (scratch_bits_ < bits) {
      scratch_ |= uint64_t{data_[next_byte_++]} << scratch_bits_;
      scratch_bits_ += 8;
    }
    value = static_cast<uint32_t>(scratch_ & ((uint64_t{1} << bits) - 1));
    scratch_ >>= bits;
    scratch_bits_ -= bits;
    bits_read_ += bits;
    return true;
  }

  int64_t bits_read() const { return bits_read_; }
  int64_t bits_remaining() const { return int64_t(data_.size()) * 8 - bits_read_; }

  // True when what is left is only the zero padding of the last byte (fewer than 8 bits, all
  // zero). Anything else after a message's last field is trailing garbage.
  bool at_end_of_message() const {
    // With fewer than 8 bits left every byte has been pulled into the scratch word, which
    // holds exactly the unread bits (consumed bits are shifted out).
    return bits_remaining() < 8 && scratch_ == 0;
  }

 private:
  std::span<const uint8_t> data_;
  size_t next_byte_ = 0;
  uint64_t scratch_ = 0;
  int scratch_bits_ = 0;
  int64_t bits_read_ = 0;
};

}  // namespace omega::protocol
