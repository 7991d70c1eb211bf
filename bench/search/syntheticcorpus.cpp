#include "syntheticcorpus.h"

#include <QSet>
#include <algorithm>

namespace aether::bench {

namespace {

constexpr int kContentWords = 4000;
constexpr int kMinChunkChars = 400;
constexpr int kMaxChunkChars = 800;
constexpr double kTopicWordChance = 0.35; // per sentence
constexpr std::uint64_t kSeed = 0x5eedc0ffee;

// The most frequent English words, most frequent first: real text is mostly these.
const char *const kFunctionWords[] = {
    "the",   "of",   "and",   "to",    "a",     "in",    "is",   "that",  "for",  "it",
    "as",    "was",  "with",  "be",    "by",    "on",    "not",  "he",    "this", "are",
    "or",    "his",  "from",  "at",    "which", "but",   "have", "an",    "had",  "they",
    "you",   "were", "their", "one",   "all",   "we",    "can",  "her",   "has",  "there",
    "been",  "if",   "more",  "when",  "will",  "would", "who",  "so",    "no",   "she",
    "other", "its",  "may",   "these", "what",  "them",  "than", "some",  "him",  "time",
    "into",  "only", "do",    "also",  "two",   "such",  "then", "first", "any",  "new",
    "could", "our",  "most",  "over",  "after", "made",  "many", "must",  "like", "did"};

const char *const kOnsets[] = {"b",  "c",  "d",  "f",  "g",  "h",  "k",  "l",  "m",
                               "n",  "p",  "r",  "s",  "t",  "v",  "w",  "z",  "br",
                               "cl", "dr", "fl", "gr", "pl", "pr", "st", "tr", "sh"};
const char *const kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "io", "ou"};
const char *const kCodas[] = {"", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk"};

template<typename T, size_t N> const T &pick(std::mt19937_64 &random, const T (&items)[N])
{
    return items[std::uniform_int_distribution<size_t>(0, N - 1)(random)];
}

QString inventedWord(std::mt19937_64 &random, int minSyllables, int maxSyllables)
{
    QString word;
    const int syllables = std::uniform_int_distribution<int>(minSyllables, maxSyllables)(random);
    for (int i = 0; i < syllables; ++i)
        word += QLatin1String(pick(random, kOnsets)) + QLatin1String(pick(random, kVowels));
    return word + QLatin1String(pick(random, kCodas));
}

// Adds `count` new words to `words`, none already in `taken`.
void invent(std::mt19937_64 &random, int count, int minSyllables, int maxSyllables,
            QSet<QString> &taken, QStringList &words)
{
    while (count > 0) {
        const QString word = inventedWord(random, minSyllables, maxSyllables);
        if (taken.contains(word))
            continue;
        taken.insert(word);
        words.append(word);
        --count;
    }
}

} // namespace

SyntheticCorpus::SyntheticCorpus(int topics) : m_topics(std::max(1, topics))
{
    std::mt19937_64 random(kSeed);
    QSet<QString> taken;
    for (const char *word : kFunctionWords) {
        m_vocabulary.append(QLatin1String(word));
        taken.insert(QLatin1String(word));
    }
    m_functionWords = int(m_vocabulary.size());
    invent(random, kContentWords, 1, 3, taken, m_vocabulary);
    invent(random, m_topics * kTopicWordsPerTopic, 3, 4, taken, m_topicWords);
    double total = 0;
    m_cumulativeWeights.reserve(size_t(m_vocabulary.size()));
    for (qsizetype rank = 1; rank <= m_vocabulary.size(); ++rank)
        m_cumulativeWeights.push_back(total += 1.0 / double(rank));
}

int SyntheticCorpus::topicOf(int document) const
{
    // A fixed scramble, so neighbouring documents have unrelated topics.
    return int((std::uint64_t(document) * 2654435761ULL) % std::uint64_t(m_topics));
}

QString SyntheticCorpus::word(std::mt19937_64 &random) const
{
    const double at = std::uniform_real_distribution<double>(0, m_cumulativeWeights.back())(random);
    const auto rank = std::upper_bound(m_cumulativeWeights.begin(), m_cumulativeWeights.end(), at) -
                      m_cumulativeWeights.begin();
    return m_vocabulary[std::min<qsizetype>(rank, m_vocabulary.size() - 1)];
}

QString SyntheticCorpus::sentence(std::mt19937_64 &random, int topic) const
{
    const int length = std::uniform_int_distribution<int>(6, 18)(random);
    QStringList words;
    for (int i = 0; i < length; ++i)
        words.append(word(random));
    if (std::bernoulli_distribution(kTopicWordChance)(random)) {
        const int which = std::uniform_int_distribution<int>(0, kTopicWordsPerTopic - 1)(random);
        words[std::uniform_int_distribution<int>(0, length - 1)(random)] =
            m_topicWords[topic * kTopicWordsPerTopic + which];
    }
    words.first()[0] = words.first()[0].toUpper();
    return words.join(QLatin1Char(' ')) + QLatin1Char('.');
}

QString SyntheticCorpus::chunkText(int document, int chunk) const
{
    std::mt19937_64 random(kSeed ^ (std::uint64_t(document) << 20) ^ std::uint64_t(chunk));
    const int topic = topicOf(document);
    const int target = std::uniform_int_distribution<int>(kMinChunkChars, kMaxChunkChars)(random);
    QString text;
    text.reserve(kMaxChunkChars + 200);
    while (text.size() < target) {
        const QString next = sentence(random, topic);
        if (text.size() >= kMinChunkChars && text.size() + 1 + next.size() > kMaxChunkChars)
            break;
        if (!text.isEmpty())
            text += QLatin1Char(' ');
        text += next;
    }
    return text;
}

QString SyntheticCorpus::query(std::mt19937_64 &random, int documents) const
{
    const int topic = topicOf(std::uniform_int_distribution<int>(0, documents - 1)(random));
    QStringList words;
    int first = std::uniform_int_distribution<int>(0, kTopicWordsPerTopic - 1)(random);
    words.append(m_topicWords[topic * kTopicWordsPerTopic + first]);
    words.append(m_topicWords[topic * kTopicWordsPerTopic + (first + 1) % kTopicWordsPerTopic]);
    const int contentWords = std::uniform_int_distribution<int>(1, 4)(random);
    while (words.size() < 2 + contentWords) {
        const QString candidate = word(random);
        if (m_vocabulary.indexOf(candidate) >= m_functionWords && !words.contains(candidate))
            words.insert(std::uniform_int_distribution<qsizetype>(0, words.size())(random),
                         candidate);
    }
    return words.join(QLatin1Char(' '));
}

} // namespace aether::bench
