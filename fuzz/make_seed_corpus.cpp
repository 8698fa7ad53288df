// Writes the seed corpora in fuzz/corpus/: one file per message type and a few realistic
// snapshot sequences. Run once after a protocol change: build/release/fuzz/make_seed_corpus
#include <filesystem>
#include <fstream>
#include <random>

#include "protocol/snapshot.hpp"
#include "protocol/ticket.hpp"

using namespace omega::protocol;

namespace {

void write(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

template <class Message>
std::vector<uint8_t> encoded(const Message& m) {
  std::vector<uint8_t> bytes;
  encode_message(m, bytes);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  std::filesystem::create_directories(root / "message_decoder");
  std::filesystem::create_directories(root / "snapshot_sequence");
  const auto key = ticket_key_from_seed({});
  JoinTicket ticket{1, 2, "hub_city_1", 3, 4, 5, {}};
  const std::string signed_ticket = sign_ticket(ticket, key);
  GameEvent events;
  events.count = 2;
  events.events[0] = {GameEventType::damage, 1, 2, 30, 1, true};
  events.events[1] = {GameEventType::loot, 0, 2, 1, 77, false};
  const std::vector<std::vector<uint8_t>> messages = {
      encoded(Hello{1, 1, signed_ticket}),
      encoded(Welcome{1, 42, "hub_city_1", 1, 30, 15, 1000}),
      encoded(PlayerInput{9, true, 32, 32, 2, 17}),
      encoded(events),
      encoded(ActionConfirm{9, 2}),
      encoded(ActionReject{9, 2, RejectReason::out_of_range}),
      encoded(Heartbeat{false, 123456}),
      encoded(Transfer{"ws://127.0.0.1:8091/", "forest", signed_ticket}),
      encoded(Kick{KickReason::input_rate, "too many inputs"}),
      std::vector<uint8_t>(signed_ticket.begin(), signed_ticket.end()),
  };
  for (size_t i = 0; i < messages.size(); ++i) {
    write(root / "message_decoder" / ("seed_" + std::to_string(i)), messages[i]);
  }

  std::mt19937 rng(3);
  for (int file = 0; file < 4; ++file) {
    SnapshotEncoder encoder(100);
    std::vector<uint8_t> out{100, 0, 0, 0};
    std::vector<EntityState> world;
    for (uint32_t id = 1; id <= 12; ++id) {
      EntityState e;
      e.id = id * (1 + file);
      e.x = uint16_t(rng() % 4000);
      e.y = uint16_t(rng() % 4000);
      e.hp = e.max_hp = 100;
      e.name.assign("e" + std::to_string(id));
      world.push_back(e);
    }
    for (int snapshot = 0; snapshot < 8; ++snapshot) {
      std::vector<uint8_t> message;
      std::vector<EntityState> enters, updates;
      std::vector<uint32_t> leaves;
      for (auto& e : world) {
        e.x = uint16_t(e.x + rng() % 12);
        if (rng() % 5 == 0) e.hp = rng() % 100;
        if (snapshot == 0)
          enters.push_back(e);
        else if (snapshot == 6 && e.id % 3 == 0)
          leaves.push_back(e.id);
        else if (snapshot < 6 || e.id % 3 != 0)
          updates.push_back(e);
      }
      if (snapshot == 7) updates.clear();
      encoder.encode(
          {uint32_t(100 + 2 * (snapshot + 1)), uint16_t(snapshot), enters, updates, leaves},
          message);
      out.push_back(uint8_t(message.size()));
      out.push_back(uint8_t(message.size() >> 8));
      out.insert(out.end(), message.begin(), message.end());
      if (snapshot == 6)
        world.erase(
            std::remove_if(world.begin(), world.end(), [](auto& e) { return e.id % 3 == 0; }),
            world.end());
    }
    write(root / "snapshot_sequence" / ("seed_" + std::to_string(file)), out);
  }
  return 0;
}
