// The inventory window (inventory_panel.hpp).
#include "client/inventory_panel.hpp"

#include <imgui.h>

#include <algorithm>

#include "client/zone_session.hpp"

namespace omega::client {

bool InventoryPanel::item_action(protocol::ItemVerb verb, const std::string& item_id) {
  const ContentCatalog& content = host_.content();
  ZoneSession* session = host_.session();
  const ItemInfo* info = content.find_item(item_id);
  if (!session || info == nullptr) return false;
  const auto index = static_cast<uint16_t>(info - content.items().data());
  return session->send_item_action(verb, index, host_.now());
}

void InventoryPanel::use_potion(bool mana) {
  ZoneSession* session = host_.session();
  if (!session || !session->inventory()) return;
  const uint16_t first = host_.content().potions(session->inventory()->stacks, mana).first;
  if (first != protocol::kNoItem)
    session->send_item_action(protocol::ItemVerb::use, first, host_.now());
}

void InventoryPanel::draw() {
  if (!shown_) return;
  const ContentCatalog& content = host_.content();
  ZoneSession* session = host_.session();
  ImGui::SetNextWindowSize({400, 330}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos({760, 120}, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Inventory", &shown_)) {
    ImGui::End();
    return;
  }
  const std::optional<protocol::Inventory>& bag = session ? session->inventory() : std::nullopt;
  if (!bag) {
    ImGui::TextDisabled("The zone has not sent the bag yet.");
    ImGui::End();
    return;
  }
  ImGui::Text("Gold: %u", bag->gold);
  auto worn = [&bag](uint16_t item) {
    for (uint16_t e : bag->equipped)
      if (e == item) return true;
    return false;
  };
  if (ImGui::BeginTable("bag", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, {0, 190})) {
    ImGui::TableSetupColumn("Item");
    ImGui::TableSetupColumn("Qty", ImGuiTableColumnFlags_WidthFixed, 32);
    ImGui::TableSetupColumn("Does");
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 96);
    ImGui::TableHeadersRow();
    int row = 0;
    for (const protocol::InventoryStack& stack : bag->stacks) {
      const ItemInfo* info = content.item(stack.item);
      const bool wearing = worn(stack.item);
      ImGui::PushID(row++);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string name = content.item_name(stack.item);
      if (wearing)
        ImGui::TextColored({0.6f, 0.9f, 1.0f, 1.0f}, "%s (worn)", name.c_str());
      else
        ImGui::TextUnformatted(name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%u", stack.quantity);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", info ? info->summary.c_str() : "");
      ImGui::TableNextColumn();
      if (info && info->equipment()) {
        if (wearing ? ImGui::SmallButton("Take off") : ImGui::SmallButton("Equip"))
          session->send_item_action(
              wearing ? protocol::ItemVerb::unequip : protocol::ItemVerb::equip, stack.item,
              host_.now());
      } else if (info && info->consumable()) {
        if (ImGui::SmallButton("Use"))
          session->send_item_action(protocol::ItemVerb::use, stack.item, host_.now());
      }
      if (!wearing && host_.signed_in()) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Sell")) {
          sell_item_ = stack.item;
          sell_quantity_ = 1;
          sell_price_ = std::max(1, info ? info->value : 1);
        }
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (bag->stacks.empty()) ImGui::TextDisabled("Nothing carried.");
  if (sell_item_ >= 0) {
    const ItemInfo* info = content.item(static_cast<uint16_t>(sell_item_));
    ImGui::Separator();
    ImGui::Text("Sell %s", content.item_name(static_cast<uint16_t>(sell_item_)).c_str());
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("Qty", &sell_quantity_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("Gold each", &sell_price_);
    sell_quantity_ = std::max(1, sell_quantity_);
    sell_price_ = std::max(1, sell_price_);
    ImGui::SameLine();
    if (ImGui::SmallButton("List") && info) {
      market_.sell(info->id, sell_quantity_, sell_price_);
      sell_item_ = -1;
    }
  }
  market_.draw_notes();
  ImGui::End();
}

}  // namespace omega::client
