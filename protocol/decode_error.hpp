// Why an untrusted message was refused. Decoders return one of these instead of throwing;
// the zone server turns any of them into a Kick{protocol_error} for that one connection.
#pragma once

#include <cstdint>

namespace omega::protocol {

enum class DecodeError : uint8_t {
  none = 0,
  empty,            // zero-length message: there is not even a type byte
  truncated,        // the message ends before its last field
  out_of_range,     // a field holds a value outside its documented range
  unknown_type,     // the type byte names no message of this protocol version
  unexpected_type,  // a valid message that this side never receives (e.g. a client sending Welcome)
  trailing_bytes,   // bytes (or non-zero padding bits) after the last field
  bad_entity,       // a snapshot refers to an entity that is (not) in view, or repeats one
  too_many,         // a count above its limit (entities per snapshot, events per message)
};

inline const char* to_string(DecodeError error) {
  switch (error) {
    case DecodeError::none:
      return "none";
    case DecodeError::empty:
      return "empty message";
    case DecodeError::truncated:
      return "truncated message";
    case DecodeError::out_of_range:
      return "field out of range";
    case DecodeError::unknown_type:
      return "unknown message type";
    case DecodeError::unexpected_type:
      return "unexpected message type";
    case DecodeError::trailing_bytes:
      return "trailing bytes";
    case DecodeError::bad_entity:
      return "bad entity reference";
    case DecodeError::too_many:
      return "count above limit";
  }
  return "unknown error";
}

}  // namespace omega::protocol
