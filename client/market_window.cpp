// The trading-post window: search the active listings by item name (cheapest first), buy one
// as the selected character (GET /v1/market/listings, POST /v1/market/listings/{id}/buy), and
// cancel the character's own (DELETE /v1/market/listings/{id}). Selling starts in the
// inventory window.
#include <imgui.h>

#include <cctype>
#include <random>

#include "client/app.hpp"

namespace omega::client {

// One key per click: a retried request (refreshed token) reuses it, so the API applies the
// purchase (listing, cancel) at most once; a second click is a second purchase.
std::string App::new_idempotency_key(const std::string& what) {
  static std::mt19937_64 generator{std::random_device{}()};
  return "client-" + what + "-" + std::to_string(generator());
}

void App::draw_market_notes() {
  if (!market_info_.empty())
    ImGui::TextColored({0.6f, 1.0f, 0.6f, 1.0f}, "%s", market_info_.c_str());
  if (!market_error_.empty())
    ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", market_error_.c_str());
}

void App::search_market(const std::string& item_name) {
  market_query_ = item_name;
  market_error_.clear();
  std::string target = "/v1/market/listings?limit=20&sort=price";
  if (!item_name.empty()) target += "&q=";
  for (const char c : item_name) target += c == ' ' ? std::string("%20") : std::string(1, c);
  submit(Call::market_search, {"GET", target, "", ""});
}

void App::buy_listing(int64_t listing_id) {
  market_error_.clear();
  market_info_.clear();
  HttpRequestSpec request{"POST", "/v1/market/listings/" + std::to_string(listing_id) + "/buy",
                          party_member_body(selected_character_), ""};
  request.idempotency_key = new_idempotency_key("buy-" + std::to_string(listing_id));
  submit(Call::market_buy, std::move(request));
}

void App::draw_market_window() {
  if (!begin_account_window("Market", &show_market_, {420, 340}, {760, 120},
                            "The market needs an account (the API)."))
    return;
  if (!market_loaded_ && market_error_.empty() && !busy()) search_market("");
  // Item names are letters, digits and spaces: anything else would need more URL escaping
  // than spaces, and matches nothing anyway.
  ImGui::InputText("Item name", market_filter_, sizeof market_filter_);
  ImGui::SameLine();
  if (ImGui::Button("Search")) {
    std::string filter;
    for (const char* c = market_filter_; *c; ++c)
      if (std::isalnum(static_cast<unsigned char>(*c)) || *c == ' ') filter += *c;
    search_market(filter);
  }
  if (ImGui::BeginTable("listings", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, {0, 220})) {
    ImGui::TableSetupColumn("Item");
    ImGui::TableSetupColumn("Seller");
    ImGui::TableSetupColumn("Qty");
    ImGui::TableSetupColumn("Price");
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (const auto& listing : market_listings_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(item_display_name(listing.item_id).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(listing.seller_name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(listing.quantity));
      ImGui::TableNextColumn();
      ImGui::Text("%lld g", static_cast<long long>(listing.price));
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(listing.id));
      if (listing.seller_id == selected_character_) {
        if (ImGui::SmallButton("Cancel")) cancel_listing(listing.id);
      } else if (ImGui::SmallButton("Buy")) {
        buy_listing(listing.id);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (market_loaded_ && market_listings_.empty()) ImGui::TextDisabled("Nothing for sale.");
  draw_market_notes();
  ImGui::End();
}

}  // namespace omega::client
