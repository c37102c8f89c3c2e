// Record sources of the runner: inputs named on a command line (files, directories, stdin, URLs)
// and documents in memory (contract in caspian/runner.h).
#include <memory>
#include <utility>

#include "caspian/runner.h"

namespace caspian {

namespace {

// Records of WARC archives are pages, never feed items, whatever their number.
bool is_feed_item(const RecordOrigin& origin, const ReadOptions& read) {
  return origin.record > 0 && read.format != InputFormat::kWarc &&
         origin.path.find(".warc") == std::string::npos;
}

}  // namespace

RecordSource input_source(std::vector<std::string> inputs, InputSourceOptions options) {
  return [inputs = std::move(inputs), options = std::move(options)](const PendingRecordSink& push) -> Status {
    std::unique_ptr<Fetcher> fetcher;
    Status fetcher_status;
    auto get_fetcher = [&]() -> Fetcher* {
      if (!fetcher && fetcher_status.ok()) {
        auto f = make_fetcher(options.fetch);
        if (!f.ok()) {
          fetcher_status = f.status();
          return nullptr;
        }
        fetcher = std::move(f).value();
      }
      return fetcher.get();
    };
    WarningSink warn = options.warn;
    if (!warn) warn = [](std::string_view) {};
    auto push_record = [&](PendingRecord rec) {
      if (!options.follow || !is_feed_item(rec.origin, options.read)) return push(std::move(rec));
      Result<Document> item = rec.make();
      if (item.ok()) {
        Fetcher* f = get_fetcher();
        if (f == nullptr) return false;
        item = follow_item_link(*f, std::move(item).value(), options.read, warn);
      }
      return push(ready_record(std::move(rec.origin), std::move(item)));
    };
    for (const std::string& input : inputs) {
      if (options.fetch.cancel != nullptr && options.fetch.cancel->load()) break;
      Status st;
      if (is_url(input)) {
        Fetcher* f = get_fetcher();
        if (f == nullptr) break;
        UrlReadOptions url_options;
        url_options.read = options.read;
        url_options.follow = options.follow;
        url_options.warn = warn;
        st = read_url(*f, input, url_options, [&](const RecordOrigin& origin, Result<Document> doc) {
          return push(ready_record(origin, std::move(doc)));
        });
      } else {
        st = read_input_records({input}, options.read, push_record);
      }
      if (!st.ok()) return st;  // the consumer asked to stop
    }
    return fetcher_status;
  };
}

RecordSource document_source(std::vector<Document> docs) {
  auto held = std::make_shared<std::vector<Document>>(std::move(docs));
  return [held](const PendingRecordSink& push) -> Status {
    for (Document& doc : *held) {
      RecordOrigin origin{doc.id, 0, 0};
      if (!push(ready_record(std::move(origin), std::move(doc)))) {
        return Status(ErrorCode::kInterrupted, "stopped");
      }
    }
    return Status::Ok();
  };
}

}  // namespace caspian
