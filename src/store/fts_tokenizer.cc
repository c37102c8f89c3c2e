#include "store/fts_tokenizer.h"

#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <memory>
#include <new>
#include <string>

namespace caspian::store {

namespace {

// Whether `c` belongs to a script written without spaces between words (or, for Hangul, with
// particles attached to them), whose characters are tokens of their own.
bool unspaced_script(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;
  switch (uscript_getScript(c, &err)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_HANGUL:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

// An instance: the wrapped tokenizer and its instance.
struct Wrapper {
  fts5_tokenizer inner{};
  Fts5Tokenizer* instance = nullptr;
};

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

// Hands the wrapped tokenizer's tokens of a piece of the text on with offsets into the whole text.
// A callback that returns other than SQLITE_OK stops the tokenization (FTS5 itself returns
// SQLITE_DONE to stop early), which the wrapped tokenizer may report as SQLITE_OK: `stop` keeps it.
struct Shifted {
  void* ctx;
  TokenCallback emit;
  int offset;
  int stop = SQLITE_OK;
};

int shifted_token(void* p, int flags, const char* token, int size, int begin, int end) {
  auto* s = static_cast<Shifted*>(p);
  s->stop = s->emit(s->ctx, flags, token, size, begin + s->offset, end + s->offset);
  return s->stop;
}

int create(void* user_data, const char** args, int nargs, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(user_data);
  const char* inner_name = nargs > 0 ? args[0] : "unicode61";
  auto w = std::unique_ptr<Wrapper>(new (std::nothrow) Wrapper);
  if (w == nullptr) return SQLITE_NOMEM;
  void* inner_data = nullptr;
  int rc = api->xFindTokenizer(api, inner_name, &inner_data, &w->inner);
  if (rc != SQLITE_OK) return rc;
  rc = w->inner.xCreate(inner_data, nargs > 0 ? args + 1 : args, nargs > 0 ? nargs - 1 : 0, &w->instance);
  if (rc != SQLITE_OK) return rc;
  *out = reinterpret_cast<Fts5Tokenizer*>(w.release());
  return SQLITE_OK;
}

void destroy(Fts5Tokenizer* t) {
  auto* w = reinterpret_cast<Wrapper*>(t);
  if (w->instance != nullptr) w->inner.xDelete(w->instance);
  delete w;
}

// Tokenizes text[begin, end) with the wrapped tokenizer (nothing when empty).
int tokenize_piece(Wrapper* w, void* ctx, int flags, const char* text, int begin, int end,
                   TokenCallback emit) {
  if (begin >= end) return SQLITE_OK;
  Shifted shifted{ctx, emit, begin};
  const int rc = w->inner.xTokenize(w->instance, &shifted, flags, text + begin, end - begin, &shifted_token);
  return rc != SQLITE_OK ? rc : shifted.stop;
}

int tokenize(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int size, TokenCallback emit) {
  auto* w = reinterpret_cast<Wrapper*>(t);
  int piece = 0;  // start of the text not yet tokenized
  int i = 0;
  while (i < size) {
    const int start = i;
    UChar32 c = 0;
    U8_NEXT(text, i, size, c);
    if (c < 0 || !unspaced_script(c)) continue;
    int rc = tokenize_piece(w, ctx, flags, text, piece, start, emit);
    if (rc == SQLITE_OK) rc = emit(ctx, 0, text + start, i - start, start, i);
    if (rc != SQLITE_OK) return rc == SQLITE_DONE ? SQLITE_OK : rc;
    piece = i;
  }
  const int rc = tokenize_piece(w, ctx, flags, text, piece, size, emit);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// The fts5_api of a connection, or null when SQLite was built without FTS5.
fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  (void)sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

}  // namespace

Status register_fts_tokenizer(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (api == nullptr) return Status(ErrorCode::kStoreError, "SQLite was built without FTS5");
  fts5_tokenizer tokenizer{&create, &destroy, &tokenize};
  if (api->xCreateTokenizer(api, "caspian", api, &tokenizer, nullptr) != SQLITE_OK) {
    return Status(ErrorCode::kStoreError,
                  std::string("cannot register the FTS5 tokenizer: ") + sqlite3_errmsg(db));
  }
  return Status::Ok();
}

}  // namespace caspian::store
