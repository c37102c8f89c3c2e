// Internal: the light page model the extractor scores.
//
// Instead of a DOM, parse_page() keeps only what extraction needs (see html_tokenizer.h for why):
//  * a tree of block elements (div, p, section, li, td, ...) in document order (pre-order, so a
//    node's subtree is the index range [i, nodes[i].end)); inline elements (a, span, b, ...) make
//    no node, their text goes to the enclosing block;
//  * text units: the runs of text between block boundaries (a paragraph, a heading, a list item,
//    or the loose text of a div), each with its link text counted, attached to its block;
//  * the page's metadata sources: <title>, <meta>, <link rel=canonical>, JSON-LD scripts,
//    <time datetime>, <html lang>.
// Everything is built in one pass with an explicit stack: deep nesting cannot exhaust the call
// stack (beyond kMaxOpenElements open elements, new elements are treated as inline).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/html_tokenizer.h"

namespace caspian::extract {

inline constexpr uint32_t kNoNode = UINT32_MAX;
// Open elements tracked at once; deeper elements are flattened into their ancestor.
inline constexpr size_t kMaxOpenElements = 512;
// Separates the texts of nested elements inside a captured byline or date.
inline constexpr char kElementBoundary = '\x1F';

// Node flags.
enum NodeFlag : uint16_t {
  kJunkTag = 1 << 0,       // boilerplate by tag or ARIA role (nav, aside, footer, role=navigation)
  kUnlikely = 1 << 3,      // boilerplate by class/id (share bar, comments, related, cookie notice)
  kHidden = 1 << 4,        // hidden attribute or display:none / visibility:hidden style
  kArticleBody = 1 << 1,   // itemprop="articleBody" (schema.org)
  kPositiveRole = 1 << 2,  // role="main" / role="article"
};

struct Node {
  Tag tag = Tag::kOther;
  uint32_t parent = kNoNode;
  uint32_t end = 0;       // one past the last node of this subtree
  int class_weight = 0;   // readability-style class/id weight (+25 positive, -25 negative, each)
  uint16_t flags = 0;
  // Counts over units and elements directly in this node (aggregated over subtrees later).
  uint32_t chars = 0;        // code points of text
  uint32_t link_chars = 0;   // ... of which inside links
  uint32_t commas = 0;
  uint32_t images = 0;
  uint32_t inputs = 0;
  uint32_t embeds = 0;
  std::string classes;       // lower-case "class id" (kept only for sibling comparisons)
};

struct Unit {
  std::string text;  // collapsed whitespace (kept in <pre>), entities decoded, trimmed
  uint32_t node = 0;
  uint32_t chars = 0;
  uint32_t link_chars = 0;
  Tag kind = Tag::kOther;  // tag of the innermost block (kP, kH2, kLi, kPre, kBlockquote, ...)
  bool in_quote = false;   // inside a <blockquote>
  bool in_list = false;    // inside a <li>
};

struct MetaTag {
  std::string key;      // lower-case name, property, itemprop or http-equiv
  std::string content;  // decoded
};

struct TimeTag {
  std::string datetime;
  uint32_t node = 0;  // block it appeared in
  bool published = false;  // itemprop=datePublished, pubdate, or class hints "publish"/"posted"
};

struct Page {
  std::vector<Node> nodes;  // nodes[0] is the document root
  std::vector<Unit> units;
  std::string title;        // <title>
  std::string lang;         // <html lang>
  std::string canonical;    // <link rel=canonical href>
  std::vector<MetaTag> metas;
  std::vector<std::string> json_ld;  // raw contents of application/ld+json scripts
  std::vector<TimeTag> times;
  std::vector<std::string> h1;       // texts of <h1> elements (for the headline)
  // Texts of elements marked as author/byline, and as dates (class "date", "published", <time>),
  // with kElementBoundary between the texts of different elements.
  std::vector<std::string> bylines;
  std::vector<std::string> date_texts;
};

// Parses UTF-8 HTML into the page model. Never fails; any input gives some (maybe empty) page.
Page parse_page(std::string_view html);

// Number of code points in valid UTF-8 `s`.
uint32_t count_code_points(std::string_view s) noexcept;

}  // namespace caspian::extract
