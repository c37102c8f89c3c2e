// Internal: charset sniffing and conversion to UTF-8 (see charset.h).
#include "extract/charset.h"

#include <unicode/ucnv.h>
#include <unicode/uchar.h>
#include <unicode/ucsdet.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "caspian/utf8.h"
#include "extract/html_tokenizer.h"

namespace caspian::extract {

namespace {

// How much of the page the <meta> prescan reads. HTML5 says 1024 bytes; real pages put their
// <meta charset> after long <head> scripts often enough that a larger window pays off.
constexpr size_t kMetaPrescanBytes = 16384;
// How much of the page the binary check and the ICU detector look at.
constexpr size_t kSniffBytes = 8192;
constexpr size_t kDetectBytes = 65536;
// NUL bytes beyond this share of the sniffed prefix mean binary data.
constexpr double kMaxNulShare = 0.01;
// A declared UTF-8 page with more invalid sequences than this share of its non-ASCII bytes is
// taken to be mis-declared and re-detected.
constexpr double kMaxInvalidShare = 0.2;
constexpr char32_t kReplacement = 0xFFFD;
// ICU's detector reports confidences from 0 to 100; below this it is guessing: on feedparser's
// Thai TIS-620 fixture (a charset it has no recogniser for) its best is UTF-16BE at 10, on the
// fixtures in charsets it knows (Big5, EUC-JP/KR, GB18030, Shift_JIS, KOI8-R, ISO-8859-8,
// windows-1252) it reports 47 to 100.
constexpr int32_t kWeakConfidence = 20;
// Single-byte charsets ICU's detector has no recogniser for (ICU 72 recognises UTF-8/16/32,
// ISO-2022, Shift_JIS, GB18030, EUC-JP/KR, Big5, ISO-8859-1/2/5/6/7/8/9, windows-1250..1256,
// KOI8-R and IBM420/424): Thai (windows-874, a superset of TIS-620) and Vietnamese.
constexpr std::array<std::string_view, 2> kUndetectedByIcu = {"windows-874", "windows-1258"};
// See script_coherence().
constexpr size_t kMaxLatinRun = 3;

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

std::string lower(std::string_view s) { return ascii_lower(s); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_html_space(s.front()) || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (is_html_space(s.back()) || s.back() == '"' || s.back() == '\'' || s.back() == ';')) s.remove_suffix(1);
  return s;
}

// WHATWG maps these labels to windows-1252, a superset that browsers use.
std::string normalize_label(std::string_view label) {
  std::string l = lower(trim(label));
  if (l == "iso-8859-1" || l == "iso8859-1" || l == "latin1" || l == "latin-1" || l == "us-ascii" ||
      l == "ascii" || l == "l1" || l == "iso_8859-1" || l == "cp1252" || l == "cp819") {
    return "windows-1252";
  }
  if (l == "utf8") return "utf-8";
  return l;
}

bool is_utf8_label(std::string_view l) { return l == "utf-8" || l == "unicode-1-1-utf-8"; }
bool is_utf16_label(std::string_view l) { return l.rfind("utf-16", 0) == 0 || l == "unicode" || l == "ucs-2"; }

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Converts with ICU; nullopt-like empty result with ok=false when the charset is unknown.
bool convert(std::string_view bytes, const std::string& charset, std::string& out, std::string& canonical) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(charset.c_str(), &err));
  if (U_FAILURE(err) || !conv) return false;
  // Report the IANA (MIME) name, e.g. "windows-1252", not ICU's internal "ibm-5348_P100-1997".
  const char* internal = ucnv_getName(conv.get(), &err);
  const char* standard = U_SUCCESS(err) ? ucnv_getStandardName(internal, "MIME", &err) : nullptr;
  if (standard == nullptr && U_SUCCESS(err)) standard = ucnv_getStandardName(internal, "IANA", &err);
  canonical = U_SUCCESS(err) && standard != nullptr ? standard : charset;
  err = U_ZERO_ERROR;
  const auto src_len = static_cast<int32_t>(bytes.size());
  std::vector<UChar> u16(bytes.size() + 1);
  int32_t n = ucnv_toUChars(conv.get(), u16.data(), static_cast<int32_t>(u16.size()), bytes.data(), src_len, &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    err = U_ZERO_ERROR;
    u16.resize(static_cast<size_t>(n) + 1);
    n = ucnv_toUChars(conv.get(), u16.data(), static_cast<int32_t>(u16.size()), bytes.data(), src_len, &err);
  }
  if (U_FAILURE(err)) return false;
  out.resize(static_cast<size_t>(n) * 3 + 1);
  int32_t out_len = 0;
  int32_t subs = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &out_len, u16.data(), n, kReplacement, &subs, &err);
  if (U_FAILURE(err)) return false;
  out.resize(static_cast<size_t>(out_len));
  return true;
}

// How plausible `text` (UTF-8) is as a decoding: the share of its non-ASCII code points that are
// letters or marks of its most common script. A wrong single-byte decoding mixes symbols and
// scripts; for Latin, which every single-byte charset decodes to letters of some sort, letters in
// a run of more than kMaxLatinRun non-ASCII code points do not count (European words put
// accented letters between ASCII ones). 0 when there is no non-ASCII code point.
double script_coherence(std::string_view text) {
  std::vector<UChar32> cps;
  for (int32_t i = 0, n = static_cast<int32_t>(text.size()); i < n;) {
    UChar32 c = 0;
    U8_NEXT(text.data(), i, n, c);
    cps.push_back(c < 0 ? kReplacement : c);
  }
  std::array<int, USCRIPT_CODE_LIMIT> per_script{};
  size_t non_ascii = 0;
  for (UChar32 c : cps) {
    if (c < 0x80) continue;
    ++non_ascii;
    UErrorCode err = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(c, &err);
    if (U_SUCCESS(err) && sc > USCRIPT_INHERITED && sc < USCRIPT_CODE_LIMIT && u_isalpha(c)) ++per_script[sc];
  }
  if (non_ascii == 0) return 0;
  const auto dominant = static_cast<UScriptCode>(std::max_element(per_script.begin(), per_script.end()) -
                                                 per_script.begin());
  size_t good = 0;
  for (size_t i = 0; i < cps.size();) {
    if (cps[i] < 0x80) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && cps[j] >= 0x80) ++j;
    const bool run_counts = dominant != USCRIPT_LATIN || j - i <= kMaxLatinRun;
    for (; i < j; ++i) {
      const UChar32 c = cps[i];
      UErrorCode err = U_ZERO_ERROR;
      const UScriptCode sc = uscript_getScript(c, &err);
      const bool mark = (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
      if (run_counts && U_SUCCESS(err) && (u_isalpha(c) || mark) &&
          (sc == dominant || sc == USCRIPT_INHERITED || sc == USCRIPT_COMMON))
        ++good;
    }
  }
  return static_cast<double>(good) / static_cast<double>(non_ascii);
}

// The charset of bytes that declare none (see decode_to_utf8): ICU's detector, unless it is only
// guessing (top confidence below kWeakConfidence). Then ICU's candidates and the charsets it has
// no recogniser for are all decoded and the most coherent decoding wins (script_coherence).
std::string detect(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&err));
  if (U_FAILURE(err) || !det) return "";
  const std::string_view sample = bytes.substr(0, kDetectBytes);
  ucsdet_enableInputFilter(det.get(), 1);  // ignore markup
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &err);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &count, &err);
  if (U_FAILURE(err) || matches == nullptr || count == 0) return "";
  const char* top = ucsdet_getName(matches[0], &err);
  if (U_FAILURE(err) || top == nullptr) return "";
  if (ucsdet_getConfidence(matches[0], &err) >= kWeakConfidence) return normalize_label(top);
  std::vector<std::string> candidates;
  for (int32_t i = 0; i < count; ++i) {
    err = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &err);
    // UTF-16/32 without a BOM would have NUL bytes in the ASCII markup, which check_binary refused.
    const std::string label = U_SUCCESS(err) && name != nullptr ? normalize_label(name) : "";
    if (!label.empty() && !is_utf16_label(label) && label.rfind("utf-32", 0) != 0 && !is_utf8_label(label))
      candidates.push_back(label);
  }
  for (std::string_view extra : kUndetectedByIcu) candidates.emplace_back(extra);
  std::string best;
  double best_score = -1;
  for (const std::string& label : candidates) {
    std::string out, canonical;
    if (!convert(sample, label, out, canonical)) continue;
    const double score = script_coherence(out);
    if (score > best_score) best = label, best_score = score;
  }
  return best.empty() ? normalize_label(top) : best;
}

// Share of non-ASCII bytes that belong to invalid UTF-8 sequences (rough: counts restarts).
double invalid_share(std::string_view s) {
  size_t non_ascii = 0, invalid = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    const auto bad = utf8::find_invalid(s.substr(pos));
    const size_t end = bad ? pos + *bad : s.size();
    for (size_t i = pos; i < end; ++i) non_ascii += static_cast<unsigned char>(s[i]) >= 0x80 ? 1 : 0;
    if (!bad) break;
    ++invalid;
    ++non_ascii;
    pos = end + 1;
  }
  return non_ascii == 0 ? 0.0 : static_cast<double>(invalid) / static_cast<double>(non_ascii);
}

Status check_binary(std::string_view bytes) {
  struct Magic {
    std::string_view prefix;
    std::string_view what;
  };
  static constexpr std::array<Magic, 8> kMagic = {{{"%PDF", "a PDF document"},
                                                   {"\x89PNG", "a PNG image"},
                                                   {"GIF8", "a GIF image"},
                                                   {"\xFF\xD8\xFF", "a JPEG image"},
                                                   {"PK\x03\x04", "a ZIP archive"},
                                                   {"\x1F\x8B", "gzip-compressed data (decompress it first)"},
                                                   {"RIFF", "a RIFF (WebP/WAV/AVI) file"},
                                                   {"\x7F" "ELF", "an executable"}}};
  for (const Magic& m : kMagic) {
    if (bytes.substr(0, m.prefix.size()) == m.prefix) {
      return Status(ErrorCode::kBinaryInput, "not HTML: " + std::string(m.what));
    }
  }
  const std::string_view head = bytes.substr(0, kSniffBytes);
  const auto nuls = static_cast<size_t>(std::count(head.begin(), head.end(), '\0'));
  if (nuls > 0 && static_cast<double>(nuls) > kMaxNulShare * static_cast<double>(head.size())) {
    return Status(ErrorCode::kBinaryInput, "not HTML: binary data (" + std::to_string(nuls) +
                                               " NUL bytes in the first " + std::to_string(head.size()) + ")");
  }
  return Status::Ok();
}

}  // namespace

std::string charset_from_content_type(std::string_view ct) {
  const std::string l = lower(ct);
  const size_t p = l.find("charset");
  if (p == std::string::npos) return "";
  size_t i = p + 7;
  while (i < l.size() && is_html_space(l[i])) ++i;
  if (i >= l.size() || l[i] != '=') return "";
  ++i;
  while (i < l.size() && (is_html_space(l[i]) || l[i] == '"' || l[i] == '\'')) ++i;
  size_t e = i;
  while (e < l.size() && !is_html_space(l[e]) && l[e] != ';' && l[e] != '"' && l[e] != '\'' && l[e] != ',') ++e;
  return l.substr(i, e - i);
}

std::string charset_from_meta(std::string_view html) {
  HtmlTokenizer tok(html.substr(0, kMetaPrescanBytes));
  HtmlToken t;
  while (tok.next(t)) {
    if (t.type == TokenType::kStartTag && t.tag == Tag::kBody) break;
    if (t.type != TokenType::kStartTag || t.tag != Tag::kMeta) continue;
    if (const std::string_view* cs = t.attr("charset")) {
      const std::string_view v = trim(*cs);
      if (!v.empty()) return lower(v);
    }
    const std::string_view* equiv = t.attr("http-equiv");
    const std::string_view* content = t.attr("content");
    if (equiv != nullptr && content != nullptr && lower(*equiv) == "content-type") {
      std::string cs = charset_from_content_type(*content);
      if (!cs.empty()) return cs;
    }
  }
  return "";
}

std::string make_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    const auto bad = utf8::find_invalid(s.substr(pos));
    if (!bad) {
      out.append(s.substr(pos));
      break;
    }
    out.append(s.substr(pos, *bad));
    utf8::append(out, kReplacement);
    pos += *bad + 1;
  }
  return out;
}

Result<DecodedPage> decode_to_utf8(std::string_view bytes, std::string_view content_type) {
  DecodedPage d;
  // 1. Byte-order marks win over everything (HTML5).
  std::string bom_charset;
  size_t bom_len = 0;
  constexpr size_t kUtf8BomLen = 3;
  constexpr size_t kUtf16BomLen = 2;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bom_charset = "utf-8";
    bom_len = kUtf8BomLen;
  } else if (bytes.substr(0, 2) == "\xFF\xFE") {
    bom_charset = "utf-16le";
    bom_len = kUtf16BomLen;
  } else if (bytes.substr(0, 2) == "\xFE\xFF") {
    bom_charset = "utf-16be";
    bom_len = kUtf16BomLen;
  }
  // UTF-16 without a BOM but starting with markup.
  else if (bytes.size() >= 2 && bytes[0] == '<' && bytes[1] == '\0') bom_charset = "utf-16le";
  else if (bytes.size() >= 2 && bytes[0] == '\0' && bytes[1] == '<') bom_charset = "utf-16be";
  const bool utf16 = bom_charset.rfind("utf-16", 0) == 0;
  if (!utf16) CASPIAN_RETURN_IF_ERROR(check_binary(bytes));

  std::vector<std::pair<std::string, std::string>> declared;  // (label, source)
  if (!bom_charset.empty()) declared.emplace_back(bom_charset, "bom");
  if (std::string h = charset_from_content_type(content_type); !h.empty()) declared.emplace_back(normalize_label(h), "http");
  if (!utf16) {
    if (std::string m = charset_from_meta(bytes); !m.empty()) {
      std::string label = normalize_label(m);
      // A <meta> claiming UTF-16 in an ASCII-compatible page means UTF-8 (HTML5).
      if (is_utf16_label(label)) label = "utf-8";
      declared.emplace_back(std::move(label), "meta");
    }
  }
  const std::string_view body = bytes.substr(bom_len);
  const bool valid_utf8 = !utf16 && !utf8::find_invalid(body).has_value();
  const bool multibyte = valid_utf8 && has_non_ascii(body);

  const auto finish_utf8 = [&](std::string source) -> DecodedPage {
    DecodedPage r;
    r.charset = "UTF-8";
    r.source = std::move(source);
    if (valid_utf8 && body.size() == bytes.size()) {
      r.unchanged = true;
    } else {
      r.utf8 = make_valid_utf8(body);
    }
    return r;
  };

  for (const auto& [label, source] : declared) {
    if (is_utf8_label(label)) {
      // Declared UTF-8 but mostly invalid: mis-declared, detect below.
      if (valid_utf8 || invalid_share(body) <= kMaxInvalidShare) return finish_utf8(source);
      continue;
    }
    // A single-byte declaration over bytes that are valid multi-byte UTF-8: the bytes win.
    if (multibyte) return finish_utf8("utf8");
    if (valid_utf8 && !utf16) {
      // Pure ASCII: every ASCII-compatible charset decodes it the same way.
      DecodedPage r = finish_utf8(source);
      r.charset = label;
      return r;
    }
    std::string out, canonical;
    if (convert(body, label, out, canonical)) {
      d.utf8 = make_valid_utf8(out);
      d.charset = canonical;
      d.source = source;
      return d;
    }
  }
  if (valid_utf8) return finish_utf8("utf8");
  std::string guess = detect(body);
  std::string source = "detected";
  if (guess.empty() || is_utf8_label(guess)) {
    // The detector has no better idea than broken UTF-8: windows-1252, the web's default.
    guess = invalid_share(body) <= kMaxInvalidShare ? "utf-8" : "windows-1252";
    source = "default";
  }
  if (is_utf8_label(guess)) return finish_utf8(source);
  std::string out, canonical;
  if (!convert(body, guess, out, canonical) && !convert(body, "windows-1252", out, canonical)) {
    return finish_utf8("default");
  }
  d.utf8 = make_valid_utf8(out);
  d.charset = canonical;
  d.source = source;
  return d;
}

}  // namespace caspian::extract
