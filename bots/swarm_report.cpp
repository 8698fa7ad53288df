#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "bots/swarm.hpp"

namespace omega::bots {

namespace {

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

nlohmann::json percentiles_ms(const LatencyHistogram& h) {
  return {{"p50", round3(h.quantile(0.50) / 1000.0)},
          {"p95", round3(h.quantile(0.95) / 1000.0)},
          {"p99", round3(h.quantile(0.99) / 1000.0)},
          {"max", round3(double(h.max()) / 1000.0)},
          {"samples", h.count()}};
}

}  // namespace

std::string report_json(const SwarmReport& r, bool per_bot) {
  nlohmann::json j;
  const double bot_s = r.bot_seconds > 0.0 ? r.bot_seconds : 1.0;
  j["bots"] = r.bots;
  j["welcomed"] = r.welcomed;
  j["join_seconds"] = round3(r.join_seconds);
  j["window_seconds"] = round3(r.window_seconds);
  j["bot_seconds"] = round3(r.bot_seconds);
  j["down_bytes_per_bot_s"] = round3(double(r.bytes_down) / bot_s);
  j["up_bytes_per_bot_s"] = round3(double(r.bytes_up) / bot_s);
  j["down_messages_per_bot_s"] = round3(double(r.messages_down) / bot_s);
  j["up_messages_per_bot_s"] = round3(double(r.messages_up) / bot_s);
  j["snapshot_hz_per_bot"] = round3(double(r.window_snapshots) / bot_s);
  double min_rate = -1.0;
  uint64_t reconnects = 0, same_entity = 0;
  double max_speed = 0.0;
  for (const BotResult& b : r.per_bot) {
    // Bots connected for under a second of the window (kicked early) say nothing about rate.
    if (b.window_connected_s >= 1.0) {
      const double rate = double(b.window_snapshots) / b.window_connected_s;
      if (min_rate < 0.0 || rate < min_rate) min_rate = rate;
    }
    if (b.reconnected) ++reconnects;
    if (b.same_entity_after_reconnect) ++same_entity;
    max_speed = std::max(max_speed, b.max_speed_tiles_per_s);
  }
  j["snapshot_hz_min_bot"] = round3(std::max(min_rate, 0.0));
  j["rtt_ms"] = percentiles_ms(r.rtt);
  j["input_ack_ms"] = percentiles_ms(r.input_ack);
  j["chat_sent"] = r.chat_sent;
  j["chat_received"] = r.chat_received;
  j["chat_delivery_ms"] = percentiles_ms(r.chat_delivery);
  uint64_t total = 0;
  nlohmann::json reasons = nlohmann::json::object();
  for (const auto& [reason, count] : r.disconnects) {
    reasons[reason] = count;
    total += count;
  }
  j["disconnects"] = {{"total", total}, {"reasons", reasons}};
  j["decode_errors"] = r.decode_errors;
  j["reconnects"] = {{"attempted", reconnects}, {"same_entity", same_entity}};
  j["max_speed_tiles_per_s"] = round3(max_speed);
  uint64_t transfers = 0, replays = 0;
  for (const BotResult& b : r.per_bot) {
    transfers += b.transfers;
    replays += b.replays;
  }
  j["transfers"] = transfers;
  j["replays"] = replays;
  if (per_bot) {
    nlohmann::json bots = nlohmann::json::array();
    for (size_t i = 0; i < r.per_bot.size(); ++i) {
      const BotResult& b = r.per_bot[i];
      bots.push_back({{"bot", i},
                      {"entity", b.entity},
                      {"first_entity", b.first_entity},
                      {"snapshots", b.snapshots},
                      {"inputs", b.inputs_sent},
                      {"disconnect", b.disconnect},
                      {"reconnected", b.reconnected},
                      {"same_entity_after_reconnect", b.same_entity_after_reconnect},
                      {"max_speed_tiles_per_s", round3(b.max_speed_tiles_per_s)},
                      {"username", b.username},
                      {"character_id", b.character_id},
                      {"party_id", b.party_id},
                      {"visits", b.visits},
                      {"transfers", b.transfers},
                      {"replays", b.replays},
                      {"max_replay_s", round3(b.max_replay_s)},
                      {"route_done", b.route_done},
                      {"gold_earned", b.gold_earned},
                      {"tournament", b.tournament},
                      {"arena_damage_dealt", b.arena_damage_dealt},
                      {"chat_sent", b.chat_sent},
                      {"chat_received", b.chat_received},
                      {"chat_heard", b.chat_heard},
                      {"api_error", b.api_error}});
    }
    j["per_bot"] = std::move(bots);
  }
  return j.dump();
}

}  // namespace omega::bots
