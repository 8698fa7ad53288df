// Chat across zone processes (docs/PROTOCOL.md "Chat", docs/ARCHITECTURE.md "Chat").
//
// `say` stays in the sender's instance. party, whisper and world lines go through a ChatRelay:
// with Redis, every zone process PUBLISHes them on {prefix}chat and every process (the sender's
// too) delivers what it receives to its own players, so one path serves one process and many.
// World lines are also kept in a short history (the last kHistoryLines) that a player gets
// on joining.
//
// Thread safety: ChatLine and the JSON helpers are plain values; ChatRelay::publish may be
// called from the simulation thread only (implementations hand the line to their own thread);
// ChatHistory belongs to the simulation thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/messages.hpp"

namespace omega::zone {

// A chat line between zone processes. `party_id` routes party lines, `to` (a character name,
// compared without case) routes whispers.
struct ChatLine {
  protocol::ChatChannel channel = protocol::ChatChannel::world;
  uint64_t from_character = 0;
  std::string from;
  std::string to;
  uint64_t party_id = 0;
  std::string text;
  int64_t sent_ms = 0;  // the sender's zone, unix ms (history order, latency)
  // Whispers: a random id from the sender's zone. The zone that hands the whisper to its
  // recipient relays a receipt (the same line with `receipt` set and no text); a sender's zone
  // that hears none in time after the relay brought the whisper back (it was published) tells the
  // sender the recipient is not online.
  uint64_t whisper_id = 0;
  bool receipt = false;
  // Read from the stored history when the process starts: kept for joining players, not
  // delivered again (not part of the JSON).
  bool history_only = false;
  // The relay could not publish this line (Redis unreachable, or its queue full) and hands it
  // back to its own process: only the sender's zone acts on it, telling the sender the line was
  // not sent (not part of the JSON).
  bool undelivered = false;

  bool operator==(const ChatLine&) const = default;
};

// {"channel":"world","from_character":7,"from":"Aragorn","to":"","party_id":0,"text":"...",
//  "sent_ms":...,"whisper_id":0,"receipt":false}
std::string chat_line_json(const ChatLine& line);
// nullopt for anything that is not a party, whisper or world line with a valid text, or a
// whisper receipt (whisper_id set, text empty).
std::optional<ChatLine> parse_chat_line(std::string_view json);

// ASCII case-insensitive name comparison (character names are ASCII letters and digits).
bool same_name(std::string_view a, std::string_view b);

// Brings every published line back to every process (the publisher's too); a line it cannot
// publish comes back to the publisher's process only, marked `undelivered`.
class ChatRelay {
 public:
  virtual ~ChatRelay() = default;
  virtual void publish(const ChatLine& line) = 0;
};

// The last world lines, oldest first.
class ChatHistory {
 public:
  static constexpr size_t kHistoryLines = 20;
  void add(const ChatLine& line) {
    lines_.push_back(line);
    if (lines_.size() > kHistoryLines) lines_.pop_front();
  }
  const std::deque<ChatLine>& lines() const { return lines_; }

 private:
  std::deque<ChatLine> lines_;
};

}  // namespace omega::zone
