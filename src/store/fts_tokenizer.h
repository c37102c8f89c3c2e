// Internal: the store's FTS5 tokenizer "caspian", for scripts written without spaces between words.
//
// SQLite's unicode61 tokenizer splits on separators only, so a run of Chinese or Japanese (or
// Thai, Khmer, ...) characters becomes one token and none of its words can be found. "caspian"
// wraps another tokenizer (its first argument, with that tokenizer's own arguments after it:
// tokenize='caspian unicode61 remove_diacritics 2') and changes only that: every character of
// Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer and Myanmar script is a token of its own, the
// text between them goes to the wrapped tokenizer. A query word in those scripts is then a phrase
// of its characters, which FTS5 matches in sequence: "北京" finds 北京 anywhere in 北京是中国的首都.
// Text without such characters is tokenized exactly as by the wrapped tokenizer alone, so Latin,
// Cyrillic, Greek, Armenian, Georgian, Arabic and Hebrew search is unicode61's (case folded,
// diacritics removed).
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "caspian/result.h"

namespace caspian::store {

// The tokenize= argument of articles_fts from schema 5 on.
inline constexpr std::string_view kFtsTokenize = "caspian unicode61 remove_diacritics 2";

// Migration 4 -> 5 (self-contained, one entry of kMigrations): articles_fts re-created with the
// "caspian" tokenizer and rebuilt from the articles. Needs the tokenizer registered.
inline constexpr std::string_view kFtsUnspacedScriptsMigration = R"sql(
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, text, content='articles', content_rowid='id', tokenize='caspian unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts(articles_fts) VALUES('rebuild');
)sql";

// Registers the "caspian" tokenizer on the connection `db` (every connection that reads or writes
// articles_fts needs it: Database::open does it). Errors: kStoreError when the SQLite build lacks
// FTS5.
Status register_fts_tokenizer(sqlite3* db);

}  // namespace caspian::store
