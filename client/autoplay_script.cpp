#include "client/autoplay_script.hpp"

#include "protocol/messages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

namespace omega::client {

namespace {

struct CommandSpec {
  const char* name;
  ScriptCommand command;
  int min_words;  // arguments, all kinds counted
  int max_words;
};

constexpr CommandSpec kCommands[] = {
    {"login", ScriptCommand::login, 2, 2},
    {"character", ScriptCommand::character, 2, 2},
    {"delete_character", ScriptCommand::delete_character, 1, 1},
    {"dev_character", ScriptCommand::dev_character, 2, 2},
    {"enter_world", ScriptCommand::enter_world, 0, 1},
    {"wait", ScriptCommand::wait, 1, 1},
    {"walk", ScriptCommand::walk, 2, 2},
    {"attack", ScriptCommand::attack, 1, 1},
    {"expect_entities", ScriptCommand::expect_entities, 1, 2},
    {"leaderboard", ScriptCommand::leaderboard, 1, 1},
    {"open_window", ScriptCommand::open_window, 1, 1},
    {"befriend", ScriptCommand::befriend, 1, 1},
    {"item", ScriptCommand::item, 2, 2},
    {"drop_connection", ScriptCommand::drop_connection, 0, 1},
    {"travel", ScriptCommand::travel, 2, 3},
    {"tournament", ScriptCommand::tournament, 1, 2},
    {"chat", ScriptCommand::chat, 2, 30},
    {"screenshot", ScriptCommand::screenshot, 1, 1},
    {"quit", ScriptCommand::quit, 0, 0},
};

std::optional<double> parse_number(std::string_view word) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc{} || end != word.data() + word.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

bool valid_file_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

const char* to_string(ScriptCommand command) {
  for (const auto& spec : kCommands)
    if (spec.command == command) return spec.name;
  return "?";
}

std::optional<double> parse_direction_degrees(std::string_view word) {
  static constexpr std::pair<std::string_view, double> kNames[] = {
      {"east", 0},   {"southeast", 45},  {"south", 90},  {"southwest", 135},
      {"west", 180}, {"northwest", 225}, {"north", 270}, {"northeast", 315}};
  for (const auto& [name, degrees] : kNames)
    if (word == name) return degrees;
  return parse_number(word);
}

ScriptParseResult parse_autoplay_script(std::string_view text, std::string_view source) {
  ScriptParseResult result;
  int line_number = 0;
  size_t position = 0;
  while (position <= text.size()) {
    const size_t end = std::min(text.find('\n', position), text.size());
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    std::vector<std::string> words;
    std::istringstream stream{std::string(line)};
    for (std::string word; stream >> word;) words.push_back(word);
    if (words.empty()) continue;

    auto fail = [&](const std::string& what) {
      result.steps.clear();
      result.error = std::string(source) + ":" + std::to_string(line_number) + ": " + what;
      return result;
    };
    const CommandSpec* spec = nullptr;
    for (const auto& candidate : kCommands)
      if (words[0] == candidate.name) spec = &candidate;
    if (!spec) return fail("unknown command '" + words[0] + "'");
    const int arguments = static_cast<int>(words.size()) - 1;
    if (arguments < spec->min_words || arguments > spec->max_words)
      return fail(
          std::string(spec->name) + " takes " + std::to_string(spec->min_words) +
          (spec->max_words != spec->min_words ? "-" + std::to_string(spec->max_words) : "") +
          " argument(s), got " + std::to_string(arguments));

    ScriptStep step;
    step.command = spec->command;
    step.line = line_number;
    auto seconds_at = [&](size_t index, double fallback) -> std::optional<double> {
      if (index >= words.size()) return fallback;
      const auto value = parse_number(words[index]);
      if (!value || *value < 0 || *value > kMaxScriptSeconds) return std::nullopt;
      return value;
    };
    switch (spec->command) {
      case ScriptCommand::login:
      case ScriptCommand::character:
      case ScriptCommand::delete_character:
      case ScriptCommand::leaderboard:
      case ScriptCommand::open_window:
      case ScriptCommand::befriend:
        step.words.assign(words.begin() + 1, words.end());
        break;
      case ScriptCommand::item:
        if (words[1] != "equip" && words[1] != "unequip" && words[1] != "use")
          return fail("item VERB must be equip, unequip or use");
        step.words.assign(words.begin() + 1, words.end());
        break;
      case ScriptCommand::dev_character: {
        const auto id = parse_number(words[1]);
        if (!id || *id < 1 || *id != std::floor(*id))
          return fail("dev_character ID must be a positive integer");
        step.number = *id;
        step.words = {words[2]};
        break;
      }
      case ScriptCommand::tournament: {
        const auto timeout = seconds_at(2, kDefaultTournamentTimeoutSeconds);
        if (!timeout) return fail("bad timeout '" + words[2] + "'");
        step.words = {words[1]};
        step.seconds = *timeout;
        break;
      }
      case ScriptCommand::enter_world:
      case ScriptCommand::drop_connection: {
        const auto timeout = seconds_at(1, kDefaultScriptTimeoutSeconds);
        if (!timeout) return fail("bad timeout '" + words[1] + "'");
        step.seconds = *timeout;
        break;
      }
      case ScriptCommand::wait:
      case ScriptCommand::attack: {
        const auto seconds = seconds_at(1, 0);
        if (!seconds) return fail("bad duration '" + words[1] + "'");
        step.seconds = *seconds;
        break;
      }
      case ScriptCommand::walk: {
        const auto direction = parse_direction_degrees(words[1]);
        if (!direction) return fail("bad direction '" + words[1] + "'");
        const auto seconds = seconds_at(2, 0);
        if (!seconds) return fail("bad duration '" + words[2] + "'");
        step.number = *direction;
        step.seconds = *seconds;
        break;
      }
      case ScriptCommand::expect_entities: {
        const auto count = parse_number(words[1]);
        if (!count || *count < 0 || *count != std::floor(*count))
          return fail("bad entity count '" + words[1] + "'");
        const auto timeout = seconds_at(2, kDefaultScriptTimeoutSeconds);
        if (!timeout) return fail("bad timeout '" + words[2] + "'");
        step.number = *count;
        step.seconds = *timeout;
        break;
      }
      case ScriptCommand::travel: {
        if (!valid_file_name(words[2]))
          return fail("screenshot name must be 1-64 of A-Z a-z 0-9 _ -");
        const auto timeout = seconds_at(3, kDefaultTravelTimeoutSeconds);
        if (!timeout) return fail("bad timeout '" + words[3] + "'");
        step.words = {words[1], words[2]};
        step.seconds = *timeout;
        break;
      }
      case ScriptCommand::chat: {
        if (protocol::ChatChannel channel; !protocol::parse_open_chat_channel(words[1], channel))
          return fail("chat channel must be say, party or world, got '" + words[1] + "'");
        std::string text = words[2];
        for (size_t i = 3; i < words.size(); ++i) text += " " + words[i];
        step.words = {words[1], text};
        step.seconds = kDefaultScriptTimeoutSeconds;
        break;
      }
      case ScriptCommand::screenshot:
        if (!valid_file_name(words[1]))
          return fail("screenshot name must be 1-64 of A-Z a-z 0-9 _ -");
        step.words = {words[1]};
        break;
      case ScriptCommand::quit:
        break;
    }
    result.steps.push_back(std::move(step));
  }
  if (result.steps.empty()) result.error = std::string(source) + ": the script has no commands";
  return result;
}

ScriptParseResult load_autoplay_script(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ScriptParseResult result;
    result.error = path + ": cannot read the script";
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_autoplay_script(text.str(), path);
}

}  // namespace omega::client
