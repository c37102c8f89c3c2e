// caspian: the command-line interface. main() only builds the command line and dispatches to
// the verb it names (one file per verb in tools/cli/); every verb calls only the public API in
// include/caspian/. Exit codes (docs/cli.md, common.h):
//   0  success
//   1  some inputs failed (the rest were processed), or nothing found for show
//   2  usage error (bad flag or argument)
//   3  fatal error (database cannot be opened, data files missing)
//   130 interrupted (SIGINT/SIGTERM); work committed so far is kept
#include <memory>
#include <vector>

#include "common.h"

int main(int argc, char** argv) {
  namespace cli = caspian::cli;
  cli::install_signal_handlers();
  CLI::App app{"caspian: turns news into structured, searchable knowledge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("caspian {}", caspian::version()));
  cli::GlobalFlags global;
  app.add_option("--data-dir", global.pipeline.data_dir,
                 "Directory of caspian's data files (default: $CASPIAN_DATA or built-in)");
  app.add_option("--pos-model", global.pipeline.pos_model,
                 "Part-of-speech model of analyze, ingest and watch (default: $CASPIAN_POS_MODEL or "
                 "models/pos-en-ud.bin)");
  app.add_option("--parse-model", global.pipeline.parse_model,
                 "Parser model of analyze, ingest and watch (default: $CASPIAN_PARSE_MODEL or "
                 "models/parse-en-ud.bin; models/parse-en-ud-beam8.bin is more accurate and slower)");
  app.add_option("--ner-model", global.pipeline.ner_model,
                 "Named-entity model of analyze, ingest and watch (default: $CASPIAN_NER_MODEL or "
                 "models/ner-en-conll.bin)");
  app.add_option("--topic-model", global.pipeline.topic_model,
                 "Topic model of analyze, ingest and watch (default: $CASPIAN_TOPIC_MODEL or "
                 "models/topics-iptc-cep.bin; caspian train topics makes one)");
  app.add_option("--actors", global.pipeline.event_dictionaries.actors,
                 "Actor dictionary (PETRARCH format, docs/events.md) read after the built-in ones by "
                 "the events stage of analyze, ingest and watch; repeatable")
      ->check(CLI::ExistingFile);

  std::vector<std::unique_ptr<cli::Verb>> verbs;
  verbs.push_back(cli::make_analyze(app));
  verbs.push_back(cli::make_ingest(app));
  verbs.push_back(cli::make_search(app));
  verbs.push_back(cli::make_events(app));
  verbs.push_back(cli::make_show(app));
  verbs.push_back(cli::make_stories(app));
  verbs.push_back(cli::make_watch(app));
  verbs.push_back(cli::make_summary(app));
  verbs.push_back(cli::make_eval(app));
  verbs.push_back(cli::make_extract(app));
  verbs.push_back(cli::make_train(app));
  verbs.push_back(cli::make_serve(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  caspian::models_from_environment(global.pipeline);
  for (const auto& verb : verbs) {
    if (verb->command()->parsed()) return verb->run(global);
  }
  return cli::kExitUsage;
}
