// The friends window (F): the selected character's friends with their presence (online and in
// which zone), requests both ways, and a name to ask (/v1/characters/{id}/friends...). When a
// friend logs in, the zone says so in the chat box ("Ann is online (forest).").
//
// Thread safety: render thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/panel_host.hpp"

namespace omega::client {

class FriendsPanel {
 public:
  explicit FriendsPanel(PanelHost& host) : host_(host) {}
  FriendsPanel(const FriendsPanel&) = delete;
  FriendsPanel& operator=(const FriendsPanel&) = delete;

  // Shows the window and reads the list.
  void open();
  // Key F: closes the window, or opens it.
  void toggle();
  void draw();

  // Of the selected character; each change reads the list back.
  void refresh();
  void add(const std::string& character_name);
  void accept(int64_t character_id);
  void remove(int64_t character_id);
  const std::vector<FriendEntry>& friends() const { return friends_; }

 private:
  // A request, acceptance or removal answered: the list as the API has it now, refusal or not.
  void take_change(const ApiAnswer& answer);

  PanelHost& host_;
  bool shown_ = false;
  std::vector<FriendEntry> friends_;
  bool loaded_ = false;
  std::string error_;
  char name_[24] = "";
};

}  // namespace omega::client
