#include "zone/chat.hpp"

#include <gtest/gtest.h>

#include "zone/api_json.hpp"

namespace omega::zone {
namespace {

using protocol::ChatChannel;

TEST(ChatLine, RoundTripsThroughItsJson) {
  const ChatLine line{ChatChannel::party, 7, "Aragorn", "", 77, "pull \xe2\x80\x94 now", 1234};
  EXPECT_EQ(parse_chat_line(chat_line_json(line)), line);
  ChatLine whisper{ChatChannel::whisper, 7, "Aragorn", "Boromir", 0, "psst", 1};
  whisper.whisper_id = 0xfedcba9876543211;
  EXPECT_EQ(parse_chat_line(chat_line_json(whisper)), whisper);
  ChatLine receipt = whisper;
  receipt.receipt = true;
  receipt.text.clear();
  EXPECT_EQ(parse_chat_line(chat_line_json(receipt)), receipt);
}

TEST(ChatLine, AReceiptIsAWhisperWithAnIdAndNoText) {
  ChatLine receipt{ChatChannel::whisper, 7, "Aragorn", "Boromir", 0, "", 1};
  receipt.whisper_id = 5;
  receipt.receipt = true;
  EXPECT_TRUE(parse_chat_line(chat_line_json(receipt)));
  auto refused = [](ChatLine l) { return !parse_chat_line(chat_line_json(l)).has_value(); };
  ChatLine l = receipt;
  l.text = "smuggled";
  EXPECT_TRUE(refused(l));
  l = receipt;
  l.whisper_id = 0;
  EXPECT_TRUE(refused(l));
  l = receipt;
  l.channel = ChatChannel::world;
  EXPECT_TRUE(refused(l));
  l = receipt;
  l.receipt = false;  // then it is a whisper, and a whisper has a text
  EXPECT_TRUE(refused(l));
}

TEST(ChatLine, RefusesWhatNoZoneSendsAndNoPlayerMayRead) {
  ChatLine line{ChatChannel::world, 7, "Aragorn", "", 0, "hi", 1};
  EXPECT_TRUE(parse_chat_line(chat_line_json(line)));
  auto refused = [](ChatLine l) { return !parse_chat_line(chat_line_json(l)).has_value(); };
  ChatLine l = line;
  l.channel = ChatChannel::say;  // say never leaves its instance
  EXPECT_TRUE(refused(l));
  l = line;
  l.channel = ChatChannel::system;
  EXPECT_TRUE(refused(l));
  l = line;
  l.text = "two\nlines";
  EXPECT_TRUE(refused(l));
  l = line;
  l.from = "";
  EXPECT_TRUE(refused(l));
  l = line;
  l.channel = ChatChannel::whisper;  // to nobody
  EXPECT_TRUE(refused(l));
  l = line;
  l.channel = ChatChannel::party;  // of no party
  EXPECT_TRUE(refused(l));
  EXPECT_FALSE(parse_chat_line("not json"));
  EXPECT_FALSE(parse_chat_line(R"({"channel":"world","from":"A"})"));
}

TEST(ChatLine, NamesCompareWithoutCase) {
  EXPECT_TRUE(same_name("Aragorn", "aRAGORN"));
  EXPECT_FALSE(same_name("Aragorn", "Aragorn2"));
  EXPECT_FALSE(same_name("Ab", "Ac"));
}

TEST(ChatHistory, KeepsTheLastLinesOldestFirst) {
  ChatHistory history;
  for (int i = 0; i < 25; ++i)
    history.add({ChatChannel::world, 1, "A", "", 0, "line " + std::to_string(i), i});
  ASSERT_EQ(history.lines().size(), ChatHistory::kHistoryLines);
  EXPECT_EQ(history.lines().front().text, "line 5");
  EXPECT_EQ(history.lines().back().text, "line 24");
}

TEST(SocialUpdate, MutesAndPartyChangesParseAndAreNotMarketDeltas) {
  const auto mute = parse_social_update(R"({"kind":"mute","account_id":5,"muted_until":99})");
  ASSERT_TRUE(mute);
  EXPECT_EQ(mute->kind, SocialUpdate::Kind::mute);
  EXPECT_EQ(mute->account_id, 5u);
  EXPECT_EQ(mute->muted_until, 99u);
  const auto party = parse_social_update(R"({"kind":"party","character_id":7,"party_id":0})");
  ASSERT_TRUE(party);
  EXPECT_EQ(party->kind, SocialUpdate::Kind::party);
  EXPECT_EQ(party->character_id, 7u);
  EXPECT_FALSE(parse_social_update(R"({"kind":"party","character_id":7})"));
  const auto notice = parse_social_update(
      R"({"kind":"notice","character_ids":[4,9],"text":"Ann is online (forest)."})");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->kind, SocialUpdate::Kind::notice);
  EXPECT_EQ(notice->character_ids, (std::vector<uint64_t>{4, 9}));
  EXPECT_EQ(notice->text, "Ann is online (forest).");
  EXPECT_FALSE(parse_social_update(R"({"kind":"notice","character_ids":[4],"text":"a\nb"})"));
  EXPECT_FALSE(parse_social_update(R"({"kind":"notice","character_ids":[-1],"text":"a"})"));
  EXPECT_FALSE(parse_social_update(R"({"kind":"notice","text":"a"})"));
  EXPECT_FALSE(parse_social_update(R"({"kind":"dance"})"));
  EXPECT_FALSE(parse_market_delta(R"({"kind":"party","character_id":7,"party_id":3})"));
  EXPECT_FALSE(parse_social_update(R"({"character_id":7,"gold_delta":5})"));
}

TEST(ClaimAnswer, CarriesThePartyAndTheMute) {
  ClaimResult result;
  ASSERT_TRUE(parse_claim(
      R"({"lease_epoch":3,"character":{"name":"Aragorn","party_id":77,"muted_until":1800000000}})",
      result));
  EXPECT_EQ(result.character.party_id, 77u);
  EXPECT_EQ(result.character.muted_until, 1800000000u);
  ClaimResult plain;
  ASSERT_TRUE(parse_claim(
      R"({"lease_epoch":3,"character":{"name":"A","party_id":null,"muted_until":null}})", plain));
  EXPECT_EQ(plain.character.party_id, 0u);
  EXPECT_EQ(plain.character.muted_until, 0u);
}

}  // namespace
}  // namespace omega::zone
