#include "zone/chat.hpp"

#include <nlohmann/json.hpp>

namespace omega::zone {

namespace {

std::optional<protocol::ChatChannel> relayed_channel(std::string_view name) {
  using protocol::ChatChannel;
  for (ChatChannel channel : {ChatChannel::party, ChatChannel::whisper, ChatChannel::world})
    if (name == protocol::to_string(channel)) return channel;
  return std::nullopt;
}

}  // namespace

std::string chat_line_json(const ChatLine& line) {
  return nlohmann::json{{"channel", protocol::to_string(line.channel)},
                        {"from_character", line.from_character},
                        {"from", line.from},
                        {"to", line.to},
                        {"party_id", line.party_id},
                        {"text", line.text},
                        {"sent_ms", line.sent_ms},
                        {"whisper_id", line.whisper_id},
                        {"receipt", line.receipt}}
      .dump();
}

std::optional<ChatLine> parse_chat_line(std::string_view json) {
  const nlohmann::json value = nlohmann::json::parse(json, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  try {
    ChatLine line;
    const auto channel = relayed_channel(value.at("channel").get<std::string>());
    if (!channel) return std::nullopt;
    line.channel = *channel;
    line.from_character = value.at("from_character").get<uint64_t>();
    line.from = value.at("from").get<std::string>();
    line.to = value.value("to", std::string());
    line.party_id = value.value("party_id", uint64_t{0});
    line.text = value.at("text").get<std::string>();
    line.sent_ms = value.value("sent_ms", int64_t{0});
    line.whisper_id = value.value("whisper_id", uint64_t{0});
    line.receipt = value.value("receipt", false);
    if (line.receipt && (line.channel != protocol::ChatChannel::whisper || line.whisper_id == 0 ||
                         !line.text.empty()))
      return std::nullopt;
    if ((!line.receipt && !protocol::valid_chat_text(line.text)) || line.from.empty() ||
        line.from.size() > protocol::kMaxChatNameBytes ||
        line.to.size() > protocol::kMaxChatNameBytes)
      return std::nullopt;
    if (line.channel == protocol::ChatChannel::whisper && line.to.empty()) return std::nullopt;
    if (line.channel == protocol::ChatChannel::party && line.party_id == 0) return std::nullopt;
    return line;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y)) return false;
  }
  return true;
}

}  // namespace omega::zone
