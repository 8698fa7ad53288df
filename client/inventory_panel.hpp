// The inventory window (I): the bag as the zone last sent it (Inventory, protocol 3) with names,
// counts and what each item does from content/items.json; equip, take off and use go to the
// zone, which applies or refuses them (the refusal shows in the combat log). Unworn items can be
// listed on the trading post from here (through the market panel, whose window cancels them).
// The hotbar's Q and E drink the first health or mana potion carried (use_potion).
//
// Thread safety: render thread only.
#pragma once

#include <string>

#include "client/market_panel.hpp"
#include "client/panel_host.hpp"
#include "protocol/messages.hpp"

namespace omega::client {

class InventoryPanel {
 public:
  InventoryPanel(PanelHost& host, MarketPanel& market) : host_(host), market_(market) {}
  InventoryPanel(const InventoryPanel&) = delete;
  InventoryPanel& operator=(const InventoryPanel&) = delete;

  void open() { shown_ = true; }
  void toggle() { shown_ = !shown_; }
  void draw();

  // Equips, takes off or uses an item of the bag; false without a session or for an unknown
  // item.
  bool item_action(protocol::ItemVerb verb, const std::string& item_id);
  // Drinks the first potion in the bag that gives back hp (`mana` false) or mana.
  void use_potion(bool mana);

 private:
  PanelHost& host_;
  MarketPanel& market_;  // selling lists on it, and its notes say how that went
  bool shown_ = false;
  int sell_item_ = -1;  // content index of the item the sell form is for, -1 = none
  int sell_quantity_ = 1;
  int sell_price_ = 1;
};

}  // namespace omega::client
