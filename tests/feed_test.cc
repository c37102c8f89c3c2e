// Feeds: RSS 2.0, RSS 1.0 (RDF), Atom; dates; entities and CDATA; recovery
// from ill-formed XML; one clear error for feeds without items; a few
// feedparser fixtures (tests/data/feeds, BSD-2-Clause).
#include "ingest/feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "caspian/ingest.h"
#include "temp_dir_test_base.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;
using std::chrono::year_month_day;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CASPIAN_SOURCE_DIR) + "/tests/data/feeds/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const kRss2 = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Caspian Wire &amp; Co</title>
  <link>https://wire.example.org/</link>
  <language>en-gb</language>
  <item>
    <title>Talks resume in Yerevan</title>
    <link>https://wire.example.org/2025/03/talks</link>
    <pubDate>Tue, 04 Mar 2025 23:30:00 -0500</pubDate>
    <author>desk@wire.example.org (Ana Petrosyan)</author>
    <category>Politics</category>
    <description>&lt;p&gt;Negotiators met in &lt;b&gt;Yerevan&lt;/b&gt; on Monday.&lt;/p&gt;&lt;p&gt;They agreed to meet again &amp;amp; talk.&lt;/p&gt;</description>
  </item>
  <item>
    <title><![CDATA[Oil & gas: <em>pipeline</em> deal]]></title>
    <guid isPermaLink="true">https://wire.example.org/2025/03/pipeline</guid>
    <dc:creator>Bo Li</dc:creator>
    <dc:date>2025-03-05T08:00:00Z</dc:date>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<p>The full text of the pipeline story.</p><script>alert(1)</script><p>Second paragraph.</p>]]></content:encoded>
  </item>
  <item><pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate></item>
</channel>
</rss>)";

TEST(FeedTest, Rss2ItemsBecomeDocuments) {
  ReadStats stats;
  auto docs = documents_from_feed(kRss2, &stats);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  ASSERT_EQ(docs->size(), 2U);
  const Document& a = (*docs)[0];
  EXPECT_EQ(a.title, "Talks resume in Yerevan");
  EXPECT_EQ(a.url, "https://wire.example.org/2025/03/talks");
  EXPECT_EQ(a.source, "Caspian Wire & Co");
  EXPECT_EQ(a.body(), "Negotiators met in Yerevan on Monday.\n\nThey agreed to meet again & talk.");
  ASSERT_TRUE(a.published);
  EXPECT_EQ(*a.published, ymd(2025, 3, 4));  // the date as written, not moved to UTC
  EXPECT_EQ(a.attribution, "Ana Petrosyan");
  EXPECT_EQ(a.language, "en");
  ASSERT_EQ(a.categories.size(), 1U);
  EXPECT_EQ(a.categories[0], "Politics");

  const Document& b = (*docs)[1];
  EXPECT_EQ(b.title, "Oil & gas: pipeline deal");
  EXPECT_EQ(b.url, "https://wire.example.org/2025/03/pipeline");                     // permalink guid
  EXPECT_EQ(b.body(), "The full text of the pipeline story.\n\nSecond paragraph.");  // content:encoded wins
  EXPECT_EQ(b.attribution, "Bo Li");
  ASSERT_TRUE(b.published);
  EXPECT_EQ(*b.published, ymd(2025, 3, 5));

  EXPECT_EQ(stats.feed_items, 3U);
  EXPECT_EQ(stats.skipped["feed item without title or text"], 1U);
}

TEST(FeedTest, RdfRss10) {
  const char* rdf = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://example.com/"><title>RDF Feed</title><link>http://example.com/</link></channel>
  <item rdf:about="http://example.com/1">
    <title>First</title><link>http://example.com/1</link>
    <description>One.</description><dc:date>2004-02-03</dc:date><dc:creator>Jane</dc:creator>
  </item>
  <item rdf:about="http://example.com/2"><title>Second</title><link>http://example.com/2</link></item>
</rdf:RDF>)";
  auto docs = documents_from_feed(rdf);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  ASSERT_EQ(docs->size(), 2U);
  EXPECT_EQ((*docs)[0].title, "First");
  EXPECT_EQ((*docs)[0].source, "RDF Feed");
  EXPECT_EQ((*docs)[0].url, "http://example.com/1");
  EXPECT_EQ((*docs)[0].attribution, "Jane");
  ASSERT_TRUE((*docs)[0].published);
  EXPECT_EQ(*(*docs)[0].published, ymd(2004, 2, 3));
  EXPECT_EQ((*docs)[1].title, "Second");
  EXPECT_EQ((*docs)[1].body(), "");
}

TEST(FeedTest, Atom10) {
  const char* atom = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://atom.example.org/news/">
  <title type="text">Atom &lt;Feed&gt;</title>
  <entry>
    <title type="html">Le &lt;i&gt;sommet&lt;/i&gt; de Bakou</title>
    <link rel="self" href="https://atom.example.org/self"/>
    <link rel="alternate" type="text/html" href="2025/sommet"/>
    <id>urn:uuid:1</id>
    <updated>2025-03-07T10:00:00+01:00</updated>
    <published>2025-03-06T09:00:00+01:00</published>
    <author><name>Marie Curie</name><email>m@example.org</email></author>
    <author><name>Pierre</name></author>
    <summary>Résumé court.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Premier paragraphe.</p><p>Second <b>paragraphe</b>.</p></div></content>
  </entry>
</feed>)";
  auto docs = documents_from_feed(atom);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  ASSERT_EQ(docs->size(), 1U);
  const Document& d = (*docs)[0];
  EXPECT_EQ(d.title, "Le sommet de Bakou");
  EXPECT_EQ(d.source, "Atom <Feed>");
  EXPECT_EQ(d.url, "https://atom.example.org/news/2025/sommet");  // resolved against xml:base
  EXPECT_EQ(d.body(), "Premier paragraphe.\n\nSecond paragraphe.");
  EXPECT_EQ(d.attribution, "Marie Curie, Pierre");
  EXPECT_EQ(d.language, "fr");
  ASSERT_TRUE(d.published);
  EXPECT_EQ(*d.published, ymd(2025, 3, 6));  // published before updated
}

TEST(FeedTest, IllFormedFeedsRecoverWhatTheyCan) {
  // Unclosed elements, an undeclared HTML entity, an undeclared prefix, a
  // stray ampersand.
  const char* broken = R"(<rss version="2.0"><channel><title>Broken</title>
<item><title>First&nbsp;item</title><description>Text with AT&T and <b>bold</description>
<dc:creator>Undeclared Prefix</dc:creator></item>
<item><title>Second item</title>)";
  auto docs = documents_from_feed(broken);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  ASSERT_GE(docs->size(), 1U);
  EXPECT_EQ((*docs)[0].title, "First\u00a0item");
  EXPECT_NE((*docs)[0].body().find("AT"), std::string_view::npos);
}

TEST(FeedTest, EmptyOrItemlessFeedsGiveOneClearError) {
  EXPECT_EQ(documents_from_feed("").status().code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(documents_from_feed("  \n").status().code(), ErrorCode::kEmptyInput);
  auto no_items = documents_from_feed("<rss version=\"2.0\"><channel><title>t</title></channel></rss>");
  EXPECT_EQ(no_items.status().code(), ErrorCode::kEmptyInput);
  EXPECT_NE(no_items.status().message().find("no items"), std::string::npos);
  auto empty_items = documents_from_feed("<rss><channel><item><link>http://x/</link></item></channel></rss>");
  EXPECT_EQ(empty_items.status().code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(documents_from_feed("just some text").status().code(), ErrorCode::kParseError);
  auto html = documents_from_feed("<html><body><p>hello</p></body></html>");
  EXPECT_EQ(html.status().code(), ErrorCode::kParseError);
  EXPECT_NE(html.status().message().find("<html>"), std::string::npos) << html.status().message();
}

TEST(FeedTest, NoExternalEntitiesAndNoEntityBlowUp) {
  const char* xxe = R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>XXE</title><description>before &xxe; after</description></item></channel></rss>)";
  auto docs = documents_from_feed(xxe);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  EXPECT_EQ((*docs)[0].body().find("root:"), std::string_view::npos);

  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY l0 \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    laughs += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) laughs += "&l" + std::to_string(i - 1) + ";";
    laughs += "\">\n";
  }
  laughs +=
      "]>\n<rss><channel><item><title>Laughs</title><description>&l9;</description></item></channel></rss>";
  auto bomb = documents_from_feed(laughs);  // must return (items or an error), quickly and small
  if (bomb.ok()) {
    for (const Document& d : *bomb) EXPECT_LT(d.text.size(), 100000U);
  }
}

TEST(FeedTest, FeedparserFixtures) {
  auto xhtml = documents_from_feed(fixture("entry_content_inline_markup.xml"));
  ASSERT_TRUE(xhtml.ok()) << xhtml.status().to_string();
  EXPECT_EQ((*xhtml)[0].body(), "Example Atom");
  auto escaped = documents_from_feed(fixture("entry_content_escaped_markup.xml"));
  ASSERT_TRUE(escaped.ok()) << escaped.status().to_string();
  EXPECT_EQ((*escaped)[0].body(), "Example Atom");
  // type="html" whose escaped markup is wrapped in a <div> (TypePad).
  auto div_escaped = documents_from_feed(fixture("entry_content_div_escaped_markup.xml"));
  ASSERT_TRUE(div_escaped.ok()) << div_escaped.status().to_string();
  EXPECT_EQ((*div_escaped)[0].body(), "Example Atom");
  // Thai in TIS-620 with no declaration: ICU's detector has no recogniser for it and guesses
  // UTF-16BE; the most coherent decoding is Thai.
  auto thai = documents_from_feed(fixture("tis620.xml"));
  ASSERT_TRUE(thai.ok()) << thai.status().to_string();
  EXPECT_EQ((*thai)[0].body().substr(0, 24), "\u0e2a\u0e33\u0e19\u0e31\u0e01\u0e07\u0e32\u0e19");  // "office"
  EXPECT_EQ((*thai)[0].body().find("\ufffd"), std::string::npos);
  EXPECT_NE((*thai)[0].body().find("\u201cMambo Template Contest\u201d"), std::string::npos);
  auto plain = documents_from_feed(fixture("entry_content_text_plain_brackets.xml"));
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  EXPECT_EQ((*plain)[0].body(), "History of the <blink> tag");
  auto euc_kr = documents_from_feed(fixture("euc-kr-item.xml"));
  ASSERT_TRUE(euc_kr.ok()) << euc_kr.status().to_string();
  EXPECT_EQ((*euc_kr)[0].body(), "\ub144");
  // Ill-formed: a CDATA section cut off, an undeclared KOI8-R encoding, an
  // empty document. Items or one error, never a crash.
  auto cdata = documents_from_feed(fixture("rss_incomplete_cdata.xml"));
  EXPECT_TRUE(cdata.ok() || !cdata.status().message().empty());
  auto koi8 = documents_from_feed(fixture("koi8r.xml"));
  ASSERT_TRUE(koi8.ok()) << koi8.status().to_string();
  EXPECT_FALSE((*koi8)[0].text.empty());
  EXPECT_EQ(documents_from_feed(fixture("rss_empty_document.xml")).status().code(), ErrorCode::kParseError);
}

TEST(FeedDateTest, FormatsFeedsUse) {
  using ingest::parse_feed_date;
  EXPECT_EQ(parse_feed_date("Thu, 01 Jan 2004 19:48:21 GMT"), ymd(2004, 1, 1));
  EXPECT_EQ(parse_feed_date("Thu, 1 Jan 04 19:48 +0000"), ymd(2004, 1, 1));
  EXPECT_EQ(parse_feed_date("01 January 1999 00:00:00 -0800"), ymd(1999, 1, 1));
  EXPECT_EQ(parse_feed_date("Sun Jan  4 16:29:06 PST 2004"), ymd(2004, 1, 4));
  EXPECT_EQ(parse_feed_date("2003-12-31T10:14:55Z"), ymd(2003, 12, 31));
  EXPECT_EQ(parse_feed_date("2003-12-31T10:14:55.123-08:00"), ymd(2003, 12, 31));
  EXPECT_EQ(parse_feed_date("2003-12-31 10:14:55"), ymd(2003, 12, 31));
  EXPECT_EQ(parse_feed_date("20031231T101455Z"), ymd(2003, 12, 31));
  EXPECT_EQ(parse_feed_date("2003-12"), ymd(2003, 12, 1));
  EXPECT_EQ(parse_feed_date("2003"), ymd(2003, 1, 1));
  EXPECT_EQ(parse_feed_date("2004-032"), ymd(2004, 2, 1));  // ordinal
  EXPECT_EQ(parse_feed_date("2004/01/04 16:29"), ymd(2004, 1, 4));
  EXPECT_EQ(parse_feed_date("January 4, 2004"), ymd(2004, 1, 4));
  EXPECT_EQ(parse_feed_date("4th January 2004"), ymd(2004, 1, 4));
  EXPECT_EQ(parse_feed_date("12/31/2003"), ymd(2003, 12, 31));
  EXPECT_EQ(parse_feed_date("  Mon, 31 Dec 2029 12:00:00 Z  "), ymd(2029, 12, 31));
  EXPECT_FALSE(parse_feed_date(""));
  EXPECT_FALSE(parse_feed_date("tomorrow"));
  EXPECT_FALSE(parse_feed_date("2003-02-30"));
  EXPECT_FALSE(parse_feed_date("Fri, 31 Feb 2004 10:00:00 GMT"));
  EXPECT_FALSE(parse_feed_date("2003-13-01"));
}

TEST(FeedTest, HtmlFragmentToText) {
  using ingest::html_fragment_to_text;
  EXPECT_EQ(html_fragment_to_text("plain   text\n  here"), "plain text here");
  EXPECT_EQ(html_fragment_to_text("<p>a &amp; b</p><p>c&nbsp;d</p>"), "a & b\n\nc\u00a0d");
  EXPECT_EQ(html_fragment_to_text("<div>x<br>y</div><style>p{}</style><script>z()</script>"), "x\n\ny");
  EXPECT_EQ(html_fragment_to_text("&lt;not a tag&gt;"), "<not a tag>");
  EXPECT_EQ(html_fragment_to_text("bad \xff byte"), "bad \xef\xbf\xbd byte");
}

class FeedReadTest : public caspian::test_support::TempDirTest {
 protected:
  FeedReadTest() : TempDirTest("caspian_feed_test_") {}
};

TEST_F(FeedReadTest, DetectedByExtensionAndByContent) {
  for (const std::string name : {"wire.rss", "wire.dat", "wire.xml"}) {
    const std::string path = write(name, kRss2);
    std::vector<std::string> origins;
    ASSERT_TRUE(read_inputs({path}, {}, [&](const RecordOrigin& o, Result<Document> d) {
                  EXPECT_TRUE(d.ok()) << d.status().to_string();
                  origins.push_back(o.to_string());
                  return true;
                }).ok());
    ASSERT_EQ(origins.size(), 2U) << name;
    EXPECT_EQ(origins[0], path + "#1");
    EXPECT_EQ(origins[1], path + "#2");
  }
  // Forced to text, the same bytes are one plain-text document.
  ReadOptions text;
  text.format = InputFormat::kText;
  int n = 0;
  ASSERT_TRUE(read_inputs({write("x.rss", kRss2)}, text, [&](const RecordOrigin&, Result<Document>) {
                ++n;
                return true;
              }).ok());
  EXPECT_EQ(n, 1);
}

TEST(InputFormatTest, NamesRoundTrip) {
  for (InputFormat f : {InputFormat::kAuto, InputFormat::kText, InputFormat::kJson, InputFormat::kJsonl,
                        InputFormat::kHtml, InputFormat::kFeed, InputFormat::kWarc}) {
    auto parsed = input_format_from_name(to_string(f));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_EQ(input_format_from_name("rss").status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace caspian
