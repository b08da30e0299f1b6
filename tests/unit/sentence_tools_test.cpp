// The sentence tools against hand-computed values: BM25 on a three-document corpus, TF-IDF, SIF
// weights and principal-component removal, max pooling, coverage, per-word contributions that sum
// to the cosine, nDCG; properties (a paragraph's own text finds it first, clusters separate planted
// topics, stepping gives the one-shot result); bad input (no words, no vectors, stopwords only).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "blobs.h"
#include "settings.h"
#include "text_eval.h"
#include "unit_search.h"

namespace embplay {
namespace {

Units paragraphs_of(const std::vector<std::string>& texts) {
  std::string joined;
  for (const auto& t : texts) joined += t + "\n\n";
  UnitOptions o;
  o.kind = UnitKind::kParagraphs;
  return split_units(joined, o);
}

// A word-vector table over `words` (ids from 2), rows given.
struct Table {
  Vocab vocab;
  RowMatrix vectors;
  Table(const std::vector<std::string>& words, const RowMatrix& rows) {
    std::vector<std::string> all = {Vocab::pad_word(), Vocab::unk_word()};
    all.insert(all.end(), words.begin(), words.end());
    vocab = Vocab::from_words(all, std::vector<int64_t>(all.size(), 1));
    vectors = RowMatrix::Zero(rows.rows() + 2, rows.cols());
    vectors.bottomRows(rows.rows()) = rows;
  }
  WordTable view() const { return WordTable{&vocab, &vectors, nullptr}; }
};

template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Bm25, MatchesHandComputedScores) {
  // N = 3, mean length 2. fish: df 1, idf = ln(1 + 2.5 / 1.5); cat: df 2, idf = ln(1 + 1.5 / 2.5).
  const Units u = paragraphs_of({"cat dog", "cat fish fish", "dog"});
  const TextIndex index = build_text_index(u);
  std::vector<float> s;
  bm25_scores(index, read_query(index, "fish", true), Bm25Options{}, s);
  // unit 1: tf 2, length 3: 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 1.5))
  EXPECT_NEAR(s[1], std::log(8.0 / 3.0) * 4.4 / (2 + 1.65), 1e-5);
  EXPECT_EQ(s[0], 0.0f);
  EXPECT_EQ(s[2], 0.0f);
  bm25_scores(index, read_query(index, "cat zebra", true), Bm25Options{}, s);
  EXPECT_NEAR(s[0], std::log(1.6), 1e-5);                 // tf 1 at the mean length
  EXPECT_NEAR(s[1], std::log(1.6) * 2.2 / (1 + 1.65), 1e-5);  // tf 1 in a longer unit
  EXPECT_EQ(s[2], 0.0f);
  Bm25Options no_length{1.2f, 0.0f};
  bm25_scores(index, read_query(index, "cat", true), no_length, s);
  EXPECT_NEAR(s[0], s[1], 1e-6);  // b = 0: length does not matter
}

TEST(TfIdf, CosineMatchesHandComputedValue) {
  // N = 3: idf(a) = ln(4/3) + 1 (df 2), idf(b) = ln(2) + 1 (df 1), idf(c) = ln(4/3) + 1 (df 2).
  const Units u = paragraphs_of({"a b", "a c", "c"});
  const TextIndex index = build_text_index(u);
  const double ia = std::log(4.0 / 3) + 1, ib = std::log(2.0) + 1, ic = ia;
  EXPECT_NEAR(tfidf_cosine(index, 0, 1, false), ia * ia / (std::hypot(ia, ib) * std::hypot(ia, ic)), 1e-9);
  EXPECT_NEAR(tfidf_cosine(index, 1, 2, false), ic / std::hypot(ia, ic), 1e-9);
  EXPECT_EQ(tfidf_cosine(index, 0, 2, false), 0.0);
}

TEST(Pooling, MeanMaxAndCoverage) {
  Table t({"cat", "dog", "the"}, (RowMatrix(3, 2) << 1, -2, -1, 0.5, 4, 4).finished());
  const Units u = paragraphs_of({"cat dog zebra", "The the cat", "zebra"});
  const TextIndex index = build_text_index(u);
  const UnitEmbeddings mean = embed_units(Pooler(index, t.view(), pooling_preset("mean")));
  EXPECT_NEAR(mean.vectors(0, 0), 0.0f, 1e-6);
  EXPECT_NEAR(mean.vectors(0, 1), -0.75f, 1e-6);
  EXPECT_NEAR(mean.vectors(1, 0), 3.0f, 1e-6);  // (4 + 4 + 1) / 3: repeats count
  EXPECT_EQ(mean.words, (std::vector<int32_t>{3, 3, 1}));
  EXPECT_EQ(mean.known, (std::vector<int32_t>{2, 3, 0}));
  EXPECT_NEAR(mean.coverage(0), 2.0 / 3, 1e-12);
  EXPECT_FALSE(mean.has_vector(2));
  EXPECT_TRUE(mean.vectors.row(2).isZero());  // no known word: zero, never NaN

  const UnitEmbeddings max = embed_units(Pooler(index, t.view(), pooling_preset("max")));
  EXPECT_EQ(max.vectors(0, 0), 1.0f);
  EXPECT_EQ(max.vectors(0, 1), 0.5f);
  EXPECT_TRUE(max.vectors.row(2).isZero());
  const UnitEmbeddings both = embed_units(Pooler(index, t.view(), pooling_preset("mean+max")));
  ASSERT_EQ(both.vectors.cols(), 4);
  EXPECT_NEAR(both.vectors(0, 1), -0.75f, 1e-6);
  EXPECT_EQ(both.vectors(0, 3), 0.5f);

  PoolingOptions stop = pooling_preset("mean");
  stop.drop_stopwords = true;
  const UnitEmbeddings no_the = embed_units(Pooler(index, t.view(), stop));
  EXPECT_EQ(no_the.words[1], 1);  // "the" is neither counted nor pooled
  EXPECT_EQ(no_the.vectors(1, 0), 1.0f);
}

TEST(Pooling, SifWeightsFromTheUnitsCounts) {
  // Counts: the 2, cat 1, dog 1 of 4 tokens. a = 0.5: w(the) = 0.5 / (0.5 + 0.5), w(cat) = 0.5 / 0.75.
  Table t({"cat", "dog", "the"}, (RowMatrix(3, 2) << 1, 0, 0, 1, 1, 1).finished());
  const TextIndex index = build_text_index(paragraphs_of({"the cat", "the dog"}));
  PoolingOptions o = pooling_preset("sif");
  o.sif_a = 0.5f;
  o.remove_components = 0;
  const UnitEmbeddings e = embed_units(Pooler(index, t.view(), o));
  EXPECT_NEAR(e.vectors(0, 0), (0.5 + 2.0 / 3) / 2, 1e-6);
  EXPECT_NEAR(e.vectors(0, 1), 0.5 / 2, 1e-6);
  // A typed word no unit has weighs 1 (p = 0).
  const Pooler p(index, t.view(), o);
  EXPECT_FLOAT_EQ(p.read("dog cat zebra")[0].weight, 2.0f / 3);
  EXPECT_FLOAT_EQ(p.read("the")[0].weight, 0.5f);
}

TEST(Pooling, UnitWordsScaleEachVectorToLengthOne) {
  Table t({"cat", "dog"}, (RowMatrix(2, 2) << 3, 4, 0, -10).finished());
  const TextIndex index = build_text_index(paragraphs_of({"cat dog"}));
  PoolingOptions o;
  o.unit_words = true;
  const UnitEmbeddings e = embed_units(Pooler(index, t.view(), o));
  EXPECT_NEAR(e.vectors(0, 0), 0.3f, 1e-6);  // ((0.6, 0.8) + (0, -1)) / 2
  EXPECT_NEAR(e.vectors(0, 1), -0.1f, 1e-6);
}

TEST(Pooling, RemovesTheFirstPrincipalComponent) {
  // Units "a", "b", "c" with vectors (2, 0), (3, 0), (0, 1): sum v v^T = diag(13, 1), so the first
  // component is (1, 0) and only c keeps anything.
  Table t({"a", "b", "c"}, (RowMatrix(3, 2) << 2, 0, 3, 0, 0, 1).finished());
  const TextIndex index = build_text_index(paragraphs_of({"a", "b", "c"}));
  PoolingOptions o;
  o.remove_components = 1;
  const UnitEmbeddings e = embed_units(Pooler(index, t.view(), o));
  ASSERT_EQ(e.components.rows(), 1);
  EXPECT_NEAR(e.components(0, 0), 1.0f, 1e-6);
  EXPECT_NEAR(e.components(0, 1), 0.0f, 1e-6);
  EXPECT_NEAR(e.vectors.row(0).norm(), 0.0f, 1e-6);
  EXPECT_NEAR(e.vectors.row(1).norm(), 0.0f, 1e-6);
  EXPECT_NEAR(e.vectors(2, 1), 1.0f, 1e-6);
  float q[2] = {5, 7};
  e.remove_components(q);  // a query is projected the same way
  EXPECT_NEAR(q[0], 0.0f, 1e-5);
  EXPECT_NEAR(q[1], 7.0f, 1e-5);
}

// Random vectors for `words` words named w0, w1, ...; paragraphs of random words.
struct RandomWorld {
  std::vector<std::string> words;
  RowMatrix vectors;
  std::vector<std::string> paragraphs;
  RandomWorld(int n_words, int dim, int n_paragraphs, int length, uint64_t seed) {
    Rng rng(seed);
    vectors.resize(n_words, dim);
    for (int i = 0; i < n_words; ++i) {
      words.push_back("w" + std::to_string(i));
      for (int k = 0; k < dim; ++k) vectors(i, k) = static_cast<float>(testing_data::normal(rng));
    }
    for (int p = 0; p < n_paragraphs; ++p) {
      std::string text;
      for (int j = 0; j < length; ++j) text += words[rng.below(static_cast<uint32_t>(n_words))] + " ";
      paragraphs.push_back(text);
    }
  }
};

TEST(Compare, ContributionsSumToTheCosineForEveryPooling) {
  const RandomWorld w(30, 8, 20, 12, 7);
  Table t(w.words, w.vectors);
  const TextIndex index = build_text_index(paragraphs_of(w.paragraphs));
  for (const char* preset : {"mean", "max", "mean+max", "sif", "idf"}) {
    const Pooler p(index, t.view(), pooling_preset(preset));
    const UnitEmbeddings e = embed_units(p);
    const std::string a = "w1 w2 w3 w2 zebra", b = "w3 w4 w5 w6 w1";
    const Comparison c = compare_texts(p, e, a, b);
    // The cosine itself, from the pooled vectors.
    Eigen::VectorXf u(p.dim()), v(p.dim());
    p.pool_tokens(p.read(a), u.data());
    p.pool_tokens(p.read(b), v.data());
    e.remove_components(u.data());
    e.remove_components(v.data());
    EXPECT_NEAR(c.cosine, u.dot(v) / (u.norm() * v.norm()), 1e-5) << preset;
    double sum_a = 0, sum_b = 0;
    for (const auto& x : c.a) sum_a += x.contribution;
    for (const auto& x : c.b) sum_b += x.contribution;
    EXPECT_NEAR(sum_a, c.cosine, 1e-5) << preset;
    EXPECT_NEAR(sum_b, c.cosine, 1e-5) << preset;
    EXPECT_EQ(c.a_unknown, std::vector<std::string>{"zebra"});
  }
}

TEST(Compare, MeanContributionIsTheWordsShareOfTheDotProduct) {
  // a = "x y", b = "x": u = (x + y) / 2, v = x; contribution(x) = (x / 2) . v / (|u| |v|).
  Table t({"x", "y"}, (RowMatrix(2, 2) << 1, 0, 0, 1).finished());
  const TextIndex index = build_text_index(paragraphs_of({"x y", "x"}));
  const Pooler p(index, t.view(), pooling_preset("mean"));
  const Comparison c = compare_texts(p, embed_units(p), "x y", "x");
  EXPECT_NEAR(c.cosine, 1 / std::sqrt(2.0), 1e-6);
  ASSERT_EQ(c.a.size(), 2u);
  EXPECT_EQ(c.a[0].word, "x");
  EXPECT_NEAR(c.a[0].contribution, 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(c.a[1].contribution, 0.0, 1e-6);
  EXPECT_EQ(error_of([&] { compare_texts(p, embed_units(p), "zebra", "x"); }),
            "the first sentence has no word with a vector (\"zebra\")");
}

TEST(Search, AParagraphsOwnTextFindsItFirstByEveryMethod) {
  const RandomWorld w(200, 16, 60, 15, 3);
  Table t(w.words, w.vectors);
  const Units u = paragraphs_of(w.paragraphs);
  const TextIndex index = build_text_index(u);
  const Pooler p(index, t.view(), pooling_preset("sif"));
  const UnitEmbeddings e = embed_units(p);
  UnitSearch search(index, p, e);
  for (SearchMethod m : {SearchMethod::kEmbedding, SearchMethod::kBm25, SearchMethod::kHybrid})
    for (int32_t i : {0, 17, 59}) {
      const SearchResult r = search.search(w.paragraphs[i], m, SearchOptions{});
      ASSERT_FALSE(r.hits.empty());
      EXPECT_EQ(r.hits[0].unit, i) << search_method_name(m);
      EXPECT_LE(r.hits.size(), 10u);
      for (size_t h = 1; h < r.hits.size(); ++h) EXPECT_GE(r.hits[h - 1].score, r.hits[h].score);
    }
  const SearchResult r = search.search("w3 W3 zebra", SearchMethod::kBm25, SearchOptions{});
  EXPECT_EQ(r.no_unit, std::vector<std::string>{"zebra"});
  for (const Hit& h : r.hits) EXPECT_EQ(h.matched, std::vector<std::string>{"w3"});
  const std::vector<Hit> near = nearest_units(e, 5, 4);
  ASSERT_EQ(near.size(), 4u);
  for (const Hit& h : near) EXPECT_NE(h.unit, 5);
}

TEST(Search, BadQueriesAreExplained) {
  Table t({"cat", "dog"}, (RowMatrix(2, 2) << 1, 0, 0, 1).finished());
  const Units u = paragraphs_of({"the cat", "a dog", "zebra crossing"});
  const TextIndex index = build_text_index(u);
  const Pooler p(index, t.view(), pooling_preset("mean"));
  const UnitEmbeddings e = embed_units(p);
  UnitSearch search(index, p, e);
  EXPECT_EQ(error_of([&] { search.search("the of and", SearchMethod::kBm25, SearchOptions{}); }),
            "the query has only stopwords (\"the\", \"of\", \"and\"), which say little about a text: add a word that does");
  EXPECT_EQ(error_of([&] { search.search(" ... ", SearchMethod::kHybrid, SearchOptions{}); }),
            "the query has no words: type a few words to look for");
  EXPECT_EQ(error_of([&] { search.search("zebra", SearchMethod::kEmbedding, SearchOptions{}); }),
            "no word of the query has a vector (\"zebra\"): try BM25, or other words");
  EXPECT_EQ(error_of([&] { search.search("unicorn", SearchMethod::kBm25, SearchOptions{}); }),
            "no unit contains a word of the query (\"unicorn\")");
  const SearchResult hybrid = search.search("zebra", SearchMethod::kHybrid, SearchOptions{});
  EXPECT_EQ(hybrid.notice, "no word of the query has a vector: ranked by BM25 alone");
  ASSERT_EQ(hybrid.hits.size(), 1u);
  EXPECT_EQ(hybrid.hits[0].unit, 2);
  // The unit without a vector is never an embedding result, and has no neighbours.
  for (const Hit& h : search.search("cat", SearchMethod::kEmbedding, SearchOptions{}).hits) EXPECT_NE(h.unit, 2);
  EXPECT_EQ(error_of([&] { nearest_units(e, 2, 3); }), "this unit has no word with a vector, so it has no neighbours");
}

TEST(Clusters, SeparatePlantedTopicsAndLabelThemByTheirWords) {
  // Three topics of 10 words each, vectors around three distant centres; 15 paragraphs per topic.
  const int topics = 3, per_topic = 10;
  const RowMatrix centres = testing_data::gaussian_blobs(topics, per_topic, 12, 8.0, 11);
  std::vector<std::string> words;
  for (int i = 0; i < topics * per_topic; ++i) words.push_back("t" + std::to_string(i / per_topic) + "w" + std::to_string(i % per_topic));
  Table t(words, centres);
  Rng rng(5);
  std::vector<std::string> texts;
  for (int p = 0; p < topics * 15; ++p) {
    std::string text = "the ";
    for (int j = 0; j < 8; ++j) text += words[(p % topics) * per_topic + rng.below(per_topic)] + " ";
    texts.push_back(text);
  }
  const TextIndex index = build_text_index(paragraphs_of(texts));
  const UnitEmbeddings e = embed_units(Pooler(index, t.view(), pooling_preset("mean")));
  KMeansOptions ko;
  ko.k = topics;
  const UnitClusters c = cluster_units(index, e, ko, 3);
  for (int p = 0; p < static_cast<int>(texts.size()); ++p) EXPECT_EQ(c.assignment[p], c.assignment[p % topics]) << p;
  for (int j = 0; j < topics; ++j) {
    ASSERT_EQ(c.labels[j].size(), 3u);
    const std::string topic = c.labels[j][0].substr(0, 2);
    for (const auto& label : c.labels[j]) EXPECT_EQ(label.substr(0, 2), topic);  // never "the", never another topic
  }
}

TEST(Stepping, GivesTheOneShotResult) {
  const RandomWorld w(50, 6, 40, 10, 9);
  Table t(w.words, w.vectors);
  const Units u = paragraphs_of(w.paragraphs);
  TextIndexBuilder builder(u, TokenizerOptions{});
  int steps = 0;
  while (!builder.step(7)) ++steps;
  EXPECT_EQ(steps, 5);  // 40 units, 7 at a time
  const TextIndex stepped = builder.finish(), whole = build_text_index(u);
  ASSERT_EQ(stepped.terms(), whole.terms());
  const Pooler p(whole, t.view(), pooling_preset("sif"));
  UnitEmbedder embedder(p);
  while (!embedder.step(3)) {
  }
  const UnitEmbeddings a = embedder.finish(), b = embed_units(p);
  EXPECT_LT((a.vectors - b.vectors).cwiseAbs().maxCoeff(), 1e-4f);
}

TEST(Evaluation, NdcgAndRecallOnAToyRanking) {
  const std::map<int32_t, int> gains = {{1, 3}, {2, 2}, {3, 0}};
  // Ranking 3, 1, 2: DCG = 0 + 3 / log2(3) + 2 / log2(4); ideal = 3 + 2 / log2(3).
  EXPECT_NEAR(ndcg_at({3, 1, 2}, gains, 10), (3 / std::log2(3.0) + 1) / (3 + 2 / std::log2(3.0)), 1e-12);
  EXPECT_NEAR(ndcg_at({1, 2}, gains, 10), 1.0, 1e-12);
  EXPECT_NEAR(ndcg_at({9, 1}, gains, 1), 0.0, 1e-12);
  EXPECT_NEAR(recall_at({3, 1, 9}, gains, 2), 0.5, 1e-12);  // unit 3 has gain 0: not relevant
  EXPECT_NEAR(recall_at({2, 1}, gains, 100), 1.0, 1e-12);
  EXPECT_EQ(ndcg_at({1}, {{1, 0}}, 10), 0.0);
}

TEST(Evaluation, StsReaderSplitsOnTabsOnly) {
  const std::string text = "genre\tfile\tyear\tsid\tscore\ts1\ts2\tattr\n"
                           "main-news\tf\t2012\t1\t4.5\t\"Unbalanced quote, here\tthe other\t\n"
                           "main-forum\tf\t2014\t2\t0\ta\tb\n";
  const std::vector<StsPair> pairs = read_sts(text);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].a, "\"Unbalanced quote, here");
  EXPECT_EQ(pairs[0].score, 4.5);
  EXPECT_EQ(error_of([] { read_sts("h\nmain\tf\t2012\t1\tfour\ta\tb\n"); }), "sts line 2: the score \"four\" is not a number");
  EXPECT_EQ(error_of([] { read_sts("h\nmain\tf\t2012\t1\t4\n"); }), "sts line 2: expected 7 tab-separated columns, found 5");
}

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(EMBPLAY_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Evaluation, ShippedCranfieldReadsAndBm25FindsRelevantDocuments) {
  const IrCollection c = read_ir_collection(read_data("ir/cranfield/documents.jsonl"), read_data("ir/cranfield/queries.jsonl"),
                                            read_data("ir/cranfield/qrels.tsv"));
  ASSERT_EQ(c.documents.size(), 1400u);
  ASSERT_EQ(c.queries.size(), 225u);
  EXPECT_EQ(c.documents.unit(470), "");  // document 471 is empty, and kept
  int64_t judged = 0;
  for (const auto& g : c.gains) judged += static_cast<int64_t>(g.size());
  EXPECT_EQ(judged, 1837);
  // Query id 1's first judgement: document 184, cran_code 2, gain 3.
  EXPECT_EQ(c.gains[0].at(183), 3);
  const TextIndex index = build_text_index(c.documents);
  Table t({"flow"}, RowMatrix::Ones(1, 2));
  const Pooler p(index, t.view(), pooling_preset("mean"));
  const UnitEmbeddings e = embed_units(p);
  UnitSearch search(index, p, e);
  const IrScore bm25 = evaluate_ir(c, search, index, SearchMethod::kBm25, SearchOptions{});
  EXPECT_EQ(bm25.queries, 225);
  EXPECT_GT(bm25.ndcg10, 0.3);  // published BM25 figures on Cranfield are about 0.35-0.4
  EXPECT_GT(bm25.recall100, 0.6);
}

TEST(Evaluation, ShippedStsTestSplitReads) {
  const std::vector<StsPair> pairs = read_sts(read_data("sts/sts-test.tsv"));
  EXPECT_EQ(pairs.size(), 1379u);
  const StsBench bench(pairs, TokenizerOptions{});
  EXPECT_GT(bench.tfidf(false).spearman, 0.6);  // lexical overlap is a strong baseline on STS-B
}

}  // namespace
}  // namespace embplay
