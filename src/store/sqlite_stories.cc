#include "store/sqlite_stories.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <unordered_map>

#include "caspian/json.h"
#include "caspian/store.h"
#include "caspian/utf8.h"

namespace caspian::store {

namespace {

using Clock = std::chrono::system_clock;

int32_t day_of(const Document& doc) {
  const auto days = doc.published ? std::chrono::sys_days(*doc.published)
                                  : std::chrono::floor<std::chrono::days>(Clock::now());
  return static_cast<int32_t>(days.time_since_epoch().count());
}

std::string encode(const stories::TermVector& v) {
  std::string out;
  for (const auto& [term, w] : v) out += fmt::format("{}\t{}\n", term, w);
  return out;
}

stories::TermVector decode(std::string_view s) {
  stories::TermVector v;
  while (!s.empty()) {
    const size_t nl = s.find('\n');
    const std::string_view line = s.substr(0, nl);
    s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    const size_t tab = line.rfind('\t');
    if (tab == std::string_view::npos) continue;
    float w = 0;
    const std::string_view num = line.substr(tab + 1);
    if (std::from_chars(num.data(), num.data() + num.size(), w).ec != std::errc()) continue;
    v.emplace_back(std::string(line.substr(0, tab)), w);
  }
  return v;
}

Result<int64_t> scalar(Database& db, std::string_view sql) {
  CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare(sql));
  CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.col_int(0) : 0;
}

Result<int64_t> meta(Database& db, std::string_view key) {
  CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare("SELECT value FROM story_meta WHERE key = ?1"));
  s.bind(1, key);
  CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.col_int(0) : 0;
}

Status set_meta(Database& db, std::string_view key, int64_t value) {
  CASPIAN_ASSIGN_OR_RETURN(Statement s,
                           db.prepare("INSERT OR REPLACE INTO story_meta(key, value) VALUES (?1, ?2)"));
  s.bind(1, key);
  s.bind(2, value);
  return s.run();
}

}  // namespace

std::string lead_of(std::string bytes) {
  if (auto bad = utf8::find_invalid(bytes)) bytes.resize(*bad);  // a character cut by the byte limit
  for (char& c : bytes) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  // A period ends the first sentence when a lower-case letter or digit comes
  // before it ("U.S. officials" does not end one) and a capital after it.
  constexpr std::string_view kSentenceEnd = ". ";
  for (size_t end = bytes.find(kSentenceEnd); end != std::string::npos;
       end = bytes.find(kSentenceEnd, end + 1)) {
    const auto before = static_cast<unsigned char>(end > 0 ? bytes[end - 1] : ' ');
    const auto after = static_cast<unsigned char>(end + 2 < bytes.size() ? bytes[end + 2] : ' ');
    if ((std::islower(before) != 0 || std::isdigit(before) != 0) && std::isupper(after) != 0) {
      bytes.resize(end + 1);
      return bytes;
    }
  }
  if (bytes.size() + utf8::kMaxSequenceBytes > kLeadBytes) bytes += "…";
  return bytes;
}

Status StoryWriter::load(Database& db) {
  std::unordered_map<std::string, int64_t> df;
  {
    CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare("SELECT term, df FROM story_terms"));
    for (;;) {
      CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      df.emplace(s.col_text(0), s.col_int(1));
    }
  }
  CASPIAN_ASSIGN_OR_RETURN(int64_t documents, meta(db, "documents"));
  CASPIAN_ASSIGN_OR_RETURN(int64_t version, meta(db, "version"));
  CASPIAN_ASSIGN_OR_RETURN(int64_t next_id, scalar(db, "SELECT coalesce(max(id), 0) + 1 FROM stories"));
  std::vector<stories::StoryState> active;
  {
    CASPIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.prepare("SELECT id, title, title_score, first_day, last_day, num_articles, centroid FROM stories "
                   "WHERE merged_into IS NULL AND last_day >= (SELECT max(last_day) FROM stories) - ?1 ORDER "
                   "BY id"));
    s.bind(1, int64_t{options_.window_days});
    for (;;) {
      CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      stories::StoryState st;
      st.id = s.col_int(0);
      st.title = s.col_text(1);
      st.title_score = s.col_double(2);
      st.first_day = static_cast<int32_t>(s.col_int(3));
      st.last_day = static_cast<int32_t>(s.col_int(4));
      st.num_articles = s.col_int(5);
      st.centroid = decode(s.col_text(6));
      active.push_back(std::move(st));
    }
  }
  clusterer_.restore(std::move(df), documents, std::move(active), next_id);
  version_ = version;
  loaded_ = true;
  return Status::Ok();
}

Status StoryWriter::sync(Database& db) {
  if (loaded_) {
    CASPIAN_ASSIGN_OR_RETURN(int64_t version, meta(db, "version"));
    if (version == version_) return Status::Ok();
  }
  return load(db);
}

Status StoryWriter::add(Database& db, int64_t article_id, const Document& doc) {
  const stories::Assignment a =
      clusterer_.add(stories::story_terms(doc), day_of(doc), stories::story_title(doc));
  // Prepared once: this runs for every stored article.
  if (!assign_) {
    CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare("UPDATE articles SET story_id = ?1 WHERE id = ?2"));
    assign_ = std::make_unique<Statement>(std::move(s));
  }
  assign_->bind(1, a.story_id);
  assign_->bind(2, article_id);
  if (Status st = assign_->run(); !st.ok()) {
    invalidate();
    return st;
  }
  for (const int64_t gone : a.merged) {
    CASPIAN_ASSIGN_OR_RETURN(Statement m,
                             db.prepare("UPDATE articles SET story_id = ?1 WHERE story_id = ?2"));
    m.bind(1, a.story_id);
    m.bind(2, gone);
    if (Status st = m.run(); !st.ok()) {
      invalidate();
      return st;
    }
  }
  return Status::Ok();
}

Status StoryWriter::flush(Database& db) {
  if (!loaded_) return Status::Ok();
  stories::StoryClusterer::Changes c = clusterer_.take_changes();
  if (c.stories.empty() && c.df_delta.empty()) return Status::Ok();
  CASPIAN_ASSIGN_OR_RETURN(
      Statement put,
      db.prepare("INSERT OR REPLACE INTO stories(id, title, title_score, first_day, last_day, num_articles, "
                 "merged_into, centroid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  CASPIAN_ASSIGN_OR_RETURN(Statement chain,
                           db.prepare("UPDATE stories SET merged_into = ?1 WHERE merged_into = ?2"));
  for (const stories::StoryState& st : c.stories) {
    put.bind(1, st.id);
    put.bind(2, st.title);
    put.bind(3, st.title_score);
    put.bind(4, int64_t{st.first_day});
    put.bind(5, int64_t{st.last_day});
    put.bind(6, st.num_articles);
    st.merged_into == 0 ? put.bind_null(7) : put.bind(7, st.merged_into);
    put.bind(8, encode(st.centroid));
    CASPIAN_RETURN_IF_ERROR(put.run());
    if (st.merged_into != 0) {
      chain.bind(1, st.merged_into);
      chain.bind(2, st.id);
      CASPIAN_RETURN_IF_ERROR(chain.run());
    }
  }
  CASPIAN_ASSIGN_OR_RETURN(Statement term, db.prepare("INSERT INTO story_terms(term, df) VALUES (?1, ?2) ON "
                                                      "CONFLICT(term) DO UPDATE SET df = df + excluded.df"));
  for (const auto& [t, n] : c.df_delta) {
    term.bind(1, t);
    term.bind(2, n);
    CASPIAN_RETURN_IF_ERROR(term.run());
  }
  CASPIAN_RETURN_IF_ERROR(set_meta(db, "documents", c.documents));
  CASPIAN_RETURN_IF_ERROR(set_meta(db, "version", version_ + 1));
  ++version_;
  return Status::Ok();
}

Status StoryWriter::cluster_unassigned(Database& db) {
  CASPIAN_RETURN_IF_ERROR(sync(db));
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s, db.prepare("SELECT id, analysis FROM articles WHERE story_id IS NULL ORDER BY id"));
  std::vector<std::pair<int64_t, std::string>> rows;
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    rows.emplace_back(s.col_int(0), s.col_text(1));
  }
  for (auto& [id, analysis] : rows) {
    auto doc = from_json(analysis);
    if (!doc.ok()) {
      return Status(doc.status().code(), fmt::format("article {}: {}", id, doc.status().message()));
    }
    analysis.clear();
    CASPIAN_RETURN_IF_ERROR(add(db, id, *doc));
  }
  return flush(db);
}

}  // namespace caspian::store
