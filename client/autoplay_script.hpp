// The autoplay script format for `omega-client --autoplay SCRIPT` (tests and demos).
//
// One command per line; '#' starts a comment; words are separated by blanks. Commands:
//   login USER PASSWORD          log in; registers the account first if it does not exist
//   character NAME CLASS         select the character NAME, creating it (of CLASS) if missing
//   delete_character NAME        delete the character NAME if it exists
//   dev_character ID NAME        zone-only dev path: play character ID as NAME without the API
//                                (needs --dev-zone and --dev-key-seed)
//   enter_world [TIMEOUT]        press Play and wait until our entity is in the world
//   wait SECONDS                 keep playing (standing still)
//   walk DIRECTION SECONDS       walk north|south|east|west|northeast|... or an angle in degrees
//                                (0 = east, 90 = south: y grows southwards)
//   attack SECONDS               target the nearest other entity and attack it repeatedly
//   expect_entities N [TIMEOUT]  wait until at least N other entities are in view
//   leaderboard BOARD            open the leaderboard window on BOARD (needs the API)
//   open_window NAME             open party | friends | market | tournaments | network |
//                                leaderboard | inventory
//   befriend NAME                ask the character NAME to be friends (friends window) and wait
//                                until the request (or friendship) is in the list
//   item VERB ITEM               equip | unequip | use the item ITEM (content id) of the bag and
//                                wait until the zone answers; a refusal fails the script
//   drop_connection [TIMEOUT]    cut the zone connection; wait until the session resumed
//   travel ZONE SHOT [TIMEOUT]   walk (shortest tile route) onto the nearest portal to ZONE, save
//                                the loading screen as SHOT.bmp, wait until in the world in ZONE
//                                (default TIMEOUT: 60)
//   tournament ID [TIMEOUT]      queue for tournament ID (tournament window), wait until in its
//                                arena, attack the nearest other player until the match is
//                                over, wait until back in the world (default TIMEOUT: 120)
//   chat CHANNEL WORDS...        send WORDS as one line on say | party | world and wait (15 s)
//                                until the zone delivers it back to us
//   screenshot NAME              save the current frame as NAME.bmp in --screenshot-dir
//   quit                         exit with status 0 (also implied at the end of the script)
// Timeouts and durations are seconds (decimals allowed). Default TIMEOUT: 15.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omega::client {

enum class ScriptCommand {
  login,
  character,
  delete_character,
  dev_character,
  enter_world,
  wait,
  walk,
  attack,
  expect_entities,
  leaderboard,
  open_window,
  befriend,
  item,
  drop_connection,
  travel,
  tournament,
  chat,
  screenshot,
  quit,
};

const char* to_string(ScriptCommand command);

// Default wait for commands with an optional TIMEOUT.
inline constexpr double kDefaultScriptTimeoutSeconds = 15.0;
// Default for `travel`: the walk to a portal across a hub takes most of it.
inline constexpr double kDefaultTravelTimeoutSeconds = 60.0;
// Default for `tournament`: matchmaking, the arena's start and a fight to the end.
inline constexpr double kDefaultTournamentTimeoutSeconds = 120.0;
// Longest duration or timeout a script may ask for: a typo like "wait 6000" should fail the
// parse, not hang a test run for hours.
inline constexpr double kMaxScriptSeconds = 600.0;

struct ScriptStep {
  ScriptCommand command = ScriptCommand::quit;
  int line = 0;                    // 1-based line in the script, for messages
  std::vector<std::string> words;  // string arguments (user, password, names, class, board, zone)
  double seconds = 0.0;            // duration or timeout
  double number = 0.0;  // walk: direction in degrees; expect_entities / dev_character: count / id
};

struct ScriptParseResult {
  std::vector<ScriptStep> steps;
  std::string error;  // "<source>:<line>: <what>" when the script is malformed
  bool ok() const { return error.empty(); }
};

ScriptParseResult parse_autoplay_script(std::string_view text, std::string_view source);
ScriptParseResult load_autoplay_script(const std::string& path);

// "north" → 270, "east" → 0, "southwest" → 135, "45" → 45; nullopt for anything else.
std::optional<double> parse_direction_degrees(std::string_view word);

}  // namespace omega::client
