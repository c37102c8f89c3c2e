// `caspian extract`: the main text (and metadata) of web pages, without boilerplate.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common.h"

namespace caspian::cli {

namespace {

// `caspian extract`: the main text (and metadata) of web pages, trafilatura-style.
struct ExtractFlags {
  std::vector<std::string> inputs;
  std::string input_list;
  std::string format = "txt";
  std::string output_dir;
};

// Reads a whole file ("-" is stdin) into `out`.
Status read_whole(const std::string& path, std::string& out) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return {ErrorCode::kNotFound, "cannot open " + path};
    in = &file;
  }
  std::ostringstream ss;
  ss << in->rdbuf();
  if (in->bad()) return {ErrorCode::kIoError, "cannot read " + path};
  out = std::move(ss).str();
  return Status::Ok();
}

// The output name of an input: its file name without extensions (.html, .htm, .gz, ...), or
// for a URL its last path segment (else its host). Unsafe characters become '_'.
std::string output_stem(const std::string& input) {
  std::string name;
  if (input == "-") {
    name = "stdin";
  } else if (is_url(input)) {
    std::string path = input.substr(input.find("://") + 3);
    path = path.substr(0, path.find_first_of("?#"));
    while (!path.empty() && path.back() == '/') path.pop_back();
    const size_t slash = path.rfind('/');
    name = slash == std::string::npos ? path : path.substr(slash + 1);
  } else {
    name = std::filesystem::path(input).filename().string();
  }
  for (std::string_view ext : {".gz", ".html", ".htm", ".xhtml", ".php", ".aspx", ".asp"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      name.resize(name.size() - ext.size());
    }
  }
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return name.empty() ? "page" : name;
}

std::string format_extracted(const ExtractedArticle& a, const std::string& input, const std::string& format) {
  if (format == "json") {
    std::string authors;
    for (const std::string& au : a.authors) authors += (authors.empty() ? "" : ",") + json_string(au);
    return fmt::format(
        "{{\"input\":{},\"title\":{},\"authors\":[{}],\"published\":{},\"modified\":{},\"language\":{},"
        "\"url\":{},\"site_name\":{},\"description\":{},\"charset\":{},\"text\":{}}}\n",
        json_string(input), json_string(a.title), authors, json_string(a.published), json_string(a.modified),
        json_string(a.language), json_string(a.canonical_url), json_string(a.site_name),
        json_string(a.description), json_string(a.charset), json_string(a.text));
  }
  if (format == "markdown") {
    std::string out;
    if (!a.title.empty()) out += "# " + a.title + "\n\n";
    return out + a.text + "\n";
  }
  return a.text + "\n";
}

int run_extract(const ExtractFlags& flags) {
  std::vector<std::string> inputs = flags.inputs;
  if (!flags.input_list.empty()) {
    std::string list;
    if (auto st = read_whole(flags.input_list, list); !st.ok()) {
      error_line(flags.input_list, st);
      return kExitFatal;
    }
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty() && line.front() != '#') inputs.push_back(line);
    }
  }
  if (inputs.empty()) {
    fmt::print(stderr, "caspian: extract: no input (give files, URLs, - or --input-list)\n");
    return kExitUsage;
  }
  if (!flags.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(flags.output_dir, ec);
    if (ec) {
      fmt::print(stderr, "caspian: extract: cannot create {}: {}\n", flags.output_dir, ec.message());
      return kExitFatal;
    }
  }
  const std::string ext = flags.format == "json" ? ".json" : flags.format == "markdown" ? ".md" : ".txt";
  std::unique_ptr<Fetcher> fetcher;
  int failed = 0;
  bool first = true;
  for (const std::string& input : inputs) {
    if (g_interrupted.load()) return kExitInterrupted;
    ExtractOptions opts;
    opts.format = flags.format == "markdown" ? TextFormat::kMarkdown : TextFormat::kPlain;
    std::string bytes;
    Status st;
    if (is_url(input)) {
      if (!fetcher) {
        FetchOptions fo;
        fo.cancel = &g_interrupted;
        auto f = make_fetcher(fo);
        if (!f.ok()) {
          error_line("extract", f.status());
          return kExitFatal;
        }
        fetcher = std::move(f).value();
      }
      auto r = fetcher->fetch({input, "", ""});
      if (r.ok()) {
        bytes = std::move(r->body);
        opts.url = r->final_url.empty() ? input : r->final_url;
        opts.content_type = r->content_type;
      } else {
        st = r.status();
      }
    } else {
      st = read_whole(input, bytes);
    }
    Result<ExtractedArticle> article = st.ok() ? extract_article(bytes, opts) : Result<ExtractedArticle>(st);
    if (!article.ok()) {
      error_line(input, article.status());
      ++failed;
      continue;
    }
    const std::string out = format_extracted(*article, input, flags.format);
    if (flags.output_dir.empty()) {
      if (!first && flags.format != "json") std::cout << "\n";
      std::cout << out;
      first = false;
      continue;
    }
    const std::filesystem::path path = std::filesystem::path(flags.output_dir) / (output_stem(input) + ext);
    std::ofstream file(path, std::ios::binary);
    file << out;
    if (!file) {
      error_line(path.string(), {ErrorCode::kIoError, "cannot write"});
      ++failed;
    }
  }
  std::cout.flush();
  return failed == 0 ? kExitOk : kExitPartial;
}

class ExtractVerb final : public Verb {
 public:
  explicit ExtractVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("extract",
                              "Print the main text of web pages (HTML files or URLs), without boilerplate");
    cmd_->add_option("inputs", flags_.inputs, "HTML files, http(s) URLs, or - for stdin");
    cmd_->add_option("--input-list", flags_.input_list, "File with one input (path or URL) per line");
    cmd_->add_option("--format", flags_.format, "txt: paragraphs; json: text and metadata; markdown")
        ->check(CLI::IsMember({"txt", "json", "markdown"}))
        ->capture_default_str();
    cmd_->add_option(
        "-o,--output-dir", flags_.output_dir,
        "Write DIR/<input name without extension>.txt (.json, .md) per input instead of printing");
  }
  CLI::App* command() const override { return cmd_; }
  int run(const GlobalFlags& /*global*/) override { return run_extract(flags_); }

 private:
  CLI::App* cmd_ = nullptr;
  ExtractFlags flags_;
};

}  // namespace

std::unique_ptr<Verb> make_extract(CLI::App& app) {
  return std::make_unique<ExtractVerb>(app);
}

}  // namespace caspian::cli
