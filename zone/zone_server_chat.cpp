// ZoneServer's chat (docs/PROTOCOL.md "Chat"): a ChatSend is checked (a welcomed version 2
// session, one line of valid UTF-8), refused with a system line when the player is muted, over
// its line budget, or names nobody; `say` goes to the players near the speaker in this instance;
// party, whisper and world lines go to the relay, which brings them back (to every zone process,
// this one included) through deliver_chat.
#include <algorithm>
#include <cmath>
#include <random>

#include <spdlog/spdlog.h>

#include "zone/zone_server.hpp"
#include "zone/zone_server_session.hpp"

namespace omega::zone {

using protocol::ChatChannel;
using protocol::KickReason;

namespace {

// How long a sender's zone waits for a whisper's receipt, once the relay brought the whisper
// back, before telling the sender nobody got it: a relay round trip is milliseconds; this covers
// a zone process busy for a while.
constexpr int64_t kWhisperReceiptWaitNs = 2'000'000'000;
// How long it waits for the relay to bring the whisper back (or hand it back undelivered):
// beyond the relay's own patience (2 s, twice over for a line queued behind a failing batch),
// the subscription is what failed and no receipt could reach us either.
constexpr int64_t kWhisperRelayWaitNs = 10'000'000'000;

uint64_t random_whisper_base() {
  std::random_device random;
  return (uint64_t{random()} << 32 | random()) | 1;
}

bool speaks_chat(const auto& session) {
  return session.welcomed && !session.closing && session.version >= protocol::kChatProtocolVersion;
}

// Minutes to the nearest, at least 1: the API rounds the end of a mute up to the second and
// the zone's clock down, so a 10-minute mute is 600 or 601 s away when it arrives.
std::string mute_notice(uint64_t muted_until, uint64_t now_unix) {
  const uint64_t minutes = std::max<uint64_t>(1, (muted_until - now_unix + 30) / 60);
  return "You are muted by a moderator for " + std::to_string(minutes) +
         (minutes == 1 ? " more minute." : " more minutes.");
}

}  // namespace

void ZoneServer::attach_chat(ChatRelay* relay, const ChatHistory* history) {
  chat_relay_ = relay;
  chat_history_ = history;
}

void ZoneServer::tell(Session& session, std::string text) {
  send(session, protocol::ChatMessage{ChatChannel::system, "", "", std::move(text)});
}

void ZoneServer::send_chat_history(Session& session) {
  if (chat_history_ == nullptr || session.version < protocol::kChatProtocolVersion) return;
  for (const ChatLine& line : chat_history_->lines())
    send(session, protocol::ChatMessage{line.channel, line.from, line.to, line.text});
}

void ZoneServer::on_chat(Session& session, const protocol::ChatSend& line, const Now& now) {
  // A version 1 session never sends chat; a line that is not one line of text is a client we
  // did not write.
  if (!session.welcomed || session.version < protocol::kChatProtocolVersion ||
      !protocol::valid_chat_text(line.text))
    return kick(session, KickReason::protocol_error, now);
  auto it = players_.find(session.character_id);
  if (it == players_.end()) return;
  Player& player = it->second;
  if (player.muted_until > now.unix_seconds)
    return tell(session, mute_notice(player.muted_until, now.unix_seconds));
  if (!player.chat_budget.take(static_cast<double>(now.steady_ns) / 1e9))
    return tell(session, "You are sending messages too fast. Wait a moment.");
  const std::string name(world_.state(player.slot).name.view());
  metrics_.chat_lines_in.fetch_add(1, std::memory_order_relaxed);
  switch (line.channel) {
    case ChatChannel::say: {
      const protocol::ChatMessage message{ChatChannel::say, name, "", line.text};
      const game::Vec2 at = world_.position(player.slot);
      for (auto& other : sessions_) {
        if (!speaks_chat(*other) || other->slot == World::kNoSlot) continue;
        const game::Vec2 p = world_.position(other->slot);
        if (std::hypot(p.x - at.x, p.y - at.y) <= kSayRadiusTiles) send(*other, message);
      }
      return;
    }
    case ChatChannel::party:
      if (player.party_id == 0) return tell(session, "You are not in a party.");
      break;
    case ChatChannel::whisper:
      if (same_name(line.to, name)) return tell(session, "You cannot whisper to yourself.");
      // The sender's copy; the recipient's comes through the relay.
      send(session, protocol::ChatMessage{ChatChannel::whisper, name, line.to, line.text});
      break;
    case ChatChannel::world:
      break;
    case ChatChannel::system:
      return kick(session, KickReason::protocol_error, now);  // the decoder refuses it already
  }
  ChatLine relayed{line.channel,
                   session.character_id,
                   name,
                   line.to,
                   player.party_id,
                   line.text,
                   static_cast<int64_t>(now.unix_seconds) * 1000};
  if (line.channel == ChatChannel::whisper) {
    if (next_whisper_id_ == 0) next_whisper_id_ = random_whisper_base();
    relayed.whisper_id = next_whisper_id_++;
    pending_whispers_.push_back(
        {relayed.whisper_id, session.character_id, line.to, now.steady_ns + kWhisperRelayWaitNs});
  }
  if (chat_relay_ != nullptr)
    chat_relay_->publish(relayed);
  else
    deliver_chat(relayed);
}

ZoneServer::Session* ZoneServer::chat_session_of(uint64_t character) {
  auto it = players_.find(character);
  Session* session = it == players_.end() || it->second.connection == 0
                         ? nullptr
                         : find_session(it->second.connection);
  return session != nullptr && speaks_chat(*session) ? session : nullptr;
}

void ZoneServer::expire_whispers(const Now& now) {
  std::erase_if(pending_whispers_, [&](PendingWhisper& whisper) {
    if (whisper.relayed && !whisper.awaiting_receipt) {
      whisper.awaiting_receipt = true;
      whisper.deadline_ns = now.steady_ns + kWhisperReceiptWaitNs;
    }
    if (whisper.deadline_ns > now.steady_ns) return false;
    if (Session* session = chat_session_of(whisper.from_character))
      tell(*session, whisper.awaiting_receipt
                         ? whisper.to + " is not online: nobody got your whisper."
                         : "Chat is unavailable right now: your whisper to " + whisper.to +
                               " may not have arrived.");
    return true;
  });
}

void ZoneServer::deliver_chat(const ChatLine& line) {
  // A receipt or a hand-back ends the whisper's wait (pending ids are never 0: no other line
  // matches).
  if (line.receipt || line.undelivered)
    std::erase_if(pending_whispers_,
                  [&](const PendingWhisper& whisper) { return whisper.id == line.whisper_id; });
  if (line.receipt) return;
  if (line.undelivered) {
    if (Session* session = chat_session_of(line.from_character))
      tell(*session, std::string("Chat is unavailable right now: your ") +
                         std::string(protocol::to_string(line.channel)) + " message was not sent.");
    return;
  }
  if (line.channel == ChatChannel::whisper && line.whisper_id != 0)
    for (PendingWhisper& whisper : pending_whispers_)
      if (whisper.id == line.whisper_id) whisper.relayed = true;
  const protocol::ChatMessage message{line.channel, line.from, line.to, line.text};
  bool delivered = false;
  for (auto& session : sessions_) {
    if (!speaks_chat(*session) || session->slot == World::kNoSlot) continue;
    bool wanted = false;
    switch (line.channel) {
      case ChatChannel::world:
        wanted = true;
        break;
      case ChatChannel::party: {
        auto it = players_.find(session->character_id);
        wanted = it != players_.end() && it->second.party_id == line.party_id;
        break;
      }
      case ChatChannel::whisper:
        wanted = session->character_id != line.from_character &&
                 same_name(world_.state(session->slot).name.view(), line.to);
        break;
      case ChatChannel::say:
      case ChatChannel::system:
        break;  // never relayed
    }
    if (wanted) {
      send(*session, message);
      metrics_.chat_lines_out.fetch_add(1, std::memory_order_relaxed);
      delivered = true;
    }
  }
  if (delivered && line.channel == ChatChannel::whisper && line.whisper_id != 0) {
    ChatLine receipt = line;
    receipt.receipt = true;
    receipt.text.clear();
    if (chat_relay_ != nullptr)
      chat_relay_->publish(receipt);
    else
      deliver_chat(receipt);
  }
}

void ZoneServer::apply_social(const SocialUpdate& update) {
  for (auto& [character, player] : players_) {
    if (update.kind == SocialUpdate::Kind::mute && player.account_id == update.account_id)
      player.muted_until = update.muted_until;
    if (update.kind == SocialUpdate::Kind::party && character == update.character_id)
      player.party_id = update.party_id;
    if (update.kind == SocialUpdate::Kind::notice && player.connection != 0 &&
        std::find(update.character_ids.begin(), update.character_ids.end(), character) !=
            update.character_ids.end())
      if (Session* session = find_session(player.connection);
          session != nullptr && speaks_chat(*session))
        tell(*session, update.text);
  }
}

}  // namespace omega::zone
