#pragma once

#include <QString>
#include <QStringList>
#include <random>
#include <vector>

namespace aether::bench {

// Word-realistic synthetic text, the same on every run and machine: English
// function words and a few thousand generated content words drawn with a
// Zipf-like distribution, plus a few topic words per document so that queries
// built from a topic have answers. Documents are made from their index alone,
// so they can be made on any thread in any order.
class SyntheticCorpus
{
public:
    static constexpr int kTopicWordsPerTopic = 4;

    // topics: how many distinct topics documents are spread over.
    explicit SyntheticCorpus(int topics);

    int topicOf(int document) const;

    // One chunk of 400-800 characters of document `document`, in its topic.
    QString chunkText(int document, int chunk) const;

    // A query of 3-6 words: two words of a topic some document has, and
    // content words (never function words, which nobody types into a search box).
    QString query(std::mt19937_64 &random, int documents) const;

private:
    QString word(std::mt19937_64 &random) const;
    QString sentence(std::mt19937_64 &random, int topic) const;

    int m_topics = 0;
    QStringList m_vocabulary;                // by rank: function words first
    QStringList m_topicWords;                // kTopicWordsPerTopic per topic
    std::vector<double> m_cumulativeWeights; // of m_vocabulary, Zipf s = 1
    int m_functionWords = 0;
};

} // namespace aether::bench
