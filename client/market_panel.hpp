// The trading-post window (M): search the active listings by item name (cheapest first), buy one
// as the selected character (GET /v1/market/listings, POST /v1/market/listings/{id}/buy), and
// cancel the character's own (DELETE /v1/market/listings/{id}). Selling starts in the
// inventory window (inventory_panel.hpp), which shows the answer through draw_notes().
//
// Thread safety: render thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/panel_host.hpp"

namespace omega::client {

class MarketPanel {
 public:
  explicit MarketPanel(PanelHost& host) : host_(host) {}
  MarketPanel(const MarketPanel&) = delete;
  MarketPanel& operator=(const MarketPanel&) = delete;

  void open() { shown_ = true; }
  void toggle() { shown_ = !shown_; }
  void draw();
  // The answer to the last buy, listing or cancel (market and inventory windows).
  void draw_notes() const;

  // `item_name` empty: every listing.
  void search(const std::string& item_name);
  void buy(int64_t listing_id);
  // Lists `quantity` of `item_id` (from the bag's unworn stacks) at `price` gold each, or
  // cancels one of the selected character's own listings (the items come back to the bag).
  void sell(const std::string& item_id, int64_t quantity, int64_t price);
  void cancel(int64_t listing_id);

 private:
  // A buy, listing or cancel answered: say so, and search again on success.
  void take_trade(const ApiAnswer& answer, const char* done, const char* refused);

  PanelHost& host_;
  bool shown_ = false;
  std::vector<MarketListing> listings_;
  bool loaded_ = false;
  std::string error_, info_;
  std::string query_;  // item name text of the last search, empty for all
  char filter_[48] = "";
};

}  // namespace omega::client
