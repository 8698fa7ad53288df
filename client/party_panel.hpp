// The party window (P): create a party, invite by character name, join by party id, leave; the
// members and pending invites as the API last reported them (POST/GET /v1/parties...).
// A party seats its members together: the API's directory sends them to the same instance
// of the next zone they play or travel to.
//
// Thread safety: render thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "client/panel_host.hpp"

namespace omega::client {

class PartyPanel {
 public:
  explicit PartyPanel(PanelHost& host) : host_(host) {}
  PartyPanel(const PartyPanel&) = delete;
  PartyPanel& operator=(const PartyPanel&) = delete;

  void open() { shown_ = true; }
  void toggle() { shown_ = !shown_; }
  void draw();

  // Acting as the selected character.
  void create();
  void invite(const std::string& character_name);
  void join(int64_t party_id);
  void leave();
  void refresh();
  const std::optional<Party>& party() const { return party_; }

 private:
  // POST /v1/parties... answers with the party, or (invite) without it: then read it back.
  void take_party(const ApiAnswer& answer);

  PanelHost& host_;
  bool shown_ = false;
  std::optional<Party> party_;
  std::string error_;
  char invitee_[24] = "";
  char join_id_[24] = "";
};

}  // namespace omega::client
