// Internal: one pass from tokens to the light page model (see page.h).
#include "extract/page.h"

#include <algorithm>
#include <array>
#include <span>

namespace caspian::extract {

namespace {

// How far down the open-element stack an end tag looks for its start tag. Bounds the work on
// adversarial input (many stray end tags over a deep stack).
constexpr size_t kMaxEndTagSearch = 256;
// Captured bylines longer than this are not bylines.
constexpr size_t kMaxBylineBytes = 200;
// Text captured from byline and date elements (Page::bylines, Page::date_texts).
constexpr size_t kBylineCapture = 0;
constexpr size_t kDateCapture = 1;
constexpr size_t kCaptures = 2;
// Class/id weights, as in Mozilla Readability.
constexpr int kClassWeight = 25;

// Substrings of class/id that mark boilerplate (Readability's "unlikely candidates", plus cookie
// and consent notices, newsletters, share bars and recommendation widgets).
constexpr std::string_view kUnlikelyClasses[] = {
    "-ad-", "ai2html", "banner", "breadcrumb", "combx", "comment", "community", "cover-wrap",
    "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
    "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
    "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote", "cookie", "consent",
    "newsletter", "share", "sharing", "subscribe", "recommend", "trending", "most-popular",
    "mostpopular", "most-read", "outbrain", "taboola", "advert", "promo"};
// ... unless one of these is present too (Readability's "ok maybe its a candidate").
constexpr std::string_view kMaybe[] = {"and", "article", "body", "column", "content", "main", "shadow"};
constexpr std::string_view kPositive[] = {"article", "body", "content", "entry", "hentry", "h-entry",
                                          "main", "page", "pagination", "post", "text", "blog", "story"};
constexpr std::string_view kNegative[] = {
    "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead",
    "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar",
    "skyscraper", "sponsor", "shopping", "tags", "widget"};
constexpr std::string_view kBylineHints[] = {"byline", "author", "dateline", "writtenby", "p-author"};
constexpr std::string_view kDateHints[] = {"date", "publish", "posted", "dateline", "timestamp"};
constexpr std::string_view kJunkRoles[] = {"navigation", "menu", "menubar", "complementary", "alert",
                                           "alertdialog", "dialog", "banner", "contentinfo", "search"};

bool contains_any(std::string_view s, std::span<const std::string_view> words) {
  for (std::string_view w : words) {
    if (s.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// Which of the word lists above occur in a class/id string.
enum ClassHint : uint8_t {
  kHintUnlikely = 1 << 0,
  kHintMaybe = 1 << 1,
  kHintPositive = 1 << 2,
  kHintNegative = 1 << 3,
  kHintByline = 1 << 4,
  kHintDate = 1 << 5,
};

// Finds all hint words in one scan: the words are grouped by their first byte, so each position
// of the class string is compared with a handful of words (instead of ~100 substring searches
// per element, which dominated the profile).
class HintMatcher {
 public:
  HintMatcher() {
    add(kUnlikelyClasses, kHintUnlikely);
    add(kMaybe, kHintMaybe);
    add(kPositive, kHintPositive);
    add(kNegative, kHintNegative);
    add(kBylineHints, kHintByline);
    add(kDateHints, kHintDate);
  }
  uint8_t match(std::string_view s) const {
    uint8_t hints = 0;
    const size_t n = s.size();
    for (size_t i = 0; i + 1 < n; ++i) {
      for (const Word& w : by_first_[static_cast<unsigned char>(s[i])]) {
        // Inline byte compare: most candidates fail on the second byte, and a memcmp call per
        // candidate showed up at 15% of the extraction profile (long utility-class strings).
        if ((hints & w.hint) != 0 || s[i + 1] != w.text[1] || n - i < w.text.size()) continue;
        size_t k = 2;
        while (k < w.text.size() && s[i + k] == w.text[k]) ++k;
        if (k == w.text.size()) hints |= w.hint;
      }
    }
    return hints;
  }

 private:
  struct Word {
    std::string_view text;
    uint8_t hint;
  };
  void add(std::span<const std::string_view> words, uint8_t hint) {
    for (std::string_view w : words) by_first_[static_cast<unsigned char>(w.front())].push_back({w, hint});
  }
  std::array<std::vector<Word>, 256> by_first_;
};

const HintMatcher& hint_matcher() {
  static const HintMatcher matcher;  // immutable after (thread-safe) initialisation
  return matcher;
}

int weight_of(uint8_t hints) {
  int w = 0;
  if ((hints & kHintNegative) != 0) w -= kClassWeight;
  if ((hints & kHintPositive) != 0) w += kClassWeight;
  return w;
}

bool is_block(Tag t) noexcept {
  switch (t) {
    case Tag::kBody: case Tag::kArticle: case Tag::kMain: case Tag::kSection: case Tag::kDiv:
    case Tag::kP: case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5:
    case Tag::kH6: case Tag::kUl: case Tag::kOl: case Tag::kLi: case Tag::kDl: case Tag::kDt:
    case Tag::kDd: case Tag::kBlockquote: case Tag::kPre: case Tag::kTable: case Tag::kTbody:
    case Tag::kThead: case Tag::kTfoot: case Tag::kTr: case Tag::kTd: case Tag::kTh:
    case Tag::kCaption: case Tag::kHeader: case Tag::kFooter: case Tag::kNav: case Tag::kAside:
    case Tag::kForm: case Tag::kFieldset: case Tag::kFigure: case Tag::kFigcaption:
    case Tag::kAddress: case Tag::kCenter: case Tag::kDetails: case Tag::kSummary:
    case Tag::kHgroup: case Tag::kMenu: case Tag::kDir:
      return true;
    default:
      return false;
  }
}

// Elements whose content is never article text.
bool is_skipped(Tag t) noexcept {
  switch (t) {
    case Tag::kHead: case Tag::kSvg: case Tag::kMath: case Tag::kSelect: case Tag::kButton:
    case Tag::kObject: case Tag::kCanvas: case Tag::kVideo: case Tag::kAudio: case Tag::kMap:
    case Tag::kTemplate: case Tag::kDialog: case Tag::kLabel: case Tag::kOption:
      return true;
    default:
      return false;
  }
}

bool is_void(Tag t, std::string_view name) noexcept {
  switch (t) {
    case Tag::kBr: case Tag::kHr: case Tag::kImg: case Tag::kInput: case Tag::kMeta:
    case Tag::kLink: case Tag::kBase:
      return true;
    default:
      break;
  }
  return name == "area" || name == "col" || name == "embed" || name == "param" ||
         name == "source" || name == "track" || name == "wbr" || name == "keygen";
}

bool is_heading(Tag t) noexcept {
  return t == Tag::kH1 || t == Tag::kH2 || t == Tag::kH3 || t == Tag::kH4 || t == Tag::kH5 || t == Tag::kH6;
}

// Block starts that close an open <p> (HTML5 "close a p element").
bool closes_p(Tag t) noexcept {
  return is_block(t) && t != Tag::kLi && t != Tag::kDt && t != Tag::kDd && t != Tag::kTd &&
         t != Tag::kTh && t != Tag::kTr && t != Tag::kTbody && t != Tag::kThead &&
         t != Tag::kTfoot && t != Tag::kCaption && t != Tag::kBody;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
  return s;
}

bool hidden_style(std::string_view style) {
  std::string compact;
  for (char c : style) {
    if (!is_html_space(c)) compact.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  }
  return compact.find("display:none") != std::string::npos ||
         compact.find("visibility:hidden") != std::string::npos;
}

struct OpenElement {
  Tag tag = Tag::kOther;
  std::string name;  // for kOther only (matching end tags)
  uint32_t node = kNoNode;
  bool link = false;
  bool skip = false;
  uint8_t captures = 0;  // bit i: this element started capture i (kBylineCapture, kDateCapture)
  bool pre = false;
  bool quote = false;
  bool li = false;
};

class PageBuilder {
 public:
  explicit PageBuilder(std::string_view html) : tok_(html) {
    page_.nodes.emplace_back();  // the root
    page_.nodes[0].end = 1;
  }

  Page build() {
    HtmlToken t;
    bool ld_json_script = false;
    while (tok_.next(t)) {
      switch (t.type) {
        case TokenType::kText:
          text(t.text);
          break;
        case TokenType::kStartTag:
          ld_json_script = false;
          if (t.tag == Tag::kScript) {
            const std::string_view* type = t.attr("type");
            ld_json_script = type != nullptr && ascii_lower(*type).find("ld+json") != std::string::npos;
          }
          start(t);
          break;
        case TokenType::kEndTag:
          end(t);
          break;
        case TokenType::kRawText:
          raw(t, ld_json_script);
          ld_json_script = false;
          break;
        case TokenType::kEnd:
          break;
      }
    }
    flush();
    while (!stack_.empty()) pop();
    // Subtree ends: a node's subtree ends where the next node that is not its descendant starts.
    // Nodes are closed in pop(); nodes never closed end at the last node.
    const auto count = static_cast<uint32_t>(page_.nodes.size());
    for (uint32_t i = 0; i < count; ++i) {
      if (!closed_[i]) page_.nodes[i].end = count;
    }
    return std::move(page_);
  }

 private:
  uint32_t current_node() const { return node_stack_.empty() ? 0 : node_stack_.back(); }

  void flush() {
    std::string_view s = trim(buf_);
    if (!s.empty()) {
      Unit u;
      u.node = current_node();
      u.text.assign(s);
      u.chars = count_code_points(u.text);
      u.link_chars = std::min(link_chars_, u.chars);
      u.kind = page_.nodes[u.node].tag;
      u.in_quote = quote_depth_ > 0;
      u.in_list = li_depth_ > 0;
      Node& n = page_.nodes[u.node];
      n.chars += u.chars;
      n.link_chars += u.link_chars;
      n.commas += static_cast<uint32_t>(std::count(u.text.begin(), u.text.end(), ','));
      page_.units.push_back(std::move(u));
    }
    buf_.clear();
    link_chars_ = 0;
    last_space_ = true;
  }

  void text(std::string_view raw) {
    if (skip_depth_ > 0) return;
    const size_t before = buf_.size();
    append_html_text(buf_, raw, pre_depth_ == 0, last_space_);
    if (link_depth_ > 0) link_chars_ += count_code_points(std::string_view(buf_).substr(before));
    for (size_t i = 0; i < kCaptures; ++i) {
      if (!capturing_[i]) continue;
      bool space = capture_[i].empty() || capture_[i].back() == ' ' || capture_[i].back() == kElementBoundary;
      if (capture_[i].size() < kMaxBylineBytes) append_html_text(capture_[i], raw, true, space);
    }
  }

  // Marks an element boundary in active captures ("Jane Doe" + "May 2, 2025" stay apart).
  void capture_boundary() {
    for (size_t i = 0; i < kCaptures; ++i) {
      if (capturing_[i] && !capture_[i].empty() && capture_[i].back() != kElementBoundary) {
        capture_[i].push_back(kElementBoundary);
      }
    }
  }

  void raw(const HtmlToken& t, bool ld_json) {
    if (t.tag == Tag::kTitle && page_.title.empty() && !in_svg_) {
      bool space = true;
      append_html_text(page_.title, t.text, true, space);
      page_.title = std::string(trim(page_.title));
    } else if (t.tag == Tag::kScript && ld_json) {
      page_.json_ld.emplace_back(t.text);
    } else if (t.tag == Tag::kTextarea || t.tag == Tag::kXmp || t.tag == Tag::kPlaintext) {
      // Form fields and obsolete raw-text elements: not article text.
    }
  }

  void collect_attrs(const HtmlToken& t) {
    const std::string_view* itemprop = t.attr("itemprop");
    const std::string_view* content = t.attr("content");
    if (t.tag == Tag::kMeta) {
      if (content == nullptr) return;
      const std::string value = decode_html_text(*content);
      for (std::string_view key : {"name", "property", "itemprop", "http-equiv"}) {
        if (const std::string_view* k = t.attr(key)) {
          // property="og:title article:author" may hold several keys.
          std::string keys = ascii_lower(*k);
          size_t p = 0;
          while (p < keys.size()) {
            size_t e = keys.find(' ', p);
            if (e == std::string::npos) e = keys.size();
            if (e > p) page_.metas.push_back({keys.substr(p, e - p), value});
            p = e + 1;
          }
        }
      }
      return;
    }
    if (t.tag == Tag::kLink) {
      const std::string_view* rel = t.attr("rel");
      const std::string_view* href = t.attr("href");
      if (rel != nullptr && href != nullptr && page_.canonical.empty() &&
          ascii_lower(*rel).find("canonical") != std::string::npos) {
        page_.canonical = std::string(trim(decode_html_text(*href)));
      }
      return;
    }
    if (itemprop != nullptr) {
      const std::string prop = ascii_lower(*itemprop);
      const std::string_view* dt = content != nullptr ? content : t.attr("datetime");
      if (dt != nullptr) page_.metas.push_back({"itemprop:" + prop, decode_html_text(*dt)});
    }
    if (t.tag == Tag::kTime) {
      if (const std::string_view* dt = t.attr("datetime")) {
        TimeTag tt;
        tt.datetime = std::string(trim(decode_html_text(*dt)));
        tt.node = current_node();
        const std::string hints = ascii_lower(std::string(itemprop ? *itemprop : "") + " " +
                                              std::string(t.attr("class") ? *t.attr("class") : ""));
        tt.published = t.attr("pubdate") != nullptr || hints.find("published") != std::string::npos ||
                       hints.find("publish") != std::string::npos || hints.find("posted") != std::string::npos;
        if (!tt.datetime.empty()) page_.times.push_back(std::move(tt));
      }
    }
    if (t.tag == Tag::kHtml && page_.lang.empty()) {
      if (const std::string_view* lang = t.attr("lang")) page_.lang = std::string(trim(*lang));
    }
  }

  // Pops open elements down to and including index `i`.
  void pop_to(size_t i) {
    while (stack_.size() > i) pop();
  }

  void pop() {
    OpenElement& e = stack_.back();
    if (e.node != kNoNode) {
      flush();
      page_.nodes[e.node].end = static_cast<uint32_t>(page_.nodes.size());
      closed_[e.node] = true;
      node_stack_.pop_back();
    }
    if (e.link) --link_depth_;
    if (e.skip) --skip_depth_;
    if (e.pre) --pre_depth_;
    if (e.quote) --quote_depth_;
    if (e.li) --li_depth_;
    if (e.tag == Tag::kSvg || e.tag == Tag::kMath) in_svg_ = false;
    for (size_t i = 0; i < kCaptures; ++i) {
      if ((e.captures & (1u << i)) == 0) continue;
      capturing_[i] = false;
      const std::string_view s = trim(capture_[i]);
      if (!s.empty() && s.size() < kMaxBylineBytes) (i == kBylineCapture ? page_.bylines : page_.date_texts).emplace_back(s);
      capture_[i].clear();
    }
    stack_.pop_back();
  }

  // Index in stack_ of the innermost open `target`, searching down until a tag for which
  // `stop` is true; npos if none.
  template <class Stop>
  size_t find_open(Tag target, Stop stop) const {
    const size_t limit = stack_.size() > kMaxEndTagSearch ? stack_.size() - kMaxEndTagSearch : 0;
    for (size_t i = stack_.size(); i > limit; --i) {
      const Tag t = stack_[i - 1].tag;
      if (t == target) return i - 1;
      if (stop(t)) return std::string::npos;
    }
    return std::string::npos;
  }

  void implicit_closes(Tag t) {
    if (closes_p(t) || t == Tag::kP) {
      const size_t i = find_open(Tag::kP, [](Tag s) {
        return s == Tag::kTable || s == Tag::kTd || s == Tag::kTh || s == Tag::kBody ||
               s == Tag::kButton || s == Tag::kCaption;
      });
      if (i != std::string::npos) pop_to(i);
    }
    const auto list_boundary = [](Tag s) {
      return is_block(s) && s != Tag::kDiv && s != Tag::kP && s != Tag::kAddress && s != Tag::kLi &&
             s != Tag::kDt && s != Tag::kDd;
    };
    if (t == Tag::kLi) {
      const size_t i = find_open(Tag::kLi, list_boundary);
      if (i != std::string::npos) pop_to(i);
    } else if (t == Tag::kDt || t == Tag::kDd) {
      size_t i = find_open(Tag::kDt, list_boundary);
      if (i == std::string::npos) i = find_open(Tag::kDd, list_boundary);
      if (i != std::string::npos) pop_to(i);
    } else if (t == Tag::kTd || t == Tag::kTh || t == Tag::kTr) {
      const auto cell_boundary = [](Tag s) { return s == Tag::kTable || (s == Tag::kTr); };
      size_t i = find_open(Tag::kTd, cell_boundary);
      if (i == std::string::npos) i = find_open(Tag::kTh, cell_boundary);
      if (i != std::string::npos) pop_to(i);
      if (t == Tag::kTr) {
        const size_t r = find_open(Tag::kTr, [](Tag s) { return s == Tag::kTable; });
        if (r != std::string::npos) pop_to(r);
      }
    } else if (is_heading(t) && !stack_.empty() && is_heading(stack_.back().tag)) {
      pop();
    }
  }

  void start(const HtmlToken& t) {
    collect_attrs(t);
    capture_boundary();
    const Tag tag = t.tag;
    if (tag == Tag::kBr || tag == Tag::kHr) {
      if (skip_depth_ == 0) flush();
      return;
    }
    if (tag == Tag::kImg || tag == Tag::kInput || (tag == Tag::kOther && t.name == "embed")) {
      Node& n = page_.nodes[current_node()];
      if (tag == Tag::kImg) ++n.images;
      else if (tag == Tag::kInput) ++n.inputs;
      else ++n.embeds;
      return;
    }
    if (tag == Tag::kIframe || tag == Tag::kVideo || tag == Tag::kObject) ++page_.nodes[current_node()].embeds;
    if (is_void(tag, t.name) || t.self_closing) return;
    if (tag == Tag::kHtml || tag == Tag::kBody) {
      // Only the first counts; later ones (broken templates) are ignored.
      if (tag == Tag::kHtml ? seen_html_ : seen_body_) return;
      (tag == Tag::kHtml ? seen_html_ : seen_body_) = true;
    }
    implicit_closes(tag);
    if (stack_.size() >= kMaxOpenElements) {
      // Too deep: flattened into the enclosing element (its end tag is then ignored).
      if (is_block(tag) && skip_depth_ == 0) flush();
      return;
    }
    OpenElement e;
    e.tag = tag;
    if (tag == Tag::kOther) e.name = t.name;
    const std::string_view* cls = t.attr("class");
    const std::string_view* id = t.attr("id");
    std::string classes;
    if (cls != nullptr || id != nullptr) {
      classes = ascii_lower(std::string(cls ? *cls : "") + " " + std::string(id ? *id : ""));
    }
    const uint8_t hints = classes.empty() ? 0 : hint_matcher().match(classes);
    const std::string_view* style = t.attr("style");
    const bool hidden = t.attr("hidden") != nullptr || (style != nullptr && hidden_style(*style));
    // Hidden blocks are kept but flagged: server-rendered React pages stream their whole content
    // in <div hidden> and move it into place with scripts. Hidden inline elements are skipped.
    if (is_skipped(tag) || (hidden && !is_block(tag))) {
      e.skip = true;
      ++skip_depth_;
    }
    if (tag == Tag::kSvg || tag == Tag::kMath) in_svg_ = true;
    if (tag == Tag::kA) {
      e.link = true;
      ++link_depth_;
    }
    if (tag == Tag::kPre) {
      e.pre = true;
      ++pre_depth_;
    }
    if (tag == Tag::kBlockquote) {
      e.quote = true;
      ++quote_depth_;
    }
    if (tag == Tag::kLi) {
      e.li = true;
      ++li_depth_;
    }
    if (skip_depth_ == 0) {
      const std::string_view* rel = t.attr("rel");
      const std::string_view* itemprop = t.attr("itemprop");
      const std::string prop = itemprop != nullptr ? ascii_lower(*itemprop) : std::string();
      const bool byline = (rel != nullptr && ascii_lower(*rel) == "author") ||
                          prop.find("author") != std::string::npos || (hints & kHintByline) != 0;
      const bool date = tag == Tag::kTime || prop.find("date") != std::string::npos || (hints & kHintDate) != 0;
      for (size_t i = 0; i < kCaptures; ++i) {
        if (!capturing_[i] && (i == kBylineCapture ? byline : date)) {
          capturing_[i] = true;
          e.captures |= static_cast<uint8_t>(1u << i);
          capture_[i].clear();
        }
      }
    }
    if (is_block(tag)) {
      if (skip_depth_ == 0 || e.skip) flush();
      Node n;
      n.tag = tag;
      n.parent = current_node();
      n.class_weight = weight_of(hints);
      const std::string_view* role = t.attr("role");
      const std::string role_l = role ? ascii_lower(*role) : std::string();
      if (tag == Tag::kNav || tag == Tag::kAside || tag == Tag::kFooter ||
          (!role_l.empty() && contains_any(role_l, kJunkRoles))) {
        n.flags |= kJunkTag;
      }
      if (role_l == "main" || role_l == "article") n.flags |= kPositiveRole;
      if (hidden) n.flags |= kHidden;
      const std::string_view* itemprop = t.attr("itemprop");
      if (itemprop != nullptr && ascii_lower(*itemprop).find("articlebody") != std::string::npos) {
        n.flags |= kArticleBody;
      }
      if (!classes.empty() && tag != Tag::kBody && tag != Tag::kArticle && tag != Tag::kMain &&
          (n.flags & kArticleBody) == 0 && (hints & kHintUnlikely) != 0 && (hints & kHintMaybe) == 0) {
        n.flags |= kUnlikely;
      }
      n.classes = std::move(classes);
      e.node = static_cast<uint32_t>(page_.nodes.size());
      page_.nodes.push_back(std::move(n));
      closed_.push_back(false);
      node_stack_.push_back(e.node);
    }
    stack_.push_back(std::move(e));
  }

  void end(const HtmlToken& t) {
    capture_boundary();
    Tag tag = t.tag;
    if (tag == Tag::kBr) {
      if (skip_depth_ == 0) flush();
      return;
    }
    if (tag == Tag::kHtml || tag == Tag::kBody) return;  // closed at the end of input
    size_t i = std::string::npos;
    const size_t limit = stack_.size() > kMaxEndTagSearch ? stack_.size() - kMaxEndTagSearch : 0;
    for (size_t k = stack_.size(); k > limit; --k) {
      const OpenElement& e = stack_[k - 1];
      const bool match = tag == Tag::kOther ? (e.tag == Tag::kOther && e.name == t.name)
                                            : (e.tag == tag || (is_heading(tag) && is_heading(e.tag)));
      if (match) {
        i = k - 1;
        break;
      }
    }
    if (i != std::string::npos) pop_to(i);
  }

  HtmlTokenizer tok_;
  Page page_;
  std::vector<OpenElement> stack_;
  std::vector<uint32_t> node_stack_;
  std::vector<bool> closed_ = std::vector<bool>(1, false);
  std::string buf_;
  std::array<std::string, kCaptures> capture_;
  std::array<bool, kCaptures> capturing_{};
  uint32_t link_chars_ = 0;
  bool last_space_ = true;
  bool seen_html_ = false;
  bool seen_body_ = false;
  bool in_svg_ = false;
  int skip_depth_ = 0;
  int link_depth_ = 0;
  int pre_depth_ = 0;
  int quote_depth_ = 0;
  int li_depth_ = 0;
};

}  // namespace

uint32_t count_code_points(std::string_view s) noexcept {
  uint32_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

Page parse_page(std::string_view html) { return PageBuilder(html).build(); }

}  // namespace caspian::extract
