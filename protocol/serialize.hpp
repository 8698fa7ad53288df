// Streams for the serialize-once pattern: one `template <class Stream> bool serialize(Stream&)`
// body per message serves writing, reading and measuring, so the three cannot drift apart.
//
// - WriteStream: values are inputs; every field is asserted to be in range (a bad write is a bug
//   in this process, not bad input).
// - ReadStream: values are outputs read from an untrusted peer; the first bad field makes every
//   serialize call return false and records a DecodeError. No exceptions, no UB.
// - MeasureStream: values are inputs; counts bits without writing (used to budget snapshots).
//
// The free functions below (serialize_uint, serialize_tiered, ...) are the only way message
// bodies touch a stream. Thread safety: none; one stream per thread.
#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/bit_stream.hpp"
#include "protocol/decode_error.hpp"
#include "protocol/quantize.hpp"

namespace omega::protocol {

class WriteStream {
 public:
  static constexpr bool kIsWriting = true;
  static constexpr bool kIsReading = false;
  explicit WriteStream(std::vector<uint8_t>& out) : writer_(out) {}
  bool serialize_bits(uint32_t& value, int bits) {
    writer_.write_bits(value, bits);
    return true;
  }
  bool fail(DecodeError) {
    assert(false && "attempt to write a value outside its range");
    return false;
  }
  void flush() { writer_.flush(); }
  int64_t bits() const { return writer_.bits_written(); }

 private:
  BitWriter writer_;
};

class ReadStream {
 public:
  static constexpr bool kIsWriting = false;
  static constexpr bool kIsReading = true;
  explicit ReadStream(std::span<const uint8_t> data) : reader_(data) {}
  bool serialize_bits(uint32_t& value, int bits) {
    if (error_ != DecodeError::none) return false;
    if (!reader_.read_bits(value, bits)) return fail(DecodeError::truncated);
    return true;
  }
  // Records the first error; every later read fails too.
  bool fail(DecodeError error) {
    if (error_ == DecodeError::none) error_ = error;
    return false;
  }
  DecodeError error() const { return error_; }
  bool at_end_of_message() const { return reader_.at_end_of_message(); }
  int64_t bits() const { return reader_.bits_read(); }

 private:
  BitReader reader_;
  DecodeError error_ = DecodeError::none;
};

class MeasureStream {
 public:
  static constexpr bool kIsWriting = true;
  static constexpr bool kIsReading = false;
  bool serialize_bits(uint32_t&, int bits) {
    bits_ += bits;
    return true;
  }
  bool fail(DecodeError) {
    assert(false && "attempt to measure a value outside its range");
    return false;
  }
  int64_t bits() const { return bits_; }

 private:
  int64_t bits_ = 0;
};

// ---- primitive fields ------------------------------------------------------------------------

// An unsigned integer in [min, max], sent as (value - min) in bits_required(max - min) bits.
template <class Stream, class T>
bool serialize_uint(Stream& stream, T& value, T min, T max) {
  static_assert(std::is_unsigned_v<T> || std::is_enum_v<T>);
  using U = std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>;
  using Int = typename U::type;
  const uint64_t lo = static_cast<Int>(min), hi = static_cast<Int>(max);
  const int bits = bits_required(hi - lo);
  if (bits == 0) {
    if constexpr (Stream::kIsReading) value = min;
    return true;
  }
  uint32_t raw = 0;
  if constexpr (Stream::kIsWriting) {
    const uint64_t v = static_cast<Int>(value);
    if (v < lo || v > hi) return stream.fail(DecodeError::out_of_range);
    raw = static_cast<uint32_t>(v - lo);
  }
  if (!stream.serialize_bits(raw, bits)) return false;
  if constexpr (Stream::kIsReading) {
    if (raw > hi - lo) return stream.fail(DecodeError::out_of_range);
    value = static_cast<T>(static_cast<Int>(raw + lo));
  }
  return true;
}

template <class Stream>
bool serialize_bool(Stream& stream, bool& value) {
  uint32_t raw = value ? 1 : 0;
  if (!stream.serialize_bits(raw, 1)) return false;
  if constexpr (Stream::kIsReading) value = raw != 0;
  return true;
}

template <class Stream>
bool serialize_uint64(Stream& stream, uint64_t& value) {
  uint32_t low = static_cast<uint32_t>(value), high = static_cast<uint32_t>(value >> 32);
  if (!stream.serialize_bits(low, 32) || !stream.serialize_bits(high, 32)) return false;
  if constexpr (Stream::kIsReading) value = (uint64_t{high} << 32) | low;
  return true;
}

// A byte string of at most max_bytes: length, then the bytes 8 bits each.
template <class Stream, class Bytes>
bool serialize_bytes(Stream& stream, Bytes& bytes, uint32_t max_bytes) {
  uint32_t length = static_cast<uint32_t>(bytes.size());
  if (!serialize_uint(stream, length, 0u, max_bytes)) return false;
  if constexpr (Stream::kIsReading) bytes.resize(length);
  for (uint32_t i = 0; i < length; ++i) {
    uint32_t byte = static_cast<uint8_t>(bytes[i]);
    if (!stream.serialize_bits(byte, 8)) return false;
    if constexpr (Stream::kIsReading) bytes[i] = static_cast<typename Bytes::value_type>(byte);
  }
  return true;
}

// ---- tiered buckets --------------------------------------------------------------------------

// An unsigned value in [0, max] coded in the tiers of `table` (see TierTable).
// The table is a template argument so that the tier search unrolls to a few compares.
template <TierTable table, class Stream>
bool serialize_tiered(Stream& stream, uint32_t& value, uint32_t max) {
  if constexpr (Stream::kIsWriting) {
    if (value > max) return stream.fail(DecodeError::out_of_range);
    uint64_t base = 0;
    int tier = 0;
    for (; tier < table.count - 1; ++tier) {
      const uint64_t span = uint64_t{1} << table.widths[tier];
      if (value < base + span) break;
      base += span;
    }
    const int width = table.widths[tier];
    if (width < 32 && value - base >= (uint64_t{1} << width))
      return stream.fail(DecodeError::out_of_range);
    // Prefix: `tier` ones, then a zero unless this is the last tier; LSB first.
    const int prefix_bits = tier + (tier < table.count - 1 ? 1 : 0);
    const uint64_t code = ((uint64_t{1} << tier) - 1) | ((value - base) << prefix_bits);
    const int total = prefix_bits + width;
    if (total <= 32) {
      uint32_t word = static_cast<uint32_t>(code);
      return stream.serialize_bits(word, total);
    }
    uint32_t low = static_cast<uint32_t>(code & 0xffff), high = static_cast<uint32_t>(code >> 16);
    return stream.serialize_bits(low, 16) && stream.serialize_bits(high, total - 16);
  } else {
    uint64_t base = 0;
    int tier = 0;
    for (; tier < table.count - 1; ++tier) {
      uint32_t continues = 0;  // unary prefix: 1 = "not this tier"
      if (!stream.serialize_bits(continues, 1)) return false;
      if (!continues) break;
      base += uint64_t{1} << table.widths[tier];
    }
    uint32_t offset = 0;
    const int width = table.widths[tier];
    if (width > 0 && !stream.serialize_bits(offset, width)) return false;
    const uint64_t decoded = base + offset;
    if (decoded > max) return stream.fail(DecodeError::out_of_range);
    value = static_cast<uint32_t>(decoded);
    return true;
  }
}

// A signed value in [-limit, limit] as zigzag + tiers.
template <TierTable table, class Stream>
bool serialize_tiered_signed(Stream& stream, int32_t& value, int32_t limit) {
  uint32_t coded = 0;
  if constexpr (Stream::kIsWriting) {
    if (value < -limit || value > limit) return stream.fail(DecodeError::out_of_range);
    coded = zigzag_encode(value);
  }
  if (!serialize_tiered<table>(stream, coded, zigzag_encode(-limit))) return false;
  if constexpr (Stream::kIsReading) {
    value = zigzag_decode(coded);
    if (value < -limit || value > limit) return stream.fail(DecodeError::out_of_range);
  }
  return true;
}

// `current` as its distance above `previous` (current > previous), for ascending ids.
template <class Stream>
bool serialize_relative_id(Stream& stream, uint32_t previous, uint32_t& current) {
  uint32_t gap_minus_one = 0;
  if constexpr (Stream::kIsWriting) {
    if (current <= previous || current > kMaxEntityId)
      return stream.fail(DecodeError::out_of_range);
    gap_minus_one = current - previous - 1;
  }
  if (!serialize_tiered<kIdGapTiers>(stream, gap_minus_one, kMaxEntityId - previous - 1))
    return false;
  if constexpr (Stream::kIsReading) current = previous + 1 + gap_minus_one;
  return true;
}

// A wrapping 16-bit sequence number as its forward distance from `previous` in `table`'s tiers;
// `min_gap` is 1 when the sequence must advance (snapshot seq) and 0 when it may stand still.
template <TierTable table, class Stream>
bool serialize_sequence_relative(Stream& stream, uint16_t previous, uint16_t& current,
                                 uint16_t min_gap) {
  uint32_t coded = 0;
  if constexpr (Stream::kIsWriting) {
    const uint16_t gap = sequence_distance(previous, current);
    if (gap < min_gap) return stream.fail(DecodeError::out_of_range);
    coded = gap - min_gap;
  }
  if (!serialize_tiered<table>(stream, coded, 0xffffu - min_gap)) return false;
  if constexpr (Stream::kIsReading) current = static_cast<uint16_t>(previous + min_gap + coded);
  return true;
}

// Convenience: `if (!X) return false;` for a serialize body.
#define OMEGA_SERIALIZE(expr)  \
  do {                         \
    if (!(expr)) return false; \
  } while (0)

}  // namespace omega::protocol
