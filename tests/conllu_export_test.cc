// Tests of the CoNLL-U export (caspian::to_conllu) on hand-made documents.
#include <gtest/gtest.h>

#include <string>

#include "caspian/conllu.h"
#include "caspian/document.h"
#include "nlp/conllu.h"

namespace caspian {
namespace {

// "Cats sleep." with tags and a tree, as the pos and parse stages would leave it.
Document parsed_document() {
  Document doc = make_document("", "Cats sleep.");
  doc.id = "doc-1";
  doc.sentences.push_back(Sentence{{0, 11}, 0, 3});
  doc.tokens.push_back(Token{{0, 4}, TokenKind::kWord, true, Upos::kNoun, "NNS", 2, "nsubj", UdRel::kNsubj});
  doc.tokens.push_back(Token{{5, 10}, TokenKind::kWord, false, Upos::kVerb, "VBP", 0, "root", UdRel::kRoot});
  doc.tokens.push_back(
      Token{{10, 11}, TokenKind::kPunct, true, Upos::kPunct, ".", 2, "punct", UdRel::kPunct});
  return doc;
}

TEST(ConlluExportTest, WritesTokensTagsAndTree) {
  EXPECT_EQ(to_conllu(parsed_document()),
            "# newdoc id = doc-1\n"
            "# sent_id = 1\n"
            "# text = Cats sleep.\n"
            "1\tCats\t_\tNOUN\tNNS\t_\t2\tnsubj\t_\tTokenRange=0:4\n"
            "2\tsleep\t_\tVERB\tVBP\t_\t0\troot\t_\tSpaceAfter=No|TokenRange=5:10\n"
            "3\t.\t_\tPUNCT\t.\t_\t2\tpunct\t_\tTokenRange=10:11\n"
            "\n");
}

TEST(ConlluExportTest, UnfilledColumnsAreUnderscores) {
  Document doc = parsed_document();
  for (Token& t : doc.tokens) {
    t.upos = Upos::kNone;
    t.xpos.clear();
    t.deprel.clear();
    t.rel = UdRel::kNone;
    t.head = 0;
  }
  const std::string out = to_conllu(doc);
  EXPECT_NE(out.find("1\tCats\t_\t_\t_\t_\t_\t_\t_\tTokenRange=0:4\n"), std::string::npos) << out;
}

TEST(ConlluExportTest, OutputReadsBackAsCoNLLU) {
  // The project's own CoNLL-U reader accepts what the exporter writes, tree included.
  auto parsed = nlp::parse_conllu(to_conllu(parsed_document()));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 1U);
  ASSERT_EQ((*parsed)[0].words.size(), 3U);
  EXPECT_EQ((*parsed)[0].words[0].deprel, "nsubj");
  EXPECT_EQ((*parsed)[0].words[0].head, 2);
  EXPECT_EQ((*parsed)[0].words[1].form, "sleep");
}

TEST(ConlluExportTest, SeparatorsInFormsCannotBreakTheFormat) {
  Document doc = make_document("", "a\tb c");
  doc.sentences.push_back(Sentence{{0, 5}, 0, 1});
  doc.tokens.push_back(Token{{0, 3}, TokenKind::kWord, true, Upos::kX, "", 0, "", UdRel::kNone});
  auto parsed = nlp::parse_conllu(to_conllu(doc));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ((*parsed)[0].words[0].form, "a b");
}

TEST(ConlluExportTest, SentencesOutsideTheTokensAreNotWritten) {
  Document doc = parsed_document();
  doc.sentences.push_back(Sentence{{0, 11}, 2, 5});  // indexes past the end
  const std::string out = to_conllu(doc);
  EXPECT_EQ(out.find("# sent_id = 2"), std::string::npos);
}

}  // namespace
}  // namespace caspian
