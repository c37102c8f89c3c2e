// Tests of the "tokenize" stage: nlp::tokenize, the stage wrapper, and the CoNLL-U evaluator.
// Every sentence here was written for these tests (no treebank text).
#include "nlp/tokenizer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "caspian/utf8.h"
#include "eval/segmentation_eval.h"
#include "pipeline/stages.h"

namespace caspian::nlp {
namespace {

struct Tokenized {
  std::string text;
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;

  std::string_view token(size_t i) const {
    return std::string_view(text).substr(tokens.at(i).span.begin, tokens.at(i).span.size());
  }
  std::vector<std::string> words() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < tokens.size(); ++i) out.emplace_back(token(i));
    return out;
  }
  std::string_view sentence(size_t i) const {
    return std::string_view(text).substr(sentences.at(i).span.begin, sentences.at(i).span.size());
  }
  std::vector<std::string> sentence_texts() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < sentences.size(); ++i) out.emplace_back(sentence(i));
    return out;
  }
  // Index of the first token equal to `s`, or -1.
  int find(std::string_view s) const {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (token(i) == s) return static_cast<int>(i);
    }
    return -1;
  }
  TokenKind kind_of(std::string_view s) const {
    const int i = find(s);
    return i < 0 ? TokenKind::kOther : tokens[static_cast<size_t>(i)].kind;
  }
};

Tokenized run(std::string text) {
  Tokenized t;
  t.text = std::move(text);
  tokenize(t.text, t.tokens, t.sentences);
  return t;
}

using Strings = std::vector<std::string>;

// An independent oracle: Unicode's White_Space property (PropList.txt), plus the invisible
// separators the tokenizer also treats as spaces (U+180E, U+200B, U+FEFF).
bool is_separator(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0x180E || cp == 0x200B || cp == 0xFEFF;
}

// Checks every guarantee of tokenize() on `text`, starting from non-empty output vectors so
// that appending is exercised too.
void expect_invariants(const std::string& text) {
  SCOPED_TRACE(::testing::Message() << "text: " << ::testing::PrintToString(text));
  std::vector<Token> tokens(2);
  std::vector<Sentence> sentences(1);
  const size_t first_token = tokens.size();
  const size_t first_sentence = sentences.size();
  tokenize(text, tokens, sentences);

  // Which bytes are separators (for valid UTF-8; invalid bytes are never separators).
  std::vector<bool> space(text.size(), false);
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const char32_t cp = utf8::decode(text, i);
    const bool invalid = i - start == 1 && static_cast<unsigned char>(text[start]) >= 0x80;
    if (!invalid && is_separator(cp)) {
      for (size_t b = start; b < i; ++b) space[b] = true;
    }
  }

  size_t covered_to = 0;
  for (size_t t = first_token; t < tokens.size(); ++t) {
    const Token& tok = tokens[t];
    ASSERT_LT(tok.span.begin, tok.span.end) << "empty token " << t;
    ASSERT_LE(tok.span.end, text.size());
    ASSERT_GE(tok.span.begin, covered_to) << "tokens overlap or are out of order at " << t;
    for (size_t b = covered_to; b < tok.span.begin; ++b) {
      ASSERT_TRUE(space[b]) << "byte " << b << " is in no token";
    }
    for (size_t b = tok.span.begin; b < tok.span.end; ++b) {
      ASSERT_FALSE(space[b]) << "token " << t << " contains whitespace at byte " << b;
    }
    const bool space_follows = tok.span.end < text.size() && space[tok.span.end];
    EXPECT_EQ(tok.space_after, space_follows) << "token " << t;
    covered_to = tok.span.end;
  }
  for (size_t b = covered_to; b < text.size(); ++b)
    ASSERT_TRUE(space[b]) << "byte " << b << " is in no token";

  // Sentences partition the appended tokens, in order, and span them.
  size_t next = first_token;
  for (size_t s = first_sentence; s < sentences.size(); ++s) {
    const Sentence& sent = sentences[s];
    ASSERT_EQ(sent.first_token, next) << "sentence " << s;
    ASSERT_GT(sent.token_count, 0u);
    const size_t last = sent.first_token + sent.token_count - 1;
    ASSERT_LT(last, tokens.size());
    EXPECT_EQ(sent.span.begin, tokens[sent.first_token].span.begin);
    EXPECT_EQ(sent.span.end, tokens[last].span.end);
    next = last + 1;
  }
  EXPECT_EQ(next, tokens.size());
}

// --- sentences -----------------------------------------------------------------------------------

TEST(TokenizerTest, EmptyAndWhitespaceOnly) {
  EXPECT_TRUE(run("").tokens.empty());
  EXPECT_TRUE(run("").sentences.empty());
  const Tokenized t = run(" \t\n\r\n\u00A0\u2009\u3000\u200B\n\n ");
  EXPECT_TRUE(t.tokens.empty());
  EXPECT_TRUE(t.sentences.empty());
}

TEST(TokenizerTest, SplitsSentencesAtTerminators) {
  EXPECT_EQ(run("The talks ended. A deal was signed! Was it fair? Nobody knows…").sentence_texts(),
            (Strings{"The talks ended.", "A deal was signed!", "Was it fair?", "Nobody knows…"}));
  EXPECT_EQ(run("Really?! Yes!!! Fine.").sentence_texts(), (Strings{"Really?!", "Yes!!!", "Fine."}));
  // Lower-case starts still split after a period (web text, "iPhone").
  EXPECT_EQ(run("It rained. iPhone sales fell.").sentence_texts(),
            (Strings{"It rained.", "iPhone sales fell."}));
}

TEST(TokenizerTest, AbbreviationsDoNotEndSentences) {
  EXPECT_EQ(
      run("Dr. Smith met Mr. Jones and Mrs. Brown. Prof. Green and Gen. White arrived.").sentence_texts(),
      (Strings{"Dr. Smith met Mr. Jones and Mrs. Brown.", "Prof. Green and Gen. White arrived."}));
  EXPECT_EQ(
      run("Acme Inc. said profits rose 5% vs. last year, e.g. in Jan. and Feb. sales.").sentences.size(), 1u);
  EXPECT_EQ(run("See No. 5 and pp. 10-12 in Vol. 3 of the report.").sentences.size(), 1u);
  const Tokenized t = run("Sen. Lee, Gov. Hall and Lt. Col. Ray met at 10 a.m. in St. Paul.");
  EXPECT_EQ(t.sentences.size(), 1u);
  for (std::string_view abbr : {"Sen.", "Gov.", "Lt.", "Col.", "a.m.", "St."}) {
    EXPECT_GE(t.find(abbr), 0) << abbr;
  }
}

TEST(TokenizerTest, SentenceFinalAbbreviations) {
  // "U.S." can end a sentence: split before a capitalised word ...
  EXPECT_EQ(run("The summit was held in the U.S. The next day talks resumed.").sentence_texts(),
            (Strings{"The summit was held in the U.S.", "The next day talks resumed."}));
  // ... unless that word typically follows it, or is lower case.
  EXPECT_EQ(run("U.S. President Biden and U.S. officials spoke under U.S. auspices.").sentences.size(), 1u);
  EXPECT_EQ(run("They sell tea, coffee, etc. The shop opens at 9 a.m. Monday.").sentence_texts(),
            (Strings{"They sell tea, coffee, etc.", "The shop opens at 9 a.m. Monday."}));
  EXPECT_EQ(run("He works for Acme Inc. It is based in Ohio.").sentences.size(), 2u);
}

TEST(TokenizerTest, Initials) {
  const Tokenized t = run("J. R. R. Tolkien wrote it. George W. Bush read it. J.R. Ewing did not.");
  EXPECT_EQ(t.sentence_texts(),
            (Strings{"J. R. R. Tolkien wrote it.", "George W. Bush read it.", "J.R. Ewing did not."}));
  EXPECT_GE(t.find("J."), 0);
  EXPECT_GE(t.find("W."), 0);
  EXPECT_GE(t.find("J.R."), 0);
}

TEST(TokenizerTest, DecimalsEllipsesUrlsAndEmailsDoNotSplit) {
  EXPECT_EQ(run("Growth was 3.5 percent... or so they said.").sentences.size(), 1u);
  EXPECT_EQ(run("Read https://example.com/a.b?c=d. Then write to info@example.org. Done.").sentence_texts(),
            (Strings{"Read https://example.com/a.b?c=d.", "Then write to info@example.org.", "Done."}));
  EXPECT_EQ(run("Wait... What happened?").sentence_texts(), (Strings{"Wait...", "What happened?"}));
}

TEST(TokenizerTest, QuotesAndBracketsStayWithTheirSentence) {
  EXPECT_EQ(run("He said: \"Stop!\" and left. \"Why?\" she asked. \"Because.\"").sentence_texts(),
            (Strings{"He said: \"Stop!\" and left.", "\"Why?\" she asked.", "\"Because.\""}));
  EXPECT_EQ(run("She said “we will win.” Then she left.").sentence_texts(),
            (Strings{"She said “we will win.”", "Then she left."}));
  EXPECT_EQ(run("(See the annex.) The rest follows.").sentence_texts(),
            (Strings{"(See the annex.)", "The rest follows."}));
  EXPECT_EQ(run("Il a dit « non. » Puis il est parti.").sentences.size(), 2u);
}

TEST(TokenizerTest, LineBreaks) {
  // A headline line, a blank line, list items: each ends a sentence.
  EXPECT_EQ(run("Talks Resume in Almaty\nDiplomats met on Monday.\n\nA second paragraph").sentence_texts(),
            (Strings{"Talks Resume in Almaty", "Diplomats met on Monday.", "A second paragraph"}));
  EXPECT_EQ(run("Agenda:\n- trade\n- energy\n1. Buy milk\n2. Buy bread").sentence_texts(),
            (Strings{"Agenda:", "- trade", "- energy", "1. Buy milk", "2. Buy bread"}));
  // A hard-wrapped line continues when the next line starts in lower case or after a comma.
  EXPECT_EQ(run("The minister said the talks\nwould go on, and that Kazakhstan,\nArmenia and others agreed.")
                .sentences.size(),
            1u);
  // A blank line ends a sentence even after a non-final abbreviation or mid-phrase.
  EXPECT_EQ(run("Meet Dr.\n\nSmith").sentences.size(), 2u);
}

TEST(TokenizerTest, Crlf) {
  const Tokenized t = run("Headline Here\r\n\r\nFirst line of text.\r\nSecond line\r\nthird part.\r\n");
  EXPECT_EQ(t.sentence_texts(),
            (Strings{"Headline Here", "First line of text.", "Second line\r\nthird part."}));
  for (size_t i = 0; i < t.tokens.size(); ++i) EXPECT_EQ(t.token(i).find('\r'), std::string_view::npos);
  expect_invariants(t.text);
}

// --- tokens --------------------------------------------------------------------------------------

TEST(TokenizerTest, WordsAndPunctuation) {
  const Tokenized t = run("Hello, world! (Yes) [no] {maybe}; a:b — c – d -- e");
  EXPECT_EQ(t.words(), (Strings{"Hello", ",", "world", "!", "(", "Yes", ")", "[", "no", "]",  "{", "maybe",
                                "}",     ";", "a",     ":", "b", "—",   "c", "–", "d",  "--", "e"}));
  EXPECT_EQ(t.kind_of("Hello"), TokenKind::kWord);
  EXPECT_EQ(t.kind_of(","), TokenKind::kPunct);
  EXPECT_FALSE(t.tokens[0].space_after);  // "Hello" is followed by ","
  EXPECT_TRUE(t.tokens[1].space_after);
  EXPECT_FALSE(t.tokens.back().space_after);  // end of text
}

TEST(TokenizerTest, Quotes) {
  const Tokenized t = run("“Peace,” he said. «Paix» and ‘this’ and \"that\" and 'those'.");
  EXPECT_EQ(t.words(),
            (Strings{"“",    "Peace", ",",   "”",  "he",   "said", ".",   "«", "Paix",  "»", "and", "‘",
                     "this", "’",     "and", "\"", "that", "\"",   "and", "'", "those", "'", "."}));
}

TEST(TokenizerTest, AbbreviationTokensKeepTheirPeriod) {
  const Tokenized t = run("Dr. Lee of the U.S. and U.K., i.e. the allies, met Ph.D. students at 3 p.m. etc.");
  for (std::string_view abbr : {"Dr.", "U.S.", "U.K.", "i.e.", "Ph.D.", "p.m.", "etc."}) {
    EXPECT_GE(t.find(abbr), 0) << abbr;
  }
  EXPECT_EQ(t.find("."), -1);
  // A period after an ordinary word is its own token; so is "..." after an abbreviation.
  EXPECT_EQ(run("It ended.").words(), (Strings{"It", "ended", "."}));
  EXPECT_EQ(run("and so on etc...").words(), (Strings{"and", "so", "on", "etc", "..."}));
  // "No." is an abbreviation only before a number.
  EXPECT_EQ(run("No. 7 said no.").words(), (Strings{"No.", "7", "said", "no", "."}));
}

TEST(TokenizerTest, UrlsAndEmails) {
  const Tokenized t = run(
      "See https://astanatimes.com/2025/08/peace-talks/?id=1&x=2, (http://example.org/a_(b)) and www.gov.kz. "
      "Write to press.office@mfa.gov.kz or @caspian_news #Astana; astanatimes.com reported.");
  EXPECT_EQ(t.kind_of("https://astanatimes.com/2025/08/peace-talks/?id=1&x=2"), TokenKind::kUrl);
  EXPECT_EQ(t.kind_of("http://example.org/a_(b)"), TokenKind::kUrl);
  EXPECT_EQ(t.kind_of("www.gov.kz"), TokenKind::kUrl);
  EXPECT_EQ(t.kind_of("press.office@mfa.gov.kz"), TokenKind::kEmail);
  EXPECT_EQ(t.kind_of("astanatimes.com"), TokenKind::kUrl);
  EXPECT_GE(t.find("@caspian_news"), 0);
  EXPECT_GE(t.find("#Astana"), 0);
  EXPECT_EQ(t.sentences.size(), 2u);
}

TEST(TokenizerTest, Numbers) {
  const Tokenized t =
      run("On 2025-08-20 at 10:30, 1,000 people paid $3.50 (50%) or €1.2 each; -5 to +7 in the 1990s, "
          "the 21st time, 08/16/2000, 555-1234.");
  for (std::string_view n : {"2025-08-20", "10:30", "1,000", "3.50", "50", "1.2", "-5", "+7", "1990s", "21st",
                             "08/16/2000", "555-1234"}) {
    EXPECT_EQ(t.kind_of(n), TokenKind::kNumber) << n;
  }
  EXPECT_EQ(t.kind_of("$"), TokenKind::kSymbol);
  EXPECT_EQ(t.kind_of("€"), TokenKind::kSymbol);
  EXPECT_EQ(t.kind_of("%"), TokenKind::kPunct);
  EXPECT_EQ(run("50% rise").words(), (Strings{"50", "%", "rise"}));
  EXPECT_EQ(run("$5 and 5€").words(), (Strings{"$", "5", "and", "5", "€"}));
}

TEST(TokenizerTest, HyphenatedWordsStayWhole) {
  const Tokenized t =
      run("President Kassym-Jomart Tokayev's well-known Trans-Caspian plan, COVID-19 and F-16s - "
          "not a-- dash.");
  for (std::string_view w : {"Kassym-Jomart", "well-known", "Trans-Caspian", "COVID-19", "F-16s"}) {
    EXPECT_GE(t.find(w), 0) << w;
  }
  EXPECT_GE(t.find("-"), 0);
  EXPECT_GE(t.find("--"), 0);
}

TEST(TokenizerTest, PossessivesAndContractions) {
  EXPECT_EQ(run("Kazakhstan’s role").words(), (Strings{"Kazakhstan", "’s", "role"}));
  EXPECT_EQ(run("Armenia's region").words(), (Strings{"Armenia", "'s", "region"}));
  EXPECT_EQ(run("don't can't won't it's we're I'm they've you'll she'd").words(),
            (Strings{"do", "n't", "ca", "n't", "wo", "n't", "it", "'s", "we", "'re", "I", "'m", "they", "'ve",
                     "you", "'ll", "she", "'d"}));
  EXPECT_EQ(run("DON’T cannot").words(), (Strings{"DO", "N’T", "can", "not"}));
  // Apostrophes that are not clitics stay inside the word; a trailing one is punctuation.
  EXPECT_EQ(run("O'Neill rock'n'roll Qur'an the 80's the countries' ports").words(),
            (Strings{"O'Neill", "rock'n'roll", "Qur'an", "the", "80's", "the", "countries", "'", "ports"}));
  EXPECT_EQ(run("the U.S.'s role").words(), (Strings{"the", "U.S.", "'s", "role"}));
}

TEST(TokenizerTest, CjkIsSegmentedWithIcu) {
  const Tokenized zh = run("我爱北京天安门。");
  EXPECT_GT(zh.tokens.size(), 2u);
  EXPECT_EQ(zh.sentences.size(), 1u);
  EXPECT_EQ(zh.token(zh.tokens.size() - 1), "。");
  expect_invariants(zh.text);

  EXPECT_EQ(run("今天天气很好。我们去公园吧！你去吗？").sentences.size(), 3u);
  const Tokenized ja = run("東京は日本の首都です。カタカナとひらがな。");
  EXPECT_GT(ja.tokens.size(), 4u);
  EXPECT_EQ(ja.sentences.size(), 2u);
  const Tokenized th = run("สวัสดีครับ ผมชื่อสมชาย");
  EXPECT_GT(th.tokens.size(), 2u);
  // Latin next to Han splits at the script change.
  EXPECT_EQ(run("iPhone手机").words().front(), "iPhone");
}

TEST(TokenizerTest, Cyrillic) {
  const Tokenized t =
      run("Президент Казахстана Касым-Жомарт Токаев прибыл в Астану. Переговоры начнутся завтра!");
  EXPECT_EQ(t.sentences.size(), 2u);
  EXPECT_GE(t.find("Касым-Жомарт"), 0);
  EXPECT_GE(t.find("Астану"), 0);
  EXPECT_EQ(t.kind_of("Астану"), TokenKind::kWord);
}

TEST(TokenizerTest, ArabicHebrewArmenianGeorgianGreek) {
  const Tokenized ar = run("هل وصل الوفد؟ نعم، وصل اليوم.");
  EXPECT_EQ(ar.sentences.size(), 2u);
  EXPECT_EQ(ar.words(), (Strings{"هل", "وصل", "الوفد", "؟", "نعم", "،", "وصل", "اليوم", "."}));
  // Combining marks (Hebrew points) and geresh stay inside words.
  EXPECT_EQ(run("שָׁלוֹם צה״ל").words(), (Strings{"שָׁלוֹם", "צה״ל"}));
  EXPECT_EQ(run("Երևան։ თბილისი და Αθήνα.").words(), (Strings{"Երևան", "։", "თბილისი", "და", "Αθήνα", "."}));
  EXPECT_EQ(run("Երևան։ თბილისი და Αθήνα.").sentences.size(), 2u);
}

TEST(TokenizerTest, EmojiAndSymbols) {
  const Tokenized t = run("Great 👍🏽 news 🇰🇿 👨‍👩‍👧 ★ :) ok ©");
  EXPECT_EQ(t.words(),
            (Strings{"Great", "👍🏽", "news", "🇰🇿", "👨‍👩‍👧", "★", ":)", "ok", "©"}));
  EXPECT_EQ(t.kind_of("👍🏽"), TokenKind::kSymbol);
  EXPECT_EQ(t.kind_of("🇰🇿"), TokenKind::kSymbol);
  EXPECT_EQ(t.kind_of("👨‍👩‍👧"), TokenKind::kSymbol);
  // An emoji after a terminator stays with its sentence.
  EXPECT_EQ(run("We won! 🎉 Next year again.").sentence_texts(), (Strings{"We won! 🎉", "Next year again."}));
}

TEST(TokenizerTest, UnicodeSpacesJoinersAndMarks) {
  // NBSP, thin space and ideographic space separate tokens; ZWSP too.
  EXPECT_EQ(run("10\u00A0000 a\u2009b c\u3000d e\u200Bf").words(),
            (Strings{"10", "000", "a", "b", "c", "d", "e", "f"}));
  // ZWNJ (Persian) and combining accents (decomposed é) stay inside the word.
  EXPECT_EQ(run("می\u200Cخواهم cafe\u0301s").words(), (Strings{"می\u200Cخواهم", "cafe\u0301s"}));
  // A mark with nothing to attach to is a token of its own.
  const Tokenized lone = run(" \u0301 x");
  EXPECT_EQ(lone.words(), (Strings{"\u0301", "x"}));
  EXPECT_EQ(lone.tokens[0].kind, TokenKind::kOther);
}

TEST(TokenizerTest, InvalidBytesAreSymbols) {
  const Tokenized t =
      run(std::string("ab\xFF"
                      "cd \xC3 e\xE2\x82"));
  EXPECT_EQ(t.words(), (Strings{"ab", "\xFF", "cd", "\xC3", "e", "\xE2", "\x82"}));
  EXPECT_EQ(t.tokens[1].kind, TokenKind::kSymbol);
  expect_invariants(t.text);
}

TEST(TokenizerTest, AppendsToExistingOutput) {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  tokenize("One. Two.", tokens, sentences);
  const std::string second = "Three four. Five.";
  tokenize(second, tokens, sentences);
  ASSERT_EQ(sentences.size(), 4u);
  EXPECT_EQ(sentences[2].first_token, 4u);
  EXPECT_EQ(sentences[2].token_count, 3u);
  EXPECT_EQ(sentences[3].first_token, 7u);
  EXPECT_EQ(tokens[4].span.begin, 0u);  // spans are relative to the text of that call
}

// --- robustness ----------------------------------------------------------------------------------

TEST(TokenizerTest, LongRunsStayLinear) {
  // Quadratic work here would run for minutes and hit the ctest TIMEOUT set in
  // tests/CMakeLists.txt; no timing is asserted in the test itself.
  const Tokenized dots = run(std::string(100'000, '.'));
  EXPECT_EQ(dots.tokens.size(), 1u);
  EXPECT_EQ(dots.sentences.size(), 1u);

  std::string spaced;
  for (int i = 0; i < 100'000; ++i) spaced += ". ";
  const Tokenized many = run(spaced);
  EXPECT_EQ(many.tokens.size(), 100'000u);
  expect_invariants(spaced);

  for (const std::string& s : {std::string(100'000, 'a'), std::string(100'000, '-'), std::string(50'000, '@'),
                               std::string(50'000, '\''), std::string(100'000, '\n')}) {
    expect_invariants(s);
  }
  // Many short chunks: per-chunk work must not scan the rest of the text.
  std::string words;
  for (int i = 0; i < 1'000'000; ++i) words += "x ";
  EXPECT_EQ(run(words).tokens.size(), 1'000'000u);
  std::string mixed;
  for (int i = 0; i < 20'000; ++i) mixed += "a@b.";
  expect_invariants(mixed);
  std::string han;
  for (int i = 0; i < 20'000; ++i) han += "北京";
  expect_invariants(han);
}

TEST(TokenizerTest, RandomUtf8Invariants) {
  // Pieces chosen to hit every branch: scripts, marks, joiners, spaces, terminators, URL and
  // e-mail fragments, emoji, apostrophes, abbreviations.
  const std::vector<std::string> pieces = {"a",      "Z",      "é",        "e\u0301", "Ж",
                                           "ω",      "ש",      "ب",        "ა",       "Ա",
                                           "한",     "北",     "京",       "の",      "カ",
                                           "ー",     "ก",      "ั",         "ລ",       "ក",
                                           "မ",      "0",      "7",        "½",       " ",
                                           "  ",     "\n",     "\n\n",     "\r\n",    "\t",
                                           "\u00A0", "\u2009", "\u3000",   "\u200B",  "\u2028",
                                           "\u2029", "\u0085", "\uFEFF",   "\u200D",  "\u200C",
                                           ".",      "...",    "…",        "!",       "?",
                                           "。",     "！",     "؟",        "։",       ",",
                                           ";",      ":",      "-",        "—",       "'",
                                           "’",      "\"",     "“",        "”",       "«",
                                           "»",      "(",      ")",        "[",       "]",
                                           "@",      "#",      "&",        "/",       "_",
                                           "%",      "$",      "€",        "+",       "http://",
                                           "www.",   ".com",   "x@y.z",    "👍",       "🏽",
                                           "🇰",      "🇿",      "👨",        "©",       ":)",
                                           "<3",     "U.S.",   "Dr.",      "n't",     "'s",
                                           "\x01",   "\x7F",   "\xF0\x9F", "Inc.",    "No.",
                                           "a.m.",   "e.g.",   "3.5",      "1,000",   "www.a.com/(x)."};
  std::mt19937 rng(20250820);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  constexpr int kCases = 3000;
  for (int c = 0; c < kCases; ++c) {
    std::string text;
    const int n = length(rng);
    for (int i = 0; i < n; ++i) text += pieces[pick(rng)];
    expect_invariants(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Random code points, including unassigned ones and all planes (no surrogates).
  std::uniform_int_distribution<uint32_t> cp_dist(1, 0x10FFFF);
  for (int c = 0; c < kCases; ++c) {
    std::string text;
    for (int i = 0; i < 20; ++i) {
      uint32_t cp = cp_dist(rng);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = ' ';
      if (i % 3 == 0) cp &= 0x7F;  // plenty of ASCII
      if (cp == 0) cp = ' ';
      utf8::append(text, cp);
    }
    expect_invariants(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Random bytes (mostly invalid UTF-8): no crash, and the invariants still hold.
  std::uniform_int_distribution<int> byte(0, 255);
  for (int c = 0; c < kCases; ++c) {
    std::string text;
    for (int i = 0; i < 30; ++i) text += static_cast<char>(byte(rng));
    expect_invariants(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(TokenizerTest, SeedArticle) {
  const std::filesystem::path path = CASPIAN_SOURCE_DIR "/data/corpus/almaty.txt";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "seed article not found at " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string raw = buf.str();
  // As the pipeline sees it: the first line is the headline.
  const size_t eol = raw.find('\n');
  ASSERT_NE(eol, std::string::npos);
  Document doc = make_document(raw.substr(0, eol), std::string_view(raw).substr(eol + 1));
  const Tokenized t = run(doc.text);
  expect_invariants(t.text);

  ASSERT_FALSE(t.sentences.empty());
  EXPECT_EQ(t.sentence(0),
            "Capital City Almaty Contributed as Key Platform for Joint Washington Accord Between Azerbaijan, "
            "Armenia, and the United States");
  bool auspices_ends = false;
  for (size_t i = 0; i < t.sentences.size(); ++i) {
    if (t.sentence(i).ends_with("under U.S. auspices.")) auspices_ends = true;
    EXPECT_EQ(t.sentence(i).find('\n'), std::string_view::npos) << t.sentence(i);
  }
  EXPECT_TRUE(auspices_ends);
  EXPECT_EQ(t.find("Kazakhstan’s"), -1);
  const int clitic = t.find("’s");
  ASSERT_GE(clitic, 1);
  EXPECT_EQ(t.token(static_cast<size_t>(clitic) - 1), "Kazakhstan");
  EXPECT_GE(t.find("Kassym-Jomart"), 0);
  EXPECT_GE(t.find("Trans-Caspian"), 0);
  EXPECT_GE(t.find("U.S."), 0);
  EXPECT_EQ(t.find("It's"), -1);
  EXPECT_GE(t.find("It"), 0);
  // The headline, then the body's 9 lines of two sentences each.
  EXPECT_EQ(t.sentences.size(), 19u);
}

// --- the stage -----------------------------------------------------------------------------------

TEST(TokenizerStageTest, ReplacesTokensAndSentences) {
  Resources res;
  auto stage = stages::make_tokenizer(res);
  ASSERT_TRUE(stage.ok()) << stage.status().to_string();
  EXPECT_EQ((*stage)->name(), "tokenize");
  Document doc = make_document("Talks in Almaty", "Leaders met. They agreed.");
  doc.tokens.resize(3);
  doc.sentences.resize(2);
  ASSERT_TRUE((*stage)->process(doc).ok());
  ASSERT_EQ(doc.sentences.size(), 3u);
  EXPECT_EQ(doc.slice(doc.sentences[0].span), "Talks in Almaty");
  EXPECT_EQ(doc.slice(doc.sentences[2].span), "They agreed.");
  EXPECT_EQ(doc.tokens.size(), 9u);
  // Running it again gives the same result.
  Document again = doc;
  ASSERT_TRUE((*stage)->process(again).ok());
  EXPECT_EQ(again.tokens, doc.tokens);
  EXPECT_EQ(again.sentences, doc.sentences);
}

// --- the evaluator -------------------------------------------------------------------------------

// A tiny treebank in CoNLL-U, written for this test: two documents, a multiword token.
constexpr std::string_view kConllu =
    "# newdoc id = d1\n"
    "# newpar\n"
    "# sent_id = 1\n"
    "# text = Dr. Lee didn't go.\n"
    "1\tDr.\tDr.\tPROPN\t_\t_\t2\tcompound\t_\t_\n"
    "2\tLee\tLee\tPROPN\t_\t_\t4\tnsubj\t_\t_\n"
    "3-4\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "3\tdid\tdo\tAUX\t_\t_\t5\taux\t_\t_\n"
    "4\tn't\tnot\tPART\t_\t_\t5\tadvmod\t_\t_\n"
    "5\tgo\tgo\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No\n"
    "6\t.\t.\tPUNCT\t_\t_\t5\tpunct\t_\t_\n"
    "\n"
    "# sent_id = 2\n"
    "# text = She stayed home.\n"
    "1\tShe\tshe\tPRON\t_\t_\t2\tnsubj\t_\t_\n"
    "2\tstayed\tstay\tVERB\t_\t_\t0\troot\t_\t_\n"
    "3\thome\thome\tADV\t_\t_\t2\tadvmod\t_\tSpaceAfter=No\n"
    "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n"
    "\n"
    "# newdoc id = d2\n"
    "# sent_id = 3\n"
    "# text = Nothing else happened\n"
    "1\tNothing\tnothing\tPRON\t_\t_\t2\tnsubj\t_\t_\n"
    "2\telse\telse\tADJ\t_\t_\t1\tamod\t_\t_\n"
    "3\thappened\thappen\tVERB\t_\t_\t0\troot\t_\t_\n"
    "\n";

TEST(SegmentationEvalTest, ScoresTokensWordsAndSentences) {
  auto report = evaluate_conllu_text(kConllu);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->documents, 2u);
  EXPECT_EQ(report->sentences.gold, 3u);
  EXPECT_EQ(report->sentences.correct, 3u);
  EXPECT_EQ(report->words.gold, 13u);
  EXPECT_EQ(report->words.correct, 13u);
  EXPECT_DOUBLE_EQ(report->words.f1(), 1.0);
  // "didn't" is one surface token but two system tokens.
  EXPECT_EQ(report->tokens.gold, 12u);
  EXPECT_EQ(report->tokens.system, 13u);
  EXPECT_EQ(report->tokens.correct, 11u);
  EXPECT_EQ(report->alignment_failures, 0u);
  const std::string text = format_report(*report);
  EXPECT_NE(text.find("sentences"), std::string::npos);
  EXPECT_NE(text.find("1.0000"), std::string::npos);
}

TEST(SegmentationEvalTest, QuotesErrors) {
  // Two unpunctuated sentences in one paragraph: the tokenizer cannot see the boundary.
  constexpr std::string_view kRunOn =
      "# newdoc\n"
      "# text = Hello there\n"
      "1\tHello\thello\tINTJ\t_\t_\t0\troot\t_\t_\n"
      "2\tthere\tthere\tADV\t_\t_\t1\tadvmod\t_\t_\n"
      "\n"
      "# text = Bye now\n"
      "1\tBye\tbye\tINTJ\t_\t_\t0\troot\t_\t_\n"
      "2\tnow\tnow\tADV\t_\t_\t1\tadvmod\t_\t_\n"
      "\n";
  SegmentationEvalOptions options;
  options.max_examples = 5;
  auto report = evaluate_conllu_text(kRunOn, options);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->sentences.gold, 2u);
  EXPECT_EQ(report->sentences.system, 1u);
  EXPECT_EQ(report->sentences.correct, 0u);
  EXPECT_DOUBLE_EQ(report->words.f1(), 1.0);
  ASSERT_EQ(report->examples.size(), 2u);
  EXPECT_EQ(report->examples[0], "missed sentence:   Hello there");
  EXPECT_EQ(report->examples[1], "spurious sentence: Hello there Bye now");
  EXPECT_NE(format_report(*report).find("spurious sentence: Hello there Bye now"), std::string::npos);
}

TEST(SegmentationEvalTest, RejectsBadInput) {
  EXPECT_EQ(evaluate_conllu_text("").status().code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(evaluate_conllu_text("1\tonly\ttwo\n\n").status().code(), ErrorCode::kParseError);
  EXPECT_EQ(evaluate_conllu_text("x-y\ta\t_\t_\t_\t_\t_\t_\t_\t_\n\n").status().code(),
            ErrorCode::kParseError);
  EXPECT_EQ(evaluate_conllu_text("1\t\xFF\t_\t_\t_\t_\t_\t_\t_\t_\n\n").status().code(),
            ErrorCode::kInvalidUtf8);
  EXPECT_EQ(evaluate_conllu("/nonexistent/caspian/x.conllu.gz").status().code(), ErrorCode::kNotFound);
}

class SegmentationEvalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caspian_tokenizer_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
};

TEST_F(SegmentationEvalFileTest, ReadsPlainAndGzipAndRejectsTruncatedGzip) {
  const std::filesystem::path plain = dir_ / "tiny.conllu";
  std::ofstream(plain, std::ios::binary) << kConllu;
  auto from_plain = evaluate_conllu(plain);
  ASSERT_TRUE(from_plain.ok()) << from_plain.status().to_string();
  EXPECT_EQ(from_plain->source, plain.string());
  EXPECT_EQ(from_plain->sentences.correct, 3u);

  const std::filesystem::path gz = dir_ / "tiny.conllu.gz";
  {
    gzFile f = gzopen(gz.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, kConllu.data(), static_cast<unsigned>(kConllu.size())),
              static_cast<int>(kConllu.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
  }
  auto from_gz = evaluate_conllu(gz);
  ASSERT_TRUE(from_gz.ok()) << from_gz.status().to_string();
  EXPECT_EQ(from_gz->words.correct, from_plain->words.correct);

  // Cut the compressed file in half: an error, not a crash or a silent partial score.
  const auto size = std::filesystem::file_size(gz);
  std::filesystem::resize_file(gz, size / 2);
  auto truncated = evaluate_conllu(gz);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace caspian::nlp
