// World: items — equipping and taking off what a player carries, and consumables. What a worn
// item gives is content (game::ItemDefinition); the checks are here, so a client can ask for
// anything and get only what its bag and state allow.
#include <algorithm>

#include "zone/world.hpp"

namespace omega::zone {

using protocol::ItemRefusal;

namespace {

void add_stats(game::Stats& to, const game::Stats& bonus) {
  to.max_hp += bonus.max_hp;
  to.max_mana += bonus.max_mana;
  to.strength += bonus.strength;
  to.dexterity += bonus.dexterity;
  to.intelligence += bonus.intelligence;
  to.armor += bonus.armor;
}

}  // namespace

ItemRefusal World::equip(uint32_t slot, uint16_t item) {
  if (content_ == nullptr || !active(slot) || !is_player(slot) || item >= content_->items.size() ||
      slots_[slot].inventory.count(item) == 0)
    return ItemRefusal::not_carried;
  const game::ItemDefinition& definition = content_->items[item];
  if (!definition.equipment()) return ItemRefusal::not_equipment;
  if (slots_[slot].combatant.dead()) return ItemRefusal::dead;
  slots_[slot].inventory.equipped[static_cast<size_t>(definition.slot)] = item;
  apply_equipment(slot);
  return ItemRefusal::none;
}

ItemRefusal World::unequip(uint32_t slot, uint16_t item) {
  if (content_ == nullptr || !active(slot) || !is_player(slot) || item >= content_->items.size() ||
      !slots_[slot].inventory.wears(item))
    return ItemRefusal::not_equipped;
  if (slots_[slot].combatant.dead()) return ItemRefusal::dead;
  slots_[slot].inventory.equipped[static_cast<size_t>(content_->items[item].slot)] =
      Inventory::kNothing;
  apply_equipment(slot);
  return ItemRefusal::none;
}

ItemRefusal World::use_item(uint32_t slot, uint16_t item) {
  if (content_ == nullptr || !active(slot) || !is_player(slot) || item >= content_->items.size() ||
      slots_[slot].inventory.count(item) == 0)
    return ItemRefusal::not_carried;
  const game::ItemDefinition& definition = content_->items[item];
  if (definition.slot != game::ItemSlot::consumable) return ItemRefusal::not_usable;
  game::Combatant& c = slots_[slot].combatant;
  if (c.dead()) return ItemRefusal::dead;
  if (tick_ < slots_[slot].consumable_ready_tick) return ItemRefusal::on_cooldown;
  const bool heals = definition.heal > 0 && c.hp < c.max_hp;
  const bool restores = definition.restore_mana > 0 && c.mana < c.max_mana;
  if (!heals && !restores) return ItemRefusal::nothing_to_restore;
  slots_[slot].inventory.remove(item, 1);
  slots_[slot].consumable_ready_tick =
      tick_ +
      static_cast<uint32_t>(kConsumableCooldownSeconds * static_cast<float>(settings_.tick_hz));
  if (heals) {
    const uint32_t healed = game::apply_heal(c, definition.heal);
    // The heal names the item (kItemDetail | content index; the player is its source).
    emit(protocol::GameEventType::heal, slot, slot, healed, protocol::kItemDetail | item, slot);
  }
  if (restores) c.mana = std::min(c.max_mana, c.mana + definition.restore_mana);
  refresh_state(slot, states_[slot].move_state == protocol::MoveState::walking);
  return ItemRefusal::none;
}

void World::apply_equipment(uint32_t slot) {
  if (content_ == nullptr || content_->classes.empty() || !is_player(slot)) return;
  game::Combatant& c = slots_[slot].combatant;
  game::Stats stats = game::stats_at_level(content_->classes[slots_[slot].class_index], c.level);
  for (const uint16_t worn : slots_[slot].inventory.equipped)
    if (worn < content_->items.size()) add_stats(stats, content_->items[worn].bonus);
  c.stats = stats;
  c.max_hp = std::max<uint32_t>(1, stats.max_hp);
  c.max_mana = stats.max_mana;
  c.hp = std::min(c.hp, c.max_hp);
  c.mana = std::min(c.mana, c.max_mana);
  refresh_state(slot, states_[slot].move_state == protocol::MoveState::walking);
}

game::DamageBonus World::weapon_bonus(uint32_t slot, const game::AbilityDefinition& ability) const {
  if (!is_player(slot) || &ability != &content_->classes[slots_[slot].class_index].attack)
    return {};
  const uint16_t weapon =
      slots_[slot].inventory.equipped[static_cast<size_t>(game::ItemSlot::weapon)];
  if (weapon >= content_->items.size()) return {};
  return {content_->items[weapon].damage_min, content_->items[weapon].damage_max};
}

}  // namespace omega::zone
