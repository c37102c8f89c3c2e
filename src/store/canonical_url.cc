#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "caspian/store.h"

namespace caspian {

namespace {

// Parameters that only track a click or a campaign (ad networks, mail and
// analytics tools, news sites' own share links); never ones naming content.
constexpr auto kTrackingParams = std::to_array<std::string_view>(
    {"fbclid",    "gclid",       "dclid",       "msclkid", "mc_cid",    "mc_eid",      "igshid",
     "yclid",     "_ga",         "_gl",         "gclsrc",  "wbraid",    "gbraid",      "twclid",
     "ttclid",    "li_fat_id",   "mkt_tok",     "_hsenc",  "_hsmi",     "oly_anon_id", "oly_enc_id",
     "vero_id",   "rb_clickid",  "s_cid",       "smid",    "ocid",      "cmpid",       "ns_mchannel",
     "ns_source", "ns_campaign", "ns_linkname", "ns_fee",  "at_medium", "at_campaign", "ref_src"});
constexpr std::string_view kTrackingPrefix = "utm_";
constexpr std::string_view kWww = "www.";
constexpr unsigned char kLastControl = 0x20;  // space and below
constexpr unsigned char kDelete = 0x7F;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_tracking(std::string_view param) {
  const std::string key = lower(param.substr(0, param.find('=')));
  if (key.rfind(kTrackingPrefix, 0) == 0) return true;
  return std::find(kTrackingParams.begin(), kTrackingParams.end(), key) != kTrackingParams.end();
}

}  // namespace

// Hand-written rather than via a URL library: Debian has none small enough
// for this (libcurl's URL API does not drop parameters), and the rules are few.
std::string canonical_url(std::string_view url) {
  // Drop the fragment, then trim surrounding whitespace.
  if (auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front()))) url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  if (url.empty()) return {};

  // Whitespace and control bytes cannot stand in a URL: percent-encode them,
  // which also keeps the result stable when canonicalised again.
  std::string encoded;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= kLastControl || u == kDelete) {
      constexpr std::string_view kHex = "0123456789ABCDEF";
      constexpr unsigned kNibble = 4;
      constexpr unsigned kNibbleMask = 0xF;
      encoded += '%';
      encoded += kHex[u >> kNibble];
      encoded += kHex[u & kNibbleMask];
    } else {
      encoded += c;
    }
  }
  url = encoded;

  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::string scheme = lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?");
  std::string host = lower(rest.substr(0, path_start));
  rest = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  while ((scheme == "http" && host.ends_with(":80")) || (scheme == "https" && host.ends_with(":443"))) {
    host.erase(host.rfind(':'));
  }
  while (host.rfind(kWww, 0) == 0) host.erase(0, kWww.size());

  std::string_view path = rest.substr(0, rest.find('?'));
  std::string_view query = rest.size() > path.size() ? rest.substr(path.size() + 1) : std::string_view();
  std::string out = scheme + "://" + host;
  out += path.empty() ? "/" : path;

  std::vector<std::string_view> kept;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (!param.empty() && !is_tracking(param)) kept.push_back(param);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  std::sort(kept.begin(), kept.end());
  for (size_t i = 0; i < kept.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += kept[i];
  }
  return out;
}

}  // namespace caspian
