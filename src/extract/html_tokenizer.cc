// Internal: the HTML tokenizer and character-reference decoding (see html_tokenizer.h).
#include "extract/html_tokenizer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "caspian/utf8.h"

namespace caspian::extract {

namespace {

// Attributes kept per tag; pathological tags with more are tokenized but the rest is dropped.
constexpr size_t kMaxAttrs = 64;
// The longest named character reference ("&CounterClockwiseContourIntegral;" is 33).
constexpr size_t kMaxEntityName = 40;
// Numeric references are read up to this many digits (beyond: not a reference).
constexpr size_t kMaxNumericDigits = 8;
constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

struct TagName {
  std::string_view name;
  Tag tag;
};

// Sorted by name for binary search.
constexpr TagName kTags[] = {
    {"a", Tag::kA},           {"address", Tag::kAddress},     {"article", Tag::kArticle},
    {"aside", Tag::kAside},   {"audio", Tag::kAudio},         {"base", Tag::kBase},
    {"blockquote", Tag::kBlockquote}, {"body", Tag::kBody},   {"br", Tag::kBr},
    {"button", Tag::kButton}, {"canvas", Tag::kCanvas},       {"caption", Tag::kCaption},
    {"center", Tag::kCenter}, {"code", Tag::kCode},           {"dd", Tag::kDd},
    {"details", Tag::kDetails}, {"dialog", Tag::kDialog},     {"dir", Tag::kDir},
    {"div", Tag::kDiv},       {"dl", Tag::kDl},               {"dt", Tag::kDt},
    {"fieldset", Tag::kFieldset}, {"figcaption", Tag::kFigcaption}, {"figure", Tag::kFigure},
    {"footer", Tag::kFooter}, {"form", Tag::kForm},           {"h1", Tag::kH1},
    {"h2", Tag::kH2},         {"h3", Tag::kH3},               {"h4", Tag::kH4},
    {"h5", Tag::kH5},         {"h6", Tag::kH6},               {"head", Tag::kHead},
    {"header", Tag::kHeader}, {"hgroup", Tag::kHgroup},       {"hr", Tag::kHr},
    {"html", Tag::kHtml},     {"iframe", Tag::kIframe},       {"img", Tag::kImg},
    {"input", Tag::kInput},   {"label", Tag::kLabel},         {"li", Tag::kLi},
    {"link", Tag::kLink},     {"main", Tag::kMain},           {"map", Tag::kMap},
    {"math", Tag::kMath},     {"menu", Tag::kMenu},           {"meta", Tag::kMeta},
    {"nav", Tag::kNav},       {"noembed", Tag::kNoembed},     {"noframes", Tag::kNoframes},
    {"noscript", Tag::kNoscript}, {"object", Tag::kObject},   {"ol", Tag::kOl},
    {"option", Tag::kOption}, {"p", Tag::kP},                 {"plaintext", Tag::kPlaintext},
    {"pre", Tag::kPre},       {"script", Tag::kScript},       {"section", Tag::kSection},
    {"select", Tag::kSelect}, {"span", Tag::kSpan},           {"style", Tag::kStyle},
    {"summary", Tag::kSummary}, {"sup", Tag::kSup},           {"svg", Tag::kSvg},
    {"table", Tag::kTable},   {"tbody", Tag::kTbody},         {"td", Tag::kTd},
    {"template", Tag::kTemplate}, {"textarea", Tag::kTextarea}, {"tfoot", Tag::kTfoot},
    {"th", Tag::kTh},         {"thead", Tag::kThead},         {"time", Tag::kTime},
    {"title", Tag::kTitle},   {"tr", Tag::kTr},               {"ul", Tag::kUl},
    {"video", Tag::kVideo},   {"xmp", Tag::kXmp},
};

struct Entity {
  std::string_view name;
  std::string_view value;
};

constexpr Entity kEntities[] = {
#include "extract/html_entities.inc"
};

bool is_raw_text(Tag t) noexcept {
  switch (t) {
    case Tag::kScript: case Tag::kStyle: case Tag::kTextarea: case Tag::kTitle: case Tag::kXmp:
    case Tag::kNoscript: case Tag::kIframe: case Tag::kNoembed: case Tag::kNoframes:
    case Tag::kPlaintext:
      return true;
    default:
      return false;
  }
}

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals_prefix(std::string_view s, size_t pos, std::string_view lower_word) noexcept {
  if (s.size() - pos < lower_word.size()) return false;
  for (size_t i = 0; i < lower_word.size(); ++i) {
    if (lower(s[pos + i]) != lower_word[i]) return false;
  }
  return true;
}

// Decodes the character reference starting at raw[pos] == '&'. On success appends the
// replacement, advances pos past the reference and returns true.
bool decode_reference(std::string_view raw, size_t& pos, std::string& out) {
  const size_t start = pos + 1;
  if (start >= raw.size()) return false;
  if (raw[start] == '#') {
    size_t p = start + 1;
    const bool hex = p < raw.size() && (raw[p] == 'x' || raw[p] == 'X');
    if (hex) ++p;
    const size_t digits_begin = p;
    uint32_t cp = 0;
    while (p < raw.size() && p - digits_begin < kMaxNumericDigits &&
           (hex ? std::isxdigit(static_cast<unsigned char>(raw[p])) != 0 : is_digit(raw[p]))) {
      const char c = raw[p];
      const uint32_t d = is_digit(c) ? c - '0' : static_cast<uint32_t>(lower(c) - 'a' + 10);
      cp = cp * (hex ? 16 : 10) + d;
      ++p;
    }
    if (p == digits_begin) return false;
    if (p < raw.size() && raw[p] == ';') ++p;
    char32_t c = cp;
    // Windows-1252 C1 remapping, as HTML5 does for &#150; and friends.
    static constexpr std::array<char16_t, 32> kC1 = {
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
    if (c >= 0x80 && c <= 0x9F) c = kC1[c - 0x80];
    if (c == 0 || c > kMaxCodePoint || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacement;
    utf8::append(out, c);
    pos = p;
    return true;
  }
  // Named: the longest entity name that matches (legacy names may lack the ';').
  size_t end = start;
  while (end < raw.size() && end - start < kMaxEntityName &&
         (is_alpha(raw[end]) || is_digit(raw[end]))) {
    ++end;
  }
  if (end == start) return false;
  const auto lookup = [](std::string_view name) -> const Entity* {
    const auto* it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                                      [](const Entity& e, std::string_view n) { return e.name < n; });
    return (it != std::end(kEntities) && it->name == name) ? it : nullptr;
  };
  if (end < raw.size() && raw[end] == ';') {
    if (const Entity* e = lookup(raw.substr(start, end + 1 - start))) {
      out.append(e->value);
      pos = end + 1;
      return true;
    }
  }
  // Legacy references without ';' ("&amp", "&copy2019"): the longest prefix that is one.
  constexpr size_t kMaxLegacyName = 6;
  for (size_t len = std::min(end - start, kMaxLegacyName); len >= 2; --len) {
    if (const Entity* e = lookup(raw.substr(start, len))) {
      out.append(e->value);
      pos = start + len;
      return true;
    }
  }
  return false;
}

}  // namespace

Tag tag_from_name(std::string_view n) noexcept {
  const auto* it = std::lower_bound(std::begin(kTags), std::end(kTags), n,
                                    [](const TagName& t, std::string_view s) { return t.name < s; });
  return (it != std::end(kTags) && it->name == n) ? it->tag : Tag::kOther;
}

const std::string_view* HtmlToken::attr(std::string_view lower_name) const noexcept {
  for (const HtmlAttr& a : attrs) {
    if (a.name == lower_name) return &a.value;
  }
  return nullptr;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

void HtmlTokenizer::skip_until(char c) {
  const void* p = std::memchr(in_.data() + pos_, c, in_.size() - pos_);
  pos_ = p == nullptr ? in_.size() : static_cast<size_t>(static_cast<const char*>(p) - in_.data()) + 1;
}

void HtmlTokenizer::skip_comment() {
  // pos_ is just after "<!--".
  const size_t end = in_.find("-->", pos_);
  pos_ = end == std::string_view::npos ? in_.size() : end + 3;
}

std::string_view HtmlTokenizer::raw_text_until_end_tag(std::string_view name) {
  const size_t begin = pos_;
  size_t p = pos_;
  while (p < in_.size()) {
    const void* lt = std::memchr(in_.data() + p, '<', in_.size() - p);
    if (lt == nullptr) break;
    p = static_cast<size_t>(static_cast<const char*>(lt) - in_.data());
    if (p + 1 < in_.size() && in_[p + 1] == '/' && iequals_prefix(in_, p + 2, name)) {
      const size_t after = p + 2 + name.size();
      if (after >= in_.size() || is_html_space(in_[after]) || in_[after] == '>' || in_[after] == '/') {
        const std::string_view text = in_.substr(begin, p - begin);
        pos_ = after;
        skip_until('>');
        return text;
      }
    }
    ++p;
  }
  pos_ = in_.size();
  return in_.substr(begin);
}

bool HtmlTokenizer::lex_tag(HtmlToken& t) {
  // in_[pos_] == '<' and the next byte starts a tag name (after an optional '/').
  const bool end_tag = in_[pos_ + 1] == '/';
  size_t p = pos_ + (end_tag ? 2 : 1);
  const size_t name_begin = p;
  while (p < in_.size() && !is_html_space(in_[p]) && in_[p] != '/' && in_[p] != '>') ++p;
  t.name.assign(in_.data() + name_begin, p - name_begin);
  for (char& c : t.name) c = lower(c);
  t.tag = tag_from_name(t.name);
  t.type = end_tag ? TokenType::kEndTag : TokenType::kStartTag;
  t.self_closing = false;
  t.attrs.clear();
  // Attributes.
  while (p < in_.size()) {
    while (p < in_.size() && (is_html_space(in_[p]) || in_[p] == '/')) {
      if (in_[p] == '/' && p + 1 < in_.size() && in_[p + 1] == '>') t.self_closing = true;
      ++p;
    }
    if (p >= in_.size()) break;
    if (in_[p] == '>') {
      ++p;
      break;
    }
    const size_t an = p;
    ++p;  // the first character may be anything, even '='
    while (p < in_.size() && !is_html_space(in_[p]) && in_[p] != '/' && in_[p] != '>' && in_[p] != '=') ++p;
    const std::string_view attr_name = in_.substr(an, p - an);
    while (p < in_.size() && is_html_space(in_[p])) ++p;
    std::string_view value;
    if (p < in_.size() && in_[p] == '=') {
      ++p;
      while (p < in_.size() && is_html_space(in_[p])) ++p;
      if (p < in_.size() && (in_[p] == '"' || in_[p] == '\'')) {
        const char q = in_[p++];
        const void* e = std::memchr(in_.data() + p, q, in_.size() - p);
        const size_t ve = e == nullptr ? in_.size() : static_cast<size_t>(static_cast<const char*>(e) - in_.data());
        value = in_.substr(p, ve - p);
        p = ve == in_.size() ? ve : ve + 1;
      } else {
        const size_t vb = p;
        while (p < in_.size() && !is_html_space(in_[p]) && in_[p] != '>') ++p;
        value = in_.substr(vb, p - vb);
      }
    }
    if (!end_tag && t.attrs.size() < kMaxAttrs) t.attrs.push_back({ascii_lower(attr_name), value});
  }
  pos_ = p;
  if (!end_tag && is_raw_text(t.tag) && !t.self_closing) pending_raw_ = t.name;
  return true;
}

bool HtmlTokenizer::next(HtmlToken& t) {
  t.text = {};
  if (!pending_raw_.empty()) {
    std::string name;
    name.swap(pending_raw_);
    t.type = TokenType::kRawText;
    t.tag = tag_from_name(name);
    t.name = std::move(name);
    t.attrs.clear();
    t.text = t.tag == Tag::kPlaintext ? in_.substr(pos_) : raw_text_until_end_tag(t.name);
    if (t.tag == Tag::kPlaintext) pos_ = in_.size();
    return true;
  }
  while (pos_ < in_.size()) {
    if (in_[pos_] != '<') {
      const void* lt = std::memchr(in_.data() + pos_, '<', in_.size() - pos_);
      const size_t end = lt == nullptr ? in_.size() : static_cast<size_t>(static_cast<const char*>(lt) - in_.data());
      t.type = TokenType::kText;
      t.text = in_.substr(pos_, end - pos_);
      pos_ = end;
      return true;
    }
    // in_[pos_] == '<'
    const size_t rest = in_.size() - pos_;
    if (rest >= 2 && is_alpha(in_[pos_ + 1])) return lex_tag(t);
    if (rest >= 3 && in_[pos_ + 1] == '/' && is_alpha(in_[pos_ + 2])) return lex_tag(t);
    if (rest >= 4 && in_.compare(pos_, 4, "<!--") == 0) {
      pos_ += 4;
      skip_comment();
      continue;
    }
    if (rest >= 9 && in_.compare(pos_, 9, "<![CDATA[") == 0) {
      const size_t end = in_.find("]]>", pos_ + 9);
      pos_ = end == std::string_view::npos ? in_.size() : end + 3;
      continue;
    }
    if (rest >= 2 && (in_[pos_ + 1] == '!' || in_[pos_ + 1] == '?' || in_[pos_ + 1] == '/')) {
      ++pos_;
      skip_until('>');
      continue;
    }
    // A lone '<' is text.
    t.type = TokenType::kText;
    t.text = in_.substr(pos_, 1);
    ++pos_;
    return true;
  }
  t.type = TokenType::kEnd;
  return false;
}

void append_html_text(std::string& out, std::string_view raw, bool collapse, bool& last_was_space) {
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c == '&') {
      const size_t before = out.size();
      if (decode_reference(raw, i, out)) {
        // A decoded no-break space counts as ordinary text; decoded text is never collapsed.
        if (out.size() > before) last_was_space = false;
        continue;
      }
    }
    if (collapse && is_html_space(c)) {
      if (!last_was_space) out.push_back(' ');
      last_was_space = true;
      ++i;
      continue;
    }
    // Copy a run of ordinary bytes in one go.
    size_t j = i + 1;
    while (j < raw.size() && raw[j] != '&' && !(collapse && is_html_space(raw[j]))) ++j;
    out.append(raw.data() + i, j - i);
    last_was_space = false;
    i = j;
  }
}

std::string decode_html_text(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  append_html_text(out, raw, false, space);
  return out;
}

}  // namespace caspian::extract
