// `caspian analyze`: analyse articles and print the analysis (JSON, text or CoNLL-U).
#include <iostream>

#include "caspian/conllu.h"
#include "common.h"
#include "format.h"

namespace caspian::cli {

namespace {

class AnalyzeVerb final : public Verb {
 public:
  explicit AnalyzeVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("analyze", "Analyse articles and print the analysis (JSON or text)");
    cmd_->add_option("inputs", inputs_, "Files, directories, URLs or - for stdin")->required();
    cmd_->add_option(
            "--format", format_,
            "Output format: json (the full analysis), text (a summary), conllu (tokens, tags, trees)")
        ->check(CLI::IsMember({"json", "text", "conllu"}))
        ->capture_default_str();
    add_read_flags(cmd_, flags_);
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    auto prepared = prepare_run("analyze", flags_, global);
    if (const int* exit_code = std::get_if<int>(&prepared)) return *exit_code;
    RunSetup& setup = std::get<RunSetup>(prepared);
    int failures = 0;
    bool first = true;
    RunHooks hooks;
    hooks.consume = [&](AnalysedRecord& rec) {
      if (!rec.doc.ok()) {
        error_line(rec.origin.to_string(), rec.doc.status());
        ++failures;
        return true;
      }
      print(rec.doc.value(), first);
      first = false;
      return true;
    };
    const RunSummary sum =
        run_records(input_source(inputs_, std::move(setup.source)), setup.pipeline, setup.run, hooks);
    std::cout.flush();
    if (sum.cancelled) return kExitInterrupted;
    if (!sum.source_status.ok()) {
      error_line("analyze", sum.source_status);
      return kExitFatal;
    }
    return failures > 0 ? kExitPartial : kExitOk;
  }

 private:
  void print(const Document& d, bool first) const {
    if (format_ == "json") {
      std::cout << to_json(d) << "\n";
    } else if (format_ == "conllu") {
      std::cout << to_conllu(d);
    } else {
      if (!first) std::cout << "\n" << std::string(72, '-') << "\n";
      std::cout << format_text(d);
    }
  }

  CLI::App* cmd_ = nullptr;
  std::vector<std::string> inputs_;
  ReadFlags flags_;
  std::string format_ = "json";
};

}  // namespace

std::unique_ptr<Verb> make_analyze(CLI::App& app) {
  return std::make_unique<AnalyzeVerb>(app);
}

}  // namespace caspian::cli
