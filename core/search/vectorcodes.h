#pragma once

#include <cstdint>

namespace aether::vectorcodes {

// The int8 copy of a vector that scans and the approximate index read: a
// quarter of the float's memory traffic, which is what bounds both.

// Symmetric per-vector quantisation: the largest magnitude maps to 127.
// Returns the float value of one code step.
float quantise(const float *values, int dimension, std::int8_t *codes);

std::int32_t dotCodes(const std::int8_t *a, const std::int8_t *b, int dimension);
float dotFloats(const float *a, const float *b, int dimension);

// A block of kBlockVectors vectors' codes stored dimension by dimension
// (dimension j's codes of the block are contiguous): a query with few
// non-zero dimensions reads only those, kBlockVectors at a time.
constexpr int kBlockVectors = 1024;

// scores[i] = sum over the `count` dimensions dims[k] of weights[k] *
// block[dims[k] * kBlockVectors + i], for the block's kBlockVectors vectors.
void dotColumns(const std::int8_t *block, const int *dims, const std::int16_t *weights, int count,
                std::int32_t *scores);

} // namespace aether::vectorcodes
