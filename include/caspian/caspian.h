// caspian's public API: include this one header.
#pragma once

#include "caspian/conllu.h"
#include "caspian/document.h"
#include "caspian/eval.h"
#include "caspian/event_export.h"
#include "caspian/extract.h"
#include "caspian/fetch.h"
#include "caspian/ingest.h"
#include "caspian/json.h"
#include "caspian/pipeline.h"
#include "caspian/runner.h"
#include "caspian/result.h"
#include "caspian/store.h"
#include "caspian/utf8.h"
#include "caspian/watch.h"

namespace caspian {

// The library version, e.g. "0.1.0".
const char* version() noexcept;

}  // namespace caspian
