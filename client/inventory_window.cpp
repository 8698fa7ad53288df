// The inventory window (I): the bag as the zone last sent it (Inventory, protocol 3) with names,
// counts and what each item does from content/items.json; equip, take off and use go to the
// zone, which applies or refuses them (the refusal shows in the combat log). Unworn items can be
// listed on the trading post from here (POST /v1/market/listings); the market window cancels
// them. The hotbar's Q and E drink the first health or mana potion carried.
#include <imgui.h>

#include "client/app.hpp"

namespace omega::client {

std::string App::item_display_name(const std::string& item_id) const {
  const ItemInfo* info = content_.find_item(item_id);
  return info ? info->name : item_id;
}

bool App::item_action(protocol::ItemVerb verb, const std::string& item_id) {
  const ItemInfo* info = content_.find_item(item_id);
  if (!session_ || info == nullptr) return false;
  const auto index = static_cast<uint16_t>(info - content_.items().data());
  return session_->send_item_action(verb, index, now_);
}

void App::use_potion(bool mana) {
  if (!session_ || !session_->inventory()) return;
  const uint16_t first = content_.potions(session_->inventory()->stacks, mana).first;
  if (first != protocol::kNoItem) session_->send_item_action(protocol::ItemVerb::use, first, now_);
}

void App::sell_item(const std::string& item_id, int64_t quantity, int64_t price) {
  market_error_.clear();
  market_info_.clear();
  HttpRequestSpec request{"POST", "/v1/market/listings",
                          listing_body(selected_character_, item_id, quantity, price), ""};
  request.idempotency_key = new_idempotency_key("sell");
  submit(Call::market_sell, std::move(request));
}

void App::cancel_listing(int64_t listing_id) {
  market_error_.clear();
  market_info_.clear();
  HttpRequestSpec request{"DELETE", "/v1/market/listings/" + std::to_string(listing_id),
                          party_member_body(selected_character_), ""};
  request.idempotency_key = new_idempotency_key("cancel");
  submit(Call::market_cancel, std::move(request));
}

void App::draw_inventory_window() {
  ImGui::SetNextWindowSize({400, 330}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos({760, 120}, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Inventory", &show_inventory_)) {
    ImGui::End();
    return;
  }
  const std::optional<protocol::Inventory>& bag = session_ ? session_->inventory() : std::nullopt;
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
      const ItemInfo* info = content_.item(stack.item);
      const bool wearing = worn(stack.item);
      ImGui::PushID(row++);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string name = content_.item_name(stack.item);
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
          session_->send_item_action(
              wearing ? protocol::ItemVerb::unequip : protocol::ItemVerb::equip, stack.item, now_);
      } else if (info && info->consumable()) {
        if (ImGui::SmallButton("Use"))
          session_->send_item_action(protocol::ItemVerb::use, stack.item, now_);
      }
      if (!wearing && tokens_) {
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
    const ItemInfo* info = content_.item(static_cast<uint16_t>(sell_item_));
    ImGui::Separator();
    ImGui::Text("Sell %s", content_.item_name(static_cast<uint16_t>(sell_item_)).c_str());
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("Qty", &sell_quantity_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("Gold each", &sell_price_);
    sell_quantity_ = std::max(1, sell_quantity_);
    sell_price_ = std::max(1, sell_price_);
    ImGui::SameLine();
    if (ImGui::SmallButton("List") && info) {
      sell_item(info->id, sell_quantity_, sell_price_);
      sell_item_ = -1;
    }
  }
  draw_market_notes();
  ImGui::End();
}

}  // namespace omega::client
