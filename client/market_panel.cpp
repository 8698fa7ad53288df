// The trading-post window (market_panel.hpp).
#include "client/market_panel.hpp"

#include <imgui.h>

#include <cctype>
#include <random>

namespace omega::client {

namespace {

// One key per click: a retried request (refreshed token) reuses it, so the API applies the
// purchase (listing, cancel) at most once; a second click is a second purchase.
std::string new_idempotency_key(const std::string& what) {
  static std::mt19937_64 generator{std::random_device{}()};
  return "client-" + what + "-" + std::to_string(generator());
}

std::string item_display_name(const ContentCatalog& content, const std::string& item_id) {
  const ItemInfo* info = content.find_item(item_id);
  return info ? info->name : item_id;
}

}  // namespace

void MarketPanel::draw_notes() const {
  if (!info_.empty()) ImGui::TextColored({0.6f, 1.0f, 0.6f, 1.0f}, "%s", info_.c_str());
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
}

void MarketPanel::search(const std::string& item_name) {
  query_ = item_name;
  error_.clear();
  std::string target = "/v1/market/listings?limit=20&sort=price";
  if (!item_name.empty()) target += "&q=";
  for (const char c : item_name) target += c == ' ' ? std::string("%20") : std::string(1, c);
  host_.call_api({"GET", target, "", ""}, [this](const ApiAnswer& answer) {
    if (!answer.ok()) {
      error_ = answer.failure;
    } else if (auto listings = parse_market_listings(answer.body)) {
      listings_ = std::move(*listings);
      loaded_ = true;
      error_.clear();
    } else {
      error_ = "the market's answer is not understood";
    }
  });
}

void MarketPanel::take_trade(const ApiAnswer& answer, const char* done, const char* refused) {
  if (answer.ok()) {
    info_ = done;
    search(query_);
  } else {
    error_ = refused + answer.failure;
  }
}

void MarketPanel::buy(int64_t listing_id) {
  error_.clear();
  info_.clear();
  HttpRequestSpec request{"POST", "/v1/market/listings/" + std::to_string(listing_id) + "/buy",
                          party_member_body(host_.character_id()), ""};
  request.idempotency_key = new_idempotency_key("buy-" + std::to_string(listing_id));
  host_.call_api(std::move(request), [this](const ApiAnswer& answer) {
    take_trade(answer, "Bought: the items are in your inventory.", "Cannot buy: ");
  });
}

void MarketPanel::sell(const std::string& item_id, int64_t quantity, int64_t price) {
  error_.clear();
  info_.clear();
  HttpRequestSpec request{"POST", "/v1/market/listings",
                          listing_body(host_.character_id(), item_id, quantity, price), ""};
  request.idempotency_key = new_idempotency_key("sell");
  host_.call_api(std::move(request), [this](const ApiAnswer& answer) {
    take_trade(answer, "Listed: the items wait on the trading post (cancel in the market).",
               "Cannot list: ");
  });
}

void MarketPanel::cancel(int64_t listing_id) {
  error_.clear();
  info_.clear();
  HttpRequestSpec request{"DELETE", "/v1/market/listings/" + std::to_string(listing_id),
                          party_member_body(host_.character_id()), ""};
  request.idempotency_key = new_idempotency_key("cancel");
  host_.call_api(std::move(request), [this](const ApiAnswer& answer) {
    take_trade(answer, "Cancelled: the items are back in your bag.", "Cannot cancel: ");
  });
}

void MarketPanel::draw() {
  if (!shown_) return;
  if (!begin_account_window(host_, "Market", &shown_, {420, 340}, {760, 120},
                            "The market needs an account (the API)."))
    return;
  if (!loaded_ && error_.empty() && !host_.busy()) search("");
  // Item names are letters, digits and spaces: anything else would need more URL escaping
  // than spaces, and matches nothing anyway.
  ImGui::InputText("Item name", filter_, sizeof filter_);
  ImGui::SameLine();
  if (ImGui::Button("Search")) {
    std::string filter;
    for (const char* c = filter_; *c; ++c)
      if (std::isalnum(static_cast<unsigned char>(*c)) || *c == ' ') filter += *c;
    search(filter);
  }
  if (ImGui::BeginTable("listings", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, {0, 220})) {
    ImGui::TableSetupColumn("Item");
    ImGui::TableSetupColumn("Seller");
    ImGui::TableSetupColumn("Qty");
    ImGui::TableSetupColumn("Price");
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (const auto& listing : listings_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(item_display_name(host_.content(), listing.item_id).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(listing.seller_name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(listing.quantity));
      ImGui::TableNextColumn();
      ImGui::Text("%lld g", static_cast<long long>(listing.price));
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(listing.id));
      if (listing.seller_id == host_.character_id()) {
        if (ImGui::SmallButton("Cancel")) cancel(listing.id);
      } else if (ImGui::SmallButton("Buy")) {
        buy(listing.id);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (loaded_ && listings_.empty()) ImGui::TextDisabled("Nothing for sale.");
  draw_notes();
  ImGui::End();
}

}  // namespace omega::client
