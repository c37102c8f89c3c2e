// Internal: a fast, forgiving HTML tokenizer for article extraction.
//
// Why hand-written rather than gumbo or libxml2's HTML parser: extraction must run at many times
// the speed of python-readability (issue 3: >= 5x, goal 20x). A full DOM of every byte costs about
// 100 pages/s with gumbo and 250 pages/s with libxml2 on 188 KB pages, before any scoring. What
// extraction needs is far less than a DOM: tag names, a few attributes (class, id, itemprop, ...),
// text with entities decoded, and the contents of a few raw-text elements (JSON-LD scripts). This
// tokenizer follows the HTML5 tokenizer's states loosely (tags, attributes with or without quotes,
// comments, doctype, CDATA, raw text of script/style/textarea/title/...) and skips whole raw-text
// elements with memchr-driven scans, so it runs at hundreds of MB/s. It never fails: any byte
// sequence yields some token stream, and it never recurses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caspian::extract {

// Tags the extractor treats specially. Everything else is kOther (an inline element).
enum class Tag : uint8_t {
  kOther,
  // Document structure.
  kHtml, kHead, kBody, kTitle, kMeta, kLink, kBase,
  // Raw text or skipped content.
  kScript, kStyle, kNoscript, kTemplate, kTextarea, kXmp, kIframe, kNoembed, kNoframes, kPlaintext,
  kSvg, kMath, kSelect, kButton, kObject, kCanvas, kVideo, kAudio, kMap, kDialog,
  // Blocks.
  kAddress, kArticle, kAside, kBlockquote, kCenter, kDd, kDetails, kDir, kDiv, kDl, kDt, kFieldset,
  kFigcaption, kFigure, kFooter, kForm, kH1, kH2, kH3, kH4, kH5, kH6, kHeader, kHgroup, kHr, kLi,
  kMain, kMenu, kNav, kOl, kP, kPre, kSection, kSummary, kTable, kTbody, kThead, kTfoot, kTr, kTd,
  kTh, kCaption, kUl, kOption, kLabel, kInput,
  // Inline elements with meaning for extraction.
  kA, kBr, kImg, kTime, kSpan, kCode, kSup,
};

// Maps a lower-case tag name to its Tag (kOther when not listed).
Tag tag_from_name(std::string_view lower_name) noexcept;

struct HtmlAttr {
  std::string name;       // lower-case
  std::string_view value; // raw (entities not decoded), into the input
};

enum class TokenType : uint8_t { kStartTag, kEndTag, kText, kRawText, kEnd };

struct HtmlToken {
  TokenType type = TokenType::kEnd;
  Tag tag = Tag::kOther;
  std::string name;              // lower-case tag name (start and end tags)
  bool self_closing = false;
  std::vector<HtmlAttr> attrs;   // start tags only
  std::string_view text;         // kText: raw text (entities not decoded); kRawText: contents of
                                 // the raw-text element just started (script, style, title, ...)
  // Returns the raw value of attribute `lower_name`, or nullptr.
  const std::string_view* attr(std::string_view lower_name) const noexcept;
};

// Pull tokenizer over one page of bytes (any encoding that is ASCII-compatible; the caller
// converts to UTF-8 first). The input must outlive the tokens.
// For a raw-text element (script, style, textarea, title, xmp, noscript, iframe, noembed,
// noframes, plaintext) the start tag is followed by one kRawText token with its contents and by
// no end tag. Comments, doctypes and processing instructions are skipped.
class HtmlTokenizer {
 public:
  explicit HtmlTokenizer(std::string_view input) : in_(input) {}
  // Fills `token` with the next token; returns false (and type kEnd) at the end of input.
  bool next(HtmlToken& token);
  // Byte offset reached.
  size_t offset() const noexcept { return pos_; }

 private:
  bool lex_tag(HtmlToken& token);
  void skip_comment();
  void skip_until(char c);
  std::string_view raw_text_until_end_tag(std::string_view name);

  std::string_view in_;
  size_t pos_ = 0;
  std::string pending_raw_;  // name of a raw-text element whose contents come next
};

// Appends `raw` HTML text to `out` with character references decoded. When `collapse` is set,
// runs of ASCII whitespace become one space and `last_was_space` carries that state across calls
// (set it to true at the start of a paragraph to drop leading spaces). Invalid references are
// kept literally; numeric references to NUL, surrogates or beyond U+10FFFF become U+FFFD.
void append_html_text(std::string& out, std::string_view raw, bool collapse, bool& last_was_space);

// `raw` with character references decoded (no whitespace change).
std::string decode_html_text(std::string_view raw);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view s);

// True for the ASCII whitespace of HTML (space, tab, LF, FF, CR).
constexpr bool is_html_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

}  // namespace caspian::extract
