#include "search/vectorcodes.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace aether::vectorcodes {

// The inner loops below are the whole cost of a scan and of a graph search.
// They are written plainly so the compiler vectorises them; on x86-64 an AVX2
// clone is chosen at run time where the processor has it (GCC function
// multi-versioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AETHER_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AETHER_VECTOR_CLONES
#endif

AETHER_VECTOR_CLONES
std::int32_t dotCodes(const std::int8_t *a, const std::int8_t *b, int dimension)
{
    std::int32_t sum = 0;
    for (int i = 0; i < dimension; ++i)
        sum += std::int16_t(a[i]) * std::int16_t(b[i]);
    return sum;
}

AETHER_VECTOR_CLONES
float dotFloats(const float *a, const float *b, int dimension)
{
    float sum = 0;
    for (int i = 0; i < dimension; ++i)
        sum += a[i] * b[i];
    return sum;
}

// Four dimensions per pass over the scores: reading and writing the block's
// int32 scores costs more than reading its int8 codes, so each pass adds as
// many columns as it can.
AETHER_VECTOR_CLONES
void dotColumns(const std::int8_t *block, const int *dims, const std::int16_t *weights, int count,
                std::int32_t *scores)
{
    for (int i = 0; i < kBlockVectors; ++i)
        scores[i] = 0;
    // The columns a query reads are scattered through the block: fetch the
    // next pass's while this one adds, or each waits on memory (the hardware
    // prefetcher does not guess such strides).
    constexpr int kLine = 64;
    const auto prefetch = [&](int k) {
        if (k >= count)
            return;
        const std::int8_t *ahead = block + std::ptrdiff_t(dims[k]) * kBlockVectors;
        for (int offset = 0; offset < kBlockVectors; offset += kLine)
            __builtin_prefetch(ahead + offset);
    };
    const auto column = [&](int k) { return block + std::ptrdiff_t(dims[k]) * kBlockVectors; };
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        for (int ahead = k + 4; ahead < k + 8; ++ahead)
            prefetch(ahead);
        const std::int8_t *a = column(k);
        const std::int8_t *b = column(k + 1);
        const std::int8_t *c = column(k + 2);
        const std::int8_t *d = column(k + 3);
        const std::int16_t wa = weights[k];
        const std::int16_t wb = weights[k + 1];
        const std::int16_t wc = weights[k + 2];
        const std::int16_t wd = weights[k + 3];
        for (int i = 0; i < kBlockVectors; ++i)
            scores[i] += std::int32_t(std::int16_t(a[i]) * wa) + std::int16_t(b[i]) * wb +
                         std::int16_t(c[i]) * wc + std::int16_t(d[i]) * wd;
    }
    for (; k < count; ++k) {
        const std::int8_t *a = column(k);
        const std::int16_t wa = weights[k];
        for (int i = 0; i < kBlockVectors; ++i)
            scores[i] += std::int16_t(a[i]) * wa; // |127 * 127| fits 16 bits
    }
}

float quantise(const float *values, int dimension, std::int8_t *codes)
{
    float largest = 0;
    for (int i = 0; i < dimension; ++i)
        largest = std::max(largest, std::fabs(values[i]));
    const float step = largest > 0 ? largest / 127.0f : 1.0f;
    for (int i = 0; i < dimension; ++i)
        codes[i] = std::int8_t(std::lround(values[i] / step));
    return step;
}

} // namespace aether::vectorcodes
