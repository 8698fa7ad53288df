#include "game/combat_content.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace omega::game {
namespace {

using nlohmann::json;

// Stats fit the protocol's kMaxStat (2^20 - 1); content above it is an authoring error.
constexpr uint32_t kMaxContentStat = (1u << 20) - 1;
// Levels replicate as 1..255; the curve table is sized by max_level.
constexpr uint32_t kMaxLevel = 255;

json read(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  try {
    return json::parse(file);
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

uint32_t ms_to_ticks(double ms, uint32_t tick_hz) {
  if (ms <= 0) return 0;
  return static_cast<uint32_t>(std::ceil(ms * tick_hz / 1000.0 - 1e-9));
}

uint32_t stat(const json& j, const char* key, uint32_t fallback = 0) {
  const int64_t v = j.value(key, static_cast<int64_t>(fallback));
  if (v < 0 || v > kMaxContentStat) throw std::runtime_error(std::string("bad stat ") + key);
  return static_cast<uint32_t>(v);
}

Stats read_stats(const json& j) {
  Stats s;
  s.max_hp = stat(j, "max_hp", 0);
  s.max_mana = stat(j, "max_mp", 0);
  s.strength = stat(j, "strength");
  s.dexterity = stat(j, "dexterity");
  s.intelligence = stat(j, "intelligence");
  s.armor = stat(j, "armor");
  return s;
}

Attribute read_attribute(const json& j) {
  const std::string text = j.value("scaling", "");
  if (text == "strength") return Attribute::strength;
  if (text == "dexterity") return Attribute::dexterity;
  if (text == "intelligence") return Attribute::intelligence;
  if (text.empty()) return Attribute::none;
  throw std::runtime_error("unknown scaling " + text);
}

StatusApplication read_status(const json& j, uint32_t tick_hz) {
  StatusApplication s;
  if (!j.is_object()) return s;
  if (!parse_status_effect(j.at("id").get<std::string>(), s.effect))
    throw std::runtime_error("unknown status effect " + j.at("id").get<std::string>());
  s.present = true;
  s.duration_ticks = std::max<uint32_t>(1, ms_to_ticks(j.at("duration_ms").get<double>(), tick_hz));
  s.chance_percent = std::min<uint32_t>(100, stat(j, "chance_percent", 100));
  return s;
}

void read_damage(const json& j, AbilityDefinition& a) {
  if (!j.contains("damage")) return;
  const auto& d = j.at("damage");
  a.damage_min = d.at(0).get<uint32_t>();
  a.damage_max = d.at(1).get<uint32_t>();
  if (a.damage_min > a.damage_max || a.damage_max > kMaxContentStat)
    throw std::runtime_error("bad damage range in " + a.id);
}

AbilityDefinition read_ability(const json& j, uint32_t tick_hz) {
  AbilityDefinition a;
  a.id = j.value("id", "");
  const std::string target = j.value("target", "enemy");
  if (target == "enemy")
    a.target = AbilityTarget::enemy;
  else if (target == "self")
    a.target = AbilityTarget::self;
  else if (target == "area")
    a.target = AbilityTarget::area;
  else
    throw std::runtime_error("ability " + a.id + ": unknown target " + target);
  a.range = j.value("range", 0.0f);
  a.radius = j.value("radius", 0.0f);
  a.cooldown_ticks = ms_to_ticks(j.value("cooldown_ms", 0.0), tick_hz);
  a.cast_ticks = ms_to_ticks(j.value("cast_ms", 0.0), tick_hz);
  a.mana_cost = stat(j, "mp_cost");
  a.heal = stat(j, "heal");
  a.scaling = read_attribute(j);
  read_damage(j, a);
  a.status = read_status(j.value("status", json()), tick_hz);
  if (a.target == AbilityTarget::enemy && !(a.range > 0.0f))
    throw std::runtime_error("ability " + a.id + " targets an enemy without a range");
  if (a.target == AbilityTarget::area && !(a.radius > 0.0f))
    throw std::runtime_error("area ability " + a.id + " without a radius");
  return a;
}

void load_progression(const json& j, uint32_t tick_hz, Progression& p) {
  const uint32_t max_level = stat(j, "max_level", 30);
  if (max_level < 2 || max_level > kMaxLevel) throw std::runtime_error("bad max_level");
  p.max_level = static_cast<uint8_t>(max_level);
  const auto& curve = j.at("xp_curve");
  const double base = curve.at("base").get<double>();
  const double growth = curve.at("growth_percent").get<double>() / 100.0;
  p.xp_to_next.assign(max_level + 1, 0);
  for (uint32_t level = 1; level < max_level; ++level)
    p.xp_to_next[level] = static_cast<uint32_t>(
        std::min(double(kMaxContentStat), std::floor(base * std::pow(growth, level - 1.0))));
  const auto& kill = j.value("kill_xp", json::object());
  p.penalty_percent_per_level_above = stat(kill, "penalty_percent_per_level_above", 10);
  p.bonus_percent_per_level_below = stat(kill, "bonus_percent_per_level_below", 5);
  p.min_kill_percent = stat(kill, "min_percent", 10);
  const uint32_t mana_per_second = std::max<uint32_t>(1, stat(j, "mana_regen_per_second", 1));
  p.mana_regen_interval_ticks = std::max<uint32_t>(1, tick_hz / mana_per_second);
  p.player_respawn_ticks = ms_to_ticks(j.value("player_respawn_ms", 5000.0), tick_hz);
  const uint32_t regen_per_second = std::max<uint32_t>(1, stat(j, "regen_heal_per_second", 6));
  p.regen_interval_ticks = std::max<uint32_t>(1, tick_hz / regen_per_second);
}

template <class T>
const T* find_by_id(const std::vector<T>& list, std::string_view id) {
  for (const auto& entry : list)
    if (entry.id == id) return &entry;
  return nullptr;
}

}  // namespace

const char* to_string(StatusEffect effect) {
  switch (effect) {
    case StatusEffect::haste:
      return "haste";
    case StatusEffect::slow:
      return "slow";
    case StatusEffect::stun:
      return "stun";
    case StatusEffect::regen:
      return "regen";
  }
  return "?";
}

bool parse_status_effect(std::string_view text, StatusEffect& out) {
  for (int i = 0; i < kStatusEffectCount; ++i) {
    if (text == to_string(static_cast<StatusEffect>(i))) {
      out = static_cast<StatusEffect>(i);
      return true;
    }
  }
  return false;
}

const char* to_string(ItemSlot slot) {
  switch (slot) {
    case ItemSlot::weapon:
      return "weapon";
    case ItemSlot::chest:
      return "chest";
    case ItemSlot::head:
      return "head";
    case ItemSlot::consumable:
      return "consumable";
    case ItemSlot::material:
      return "material";
  }
  return "?";
}

bool parse_item_slot(std::string_view text, ItemSlot& out) {
  for (ItemSlot slot : {ItemSlot::weapon, ItemSlot::chest, ItemSlot::head, ItemSlot::consumable,
                        ItemSlot::material}) {
    if (text == to_string(slot)) {
      out = slot;
      return true;
    }
  }
  return false;
}

bool CombatContent::load(const std::string& dir, uint32_t tick_hz, std::string& error) {
  *this = CombatContent{};
  try {
    const json items_doc = read(dir + "/items.json");
    for (const auto& j : items_doc.at("items")) {
      ItemDefinition item;
      item.id = j.at("id").get<std::string>();
      item.index = static_cast<uint16_t>(items.size());
      item.stack = std::max<uint32_t>(1, stat(j, "stack", 1));
      item.name = j.value("name", item.id);
      if (!parse_item_slot(j.value("slot", "material"), item.slot))
        throw std::runtime_error("item " + item.id + ": unknown slot");
      item.bonus = read_stats(j);
      if (const auto damage = j.find("damage"); damage != j.end()) {
        if (!damage->is_array() || damage->size() != 2)
          throw std::runtime_error("item " + item.id + ": damage must be [min, max]");
        item.damage_min = damage->at(0).get<uint32_t>();
        item.damage_max = std::max(item.damage_min, damage->at(1).get<uint32_t>());
      }
      item.heal = stat(j, "heal");
      item.restore_mana = stat(j, "restore_mp");
      if (item.equipment() && item.stack != 1)
        throw std::runtime_error("item " + item.id + ": equipment does not stack");
      items.push_back(std::move(item));
    }
    const json abilities_doc = read(dir + "/abilities.json");
    for (const auto& j : abilities_doc.at("abilities")) {
      AbilityDefinition a = read_ability(j, tick_hz);
      a.index = static_cast<uint16_t>(abilities.size());
      abilities.push_back(std::move(a));
    }
    const json classes_doc = read(dir + "/classes.json");
    for (const auto& j : classes_doc.at("classes")) {
      ClassDefinition c;
      c.id = j.at("id").get<std::string>();
      c.index = static_cast<uint16_t>(classes.size());
      c.base = read_stats(j.at("stats"));
      c.growth = read_stats(j.value("growth", json::object()));
      c.move_speed = j.at("stats").value("move_speed", 5.0f);
      json attack =
          j.value("attack", json{{"damage", {2, 4}}, {"range", 1.5}, {"cooldown_ms", 1000}});
      attack["id"] = c.id + ".attack";
      attack["target"] = "enemy";
      c.attack = read_ability(attack, tick_hz);
      c.attack.index = 0xffff;  // not an ability of abilities.json
      for (const auto& id : j.at("abilities")) {
        const AbilityDefinition* a = find_ability(id.get<std::string>());
        if (a == nullptr)
          throw std::runtime_error("class " + c.id + ": unknown ability " + id.dump());
        c.abilities.push_back(a->index);
      }
      if (c.abilities.size() + 1 > 15)
        throw std::runtime_error("class " + c.id + ": too many abilities");
      classes.push_back(std::move(c));
    }
    const json monsters_doc = read(dir + "/monsters.json");
    for (const auto& j : monsters_doc.at("loot_tables")) {
      LootTable t;
      t.id = j.at("id").get<std::string>();
      if (j.contains("gold")) {
        t.gold_min = j.at("gold").at(0).get<uint32_t>();
        t.gold_max = j.at("gold").at(1).get<uint32_t>();
      }
      for (const auto& d : j.value("drops", json::array())) {
        const ItemDefinition* item = find_by_id(items, d.at("item").get<std::string>());
        if (item == nullptr)
          throw std::runtime_error("loot " + t.id + ": unknown item " + d.at("item").dump());
        LootDrop drop{item->index, std::min<uint32_t>(100, stat(d, "chance_percent")), 1, 1};
        if (d.contains("quantity")) {
          drop.quantity_min = d.at("quantity").at(0).get<uint32_t>();
          drop.quantity_max = d.at("quantity").at(1).get<uint32_t>();
        }
        t.drops.push_back(drop);
      }
      loot_tables.push_back(std::move(t));
    }
    for (const auto& j : monsters_doc.at("monsters")) {
      MonsterDefinition m;
      m.id = j.at("id").get<std::string>();
      m.name = j.value("name", m.id);
      m.index = static_cast<uint16_t>(monsters.size());
      const uint32_t level = stat(j, "level", 1);
      m.level = static_cast<uint8_t>(std::clamp<uint32_t>(level, 1, kMaxLevel));
      m.boss = j.value("boss", false);
      m.stats = read_stats(j);
      json attack{{"id", m.id + ".attack"},
                  {"target", "enemy"},
                  {"damage", j.at("damage")},
                  {"range", j.value("attack_range", 1.5)},
                  {"cooldown_ms", j.value("attack_cooldown_ms", 1500)}};
      if (j.contains("on_hit")) attack["status"] = j.at("on_hit");
      m.attack = read_ability(attack, tick_hz);
      m.attack.index = 0xffff;
      m.speed = j.value("speed", 4.0f);
      m.aggro_radius = j.value("aggro_radius", 6.0f);
      m.leash_radius = j.value("leash_radius", 18.0f);
      m.xp = stat(j, "xp");
      m.respawn_ticks = std::max<uint32_t>(1, ms_to_ticks(j.value("respawn_ms", 30000.0), tick_hz));
      const LootTable* loot = find_by_id(loot_tables, j.value("loot", ""));
      if (loot == nullptr) throw std::runtime_error("monster " + m.id + ": unknown loot table");
      m.loot_table = static_cast<uint16_t>(loot - loot_tables.data());
      monsters.push_back(std::move(m));
    }
    for (const auto& j : monsters_doc.at("spawn_tables")) {
      ZoneSpawnTable t;
      t.zone = j.at("zone").get<std::string>();
      t.safe_radius = j.value("safe_radius", 0.0f);
      for (const auto& s : j.at("spawns")) {
        const MonsterDefinition* m = find_monster(s.at("monster").get<std::string>());
        if (m == nullptr)
          throw std::runtime_error("spawns of " + t.zone + ": unknown monster " +
                                   s.at("monster").dump());
        t.spawns.push_back({m->index, stat(s, "count")});
      }
      spawn_tables.push_back(std::move(t));
    }
    load_progression(read(dir + "/progression.json"), tick_hz, progression);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  return true;
}

const ClassDefinition* CombatContent::find_class(std::string_view id) const {
  return find_by_id(classes, id);
}
const MonsterDefinition* CombatContent::find_monster(std::string_view id) const {
  return find_by_id(monsters, id);
}
const AbilityDefinition* CombatContent::find_ability(std::string_view id) const {
  return find_by_id(abilities, id);
}
const ItemDefinition* CombatContent::find_item(std::string_view id) const {
  return find_by_id(items, id);
}

const ZoneSpawnTable* CombatContent::spawn_table(std::string_view zone) const {
  for (const auto& t : spawn_tables)
    if (t.zone == zone) return &t;
  return nullptr;
}

const AbilityDefinition* CombatContent::action(const ClassDefinition& cls, uint8_t slot) const {
  if (slot == 1) return &cls.attack;
  if (slot < 2 || static_cast<size_t>(slot - 2) >= cls.abilities.size()) return nullptr;
  return &abilities[cls.abilities[slot - 2]];
}

}  // namespace omega::game
