// Article extraction from HTML: main text, metadata, charsets, bad input, and the eval metric.
// Fixtures are synthetic (tests/data/html/ and strings below).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "caspian/extract.h"
#include "caspian/utf8.h"
#include "eval/extract_eval.h"
#include "extract/charset.h"
#include "extract/html_tokenizer.h"
#include "extract/metadata.h"

namespace caspian {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CASPIAN_SOURCE_DIR) + "/tests/data/html/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST(Extract, KeepsArticleDropsBoilerplate) {
  ExtractOptions opts;
  opts.url = "https://gazette.example/news/2024/03/05/ferry-route?utm_source=x";
  auto a = extract_article(fixture("news_article.html"), opts);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  const std::string& t = a->text;
  EXPECT_TRUE(contains(t, "The ferry route between Baku and Aktau reopened")) << t;
  EXPECT_TRUE(contains(t, "dawn & reached Aktau")) << t;                       // entity decoded
  EXPECT_TRUE(contains(t, "\n\nBacklog of cargo\n\n")) << t;                  // heading kept
  EXPECT_TRUE(contains(t, "Wheat shipments to Iran were rerouted by rail.")) << t;  // list kept
  EXPECT_TRUE(contains(t, "\u201cWe have never seen waves")) << t;            // quote kept
  EXPECT_TRUE(contains(t, "calmer weather")) << t;
  for (std::string_view junk : {"cookies", "Home", "Share on", "Related stories", "Port of Aktau expands",
                                "Great news for the region", "Most read", "Copyright", "not text"}) {
    EXPECT_FALSE(contains(t, junk)) << junk << " in:\n" << t;
  }
  EXPECT_EQ(t.find("Caspian ferry route reopens"), std::string::npos) << "headline repeated in the body";
  EXPECT_FALSE(utf8::find_invalid(t).has_value());
}

TEST(Extract, MetadataFromJsonLdAndMeta) {
  ExtractOptions opts;
  opts.url = "https://gazette.example/news/2024/03/05/ferry-route";
  auto a = extract_article(fixture("news_article.html"), opts);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "Caspian ferry route reopens after storms");
  ASSERT_EQ(a->authors.size(), 2u);
  EXPECT_EQ(a->authors[0], "Aygul Nurlanovna");
  EXPECT_EQ(a->authors[1], "Tom Reed");
  EXPECT_EQ(a->published, "2024-03-05T08:30:00Z");
  EXPECT_EQ(a->modified, "2024-03-06T10:00:00Z");
  EXPECT_EQ(a->language, "en");
  EXPECT_EQ(a->site_name, "The Synthetic Gazette");
  EXPECT_EQ(a->canonical_url, "https://gazette.example/news/2024/03/05/ferry-route");
  EXPECT_EQ(a->description, "A made-up story for caspian's tests.");
  EXPECT_EQ(a->charset, "UTF-8");
}

TEST(Extract, OpenGraphAndUrlFallbacks) {
  const std::string html =
      "<html><head><title>Fallback title - Site</title>"
      "<meta property=\"og:title\" content=\"OG &amp; title\">"
      "<meta property=\"article:published_time\" content=\"2021-07-01\">"
      "<meta name=\"author\" content=\"By Jane Doe\"></head>"
      "<body><p>Some text that is long enough to be an article paragraph, with a comma, and more.</p></body></html>";
  auto a = extract_article(html, {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "OG & title");
  EXPECT_EQ(a->published, "2021-07-01");
  ASSERT_EQ(a->authors.size(), 1u);
  EXPECT_EQ(a->authors[0], "Jane Doe");
  EXPECT_EQ(extract::date_from_url("https://x.example/world/2019/11/19/story.html"), "2019-11-19");
  EXPECT_EQ(extract::date_from_url("https://x.example/2020-02-29-leap"), "2020-02-29");
  EXPECT_EQ(extract::date_from_url("https://x.example/item/123456789"), "");
  EXPECT_EQ(extract::resolve_url("https://a.example/x/y.html", "z.html"), "https://a.example/x/z.html");
  EXPECT_EQ(extract::resolve_url("https://a.example/x/y.html", "//b.example/q"), "https://b.example/q");
}

TEST(Extract, MarkdownMarksStructure) {
  ExtractOptions opts;
  opts.format = TextFormat::kMarkdown;
  auto a = extract_article(fixture("news_article.html"), opts);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(contains(a->text, "## Backlog of cargo")) << a->text;
  EXPECT_TRUE(contains(a->text, "- Wheat shipments")) << a->text;
  EXPECT_TRUE(contains(a->text, "> \u201cWe have never")) << a->text;
}

TEST(Extract, DocumentFromHtml) {
  ExtractOptions opts;
  opts.url = "https://www.gazette.example/news/2024/03/05/ferry-route";
  auto d = document_from_html(fixture("news_article.html"), opts);
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->title, "Caspian ferry route reopens after storms");
  EXPECT_EQ(d->source, "The Synthetic Gazette");
  ASSERT_TRUE(d->published.has_value());
  EXPECT_EQ(*d->published, std::chrono::year_month_day(std::chrono::year(2024), std::chrono::month(3), std::chrono::day(5)));
  EXPECT_TRUE(contains(std::string(d->body()), "Baku"));
}

TEST(Charset, DeclaredLatin1) {
  auto a = extract_article(fixture("latin1.html"), {});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(contains(a->text, "Le caf\u00e9 de la gare est ferm\u00e9")) << a->text;
  EXPECT_EQ(a->title, "Caf\u00e9");
  EXPECT_EQ(a->charset, "windows-1252");
}

TEST(Charset, HttpHeaderWinsOverMeta) {
  const std::string html = "<meta charset=utf-8><p>Stra\xDF" "e und Br\xFC" "cke sind gesperrt, sagt die Polizei heute.</p>";
  ExtractOptions opts;
  opts.content_type = "text/html; charset=ISO-8859-1";
  auto a = extract_article(html, opts);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(contains(a->text, "Stra\u00dfe und Br\u00fccke")) << a->text;
}

TEST(Charset, MisdeclaredSingleByteButUtf8) {
  const std::string html = "<meta charset=\"iso-8859-1\"><p>Na\u00efve caf\u00e9 owners in Z\u00fcrich say the season is long.</p>";
  auto a = extract_article(html, {});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(contains(a->text, "Na\u00efve caf\u00e9")) << a->text;
  EXPECT_EQ(a->charset, "UTF-8");
}

TEST(Charset, MisdeclaredUtf8ButLatin1) {
  const std::string html = "<meta charset=\"utf-8\"><p>\xC9t\xE9 \xE0 la plage: les h\xF4tels sont pleins, dit l'office du tourisme.</p>";
  auto a = extract_article(html, {});
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(utf8::find_invalid(a->text).has_value());
  EXPECT_TRUE(contains(a->text, "les h\u00f4tels sont pleins")) << a->text << " (" << a->charset << ")";
}

TEST(Charset, ByteOrderMarks) {
  auto a = extract_article("\xEF\xBB\xBF<p>A page with a UTF-8 byte-order mark \u2014 and a dash.</p>", {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->text, "A page with a UTF-8 byte-order mark \u2014 and a dash.");
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("<p>Sixteen-bit text, little-endian.</p>")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  auto b = extract_article(utf16, {});
  ASSERT_TRUE(b.ok()) << b.status().to_string();
  EXPECT_EQ(b->text, "Sixteen-bit text, little-endian.");
}

TEST(Charset, InvalidBytesNeverEscape) {
  const std::string html = "<p>Valid text, then bad bytes \xFF\xFE\xC0\x80 and a truncated \xE2\x82</p>";
  auto a = extract_article(html, {});
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(utf8::find_invalid(a->text).has_value());
  EXPECT_EQ(extract::make_valid_utf8("a\xFF" "b"), "a\uFFFD" "b");
  EXPECT_EQ(extract::charset_from_content_type("text/html; Charset=\"Shift_JIS\""), "shift_jis");
  EXPECT_EQ(extract::charset_from_meta("<html><head><meta http-equiv=content-type content='text/html;charset=koi8-r'>"),
            "koi8-r");
}

TEST(Entities, NamedNumericAndLegacy) {
  EXPECT_EQ(extract::decode_html_text("&amp;&lt;&gt;&quot;&#39;&#x2019;&#8217;&hellip;&nbsp;"),
            "&<>\"'\u2019\u2019\u2026\u00a0");
  EXPECT_EQ(extract::decode_html_text("&copy 2024 &ampx &unknown; &#0; &#x110000; &#150;"),
            "\u00a9 2024 &x &unknown; \uFFFD \uFFFD \u2013");
  EXPECT_EQ(extract::decode_html_text("AT&T & a&b"), "AT&T & a&b");
}

TEST(BadInput, FailsAloneWithAReason) {
  auto empty = extract_article("", {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kEmptyInput);

  std::string png = "\x89PNG\r\n\x1a\n";
  png.append(100, '\0');
  auto bin = extract_article(png, {});
  ASSERT_FALSE(bin.ok());
  EXPECT_EQ(bin.status().code(), ErrorCode::kBinaryInput);
  EXPECT_TRUE(contains(bin.status().message(), "PNG"));

  std::string nuls(1000, 'a');
  for (size_t i = 0; i < nuls.size(); i += 7) nuls[i] = '\0';
  EXPECT_EQ(extract_article(nuls, {}).status().code(), ErrorCode::kBinaryInput);

  auto text = extract_article("just plain text, no markup at all", {});
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), ErrorCode::kInvalidArgument);

  ExtractOptions small;
  small.max_bytes = 10;
  EXPECT_EQ(extract_article("<p>more than ten bytes</p>", small).status().code(), ErrorCode::kTooLarge);

  EXPECT_EQ(extract_article("<html><head></head><body></body></html>", {}).status().code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(document_from_html("<html><head><title>Only a title</title></head></html>", {}).status().code(),
            ErrorCode::kEmptyInput);
}

TEST(BadInput, DeepNestingAndUnclosedTags) {
  std::string deep;
  constexpr int kDepth = 200000;
  for (int i = 0; i < kDepth; ++i) deep += "<div><span>";
  deep += "<p>Deep inside many elements, the text still comes out, and nothing overflows.</p>";
  auto a = extract_article(deep, {});
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  EXPECT_TRUE(contains(a->text, "Deep inside many elements")) << a->text.substr(0, 200);

  auto b = extract_article("<p>One<p>Two<li>three<table><td>cell</b></i></div></html><!-- unterminated", {});
  ASSERT_TRUE(b.ok());
  auto c = extract_article("<script>never closed", {});
  EXPECT_FALSE(c.ok());
}

TEST(Tokenizer, AttributesAndRawText) {
  extract::HtmlTokenizer tok("<A HREF=x.html class='a b' data-x=\"1>2\" disabled>t&amp;t</a><script>if (a<b) {}</script>");
  extract::HtmlToken t;
  ASSERT_TRUE(tok.next(t));
  EXPECT_EQ(t.type, extract::TokenType::kStartTag);
  EXPECT_EQ(t.name, "a");
  ASSERT_NE(t.attr("href"), nullptr);
  EXPECT_EQ(*t.attr("href"), "x.html");
  EXPECT_EQ(*t.attr("class"), "a b");
  EXPECT_EQ(*t.attr("data-x"), "1>2");
  EXPECT_NE(t.attr("disabled"), nullptr);
  ASSERT_TRUE(tok.next(t));
  EXPECT_EQ(t.type, extract::TokenType::kText);
  EXPECT_EQ(t.text, "t&amp;t");
  ASSERT_TRUE(tok.next(t));
  EXPECT_EQ(t.type, extract::TokenType::kEndTag);
  ASSERT_TRUE(tok.next(t));
  EXPECT_EQ(t.type, extract::TokenType::kStartTag);
  ASSERT_TRUE(tok.next(t));
  EXPECT_EQ(t.type, extract::TokenType::kRawText);
  EXPECT_EQ(t.text, "if (a<b) {}");
  EXPECT_FALSE(tok.next(t));
}

// The scrapinghub article-extraction-benchmark metric on hand-made examples.
TEST(EvalMetric, WordTokensFollowPythonRe) {
  EXPECT_EQ(extract::word_tokens("Hello, world_2! Caf\u00e9 \u00e0 7h\u2014d\u00e9j\u00e0 \u4e2d\u6587"),
            (std::vector<std::string>{"Hello", "world_2", "Caf\u00e9", "\u00e0", "7h", "d\u00e9j\u00e0", "\u4e2d\u6587"}));
  EXPECT_TRUE(extract::word_tokens(" ,.; ").empty());
}

TEST(EvalMetric, ShingleMatching) {
  // Identical texts: all true positives.
  auto same = extract::shingle_match("a b c d e", "a b c d e");
  EXPECT_DOUBLE_EQ(same.tp, 1.0);
  EXPECT_DOUBLE_EQ(same.fp, 0.0);
  // gold "a b c d e" -> shingles abcd, bcde; pred "a b c d x" -> abcd, bcdx: tp 1, fp 1, fn 1.
  auto half = extract::shingle_match("a b c d e", "a b c d x");
  EXPECT_DOUBLE_EQ(half.tp, 1.0 / 3);
  EXPECT_DOUBLE_EQ(half.fp, 1.0 / 3);
  EXPECT_DOUBLE_EQ(half.fn, 1.0 / 3);
  // Case matters; short texts are one shorter shingle.
  auto short_case = extract::shingle_match("Two words", "two words");
  EXPECT_DOUBLE_EQ(short_case.tp, 0.0);
  EXPECT_DOUBLE_EQ(short_case.fp, 0.5);
  // Empty prediction: recall 0, no precision term.
  auto empty = extract::shingle_match("a b c d", "");
  EXPECT_DOUBLE_EQ(empty.fn, 1.0);
  // Both empty: nothing counted.
  auto none = extract::shingle_match("", "");
  EXPECT_DOUBLE_EQ(none.tp + none.fp + none.fn, 0.0);

  // Averages: precision over pages with tp+fp > 0, recall over pages with tp+fn > 0.
  const auto avg = extract::average_prf({same, half, empty, none});
  EXPECT_DOUBLE_EQ(avg.precision, (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(avg.recall, (1.0 + 0.5 + 0.0) / 3);
  EXPECT_NEAR(avg.f1, 2 * 0.75 * 0.5 / 1.25, 1e-12);
}

}  // namespace
}  // namespace caspian
