// dlib's shape predictor read straight from its file: see dlib_predictor.h.
//
// The format is dlib's serialize() of shape_predictor (version 1): the
// initial shape (a column matrix), the forests (per cascade, per tree: the
// splits idx1, idx2, thresh and the leaves, each a column matrix), the
// anchor indices and the deltas. Integers are a control byte (the number
// of bytes that follow, 0x80 for a negative value) and their bytes, least
// significant first; a float is its mantissa (int64) and exponent (int16)
// as integers, the value std::ldexp((float)mantissa, exponent).
#include "dlib_predictor.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace skd_face {

namespace {

const int kExponentInf = 32000, kExponentNinf = 32001; // dlib::float_details

class reader {
public:
    reader(const char *data, std::size_t n)
        : p_(reinterpret_cast<const unsigned char *>(data)), end_(p_ + n)
    {
    }

    unsigned long uint(unsigned max_bytes = sizeof(unsigned long))
    {
        unsigned size = byte() & 0x8F; // the reserved bits masked, as dlib
        if (size == 0 || size > max_bytes)
            fail("bad unsigned integer");
        return static_cast<unsigned long>(bytes(size));
    }

    // A count of items of at least min_bytes each: never more than the
    // bytes left could hold, so a damaged file cannot ask for a huge
    // allocation.
    unsigned long count(std::size_t min_bytes)
    {
        unsigned long n = uint();
        if (n > static_cast<std::size_t>(end_ - p_) / min_bytes)
            fail("a count larger than the file");
        return n;
    }

    std::int64_t sint(unsigned max_bytes)
    {
        unsigned c = byte(), size = c & 0x0F;
        if (size == 0 || size > max_bytes)
            fail("bad signed integer");
        std::uint64_t v = bytes(size);
        std::int64_t x = static_cast<std::int64_t>(v);
        return (c & 0x80) ? -x : x;
    }

    float real()
    {
        if (p_ >= end_)
            fail("truncated");
        if (*p_ & 0x70)
            fail("floats in dlib's old text format");
        std::int64_t mantissa = sint(8);
        std::int16_t exponent = static_cast<std::int16_t>(sint(2));
        if (exponent < kExponentInf)
            return scaled(mantissa, exponent);
        if (exponent == kExponentInf)
            return std::numeric_limits<float>::infinity();
        if (exponent == kExponentNinf)
            return -std::numeric_limits<float>::infinity();
        return std::numeric_limits<float>::quiet_NaN();
    }

    // A column matrix of rows floats, appended to out.
    void column(std::vector<float> &out, long rows)
    {
        long nr = static_cast<long>(sint(8)), nc = static_cast<long>(sint(8));
        if (nr < 0 || nc < 0) { // dlib's newer format marks itself so
            nr = -nr;
            nc = -nc;
        }
        if (nc != 1 || (rows >= 0 && nr != rows))
            fail("a matrix of an unexpected size");
        for (long r = 0; r < nr; ++r)
            out.push_back(real());
    }

    bool at_end() const { return p_ == end_; }

private:
    unsigned byte()
    {
        if (p_ >= end_)
            fail("truncated");
        return *p_++;
    }

    std::uint64_t bytes(unsigned size)
    {
        std::uint64_t v = 0;
        if (static_cast<std::size_t>(end_ - p_) < size)
            fail("truncated");
        for (unsigned i = size; i-- > 0;)
            v = (v << 8) | p_[i];
        p_ += size;
        return v;
    }

    // std::ldexp((float)m, e), which dlib uses, without its call: for
    // |e| <= 900 the product is exact in double, and rounding it to float
    // is the one rounding ldexp makes.
    static float scaled(std::int64_t m, int e)
    {
        float f = static_cast<float>(m);
        if (e < -900 || e > 900)
            return std::ldexp(f, e);
        std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
        double two_e;
        std::memcpy(&two_e, &bits, sizeof two_e);
        return static_cast<float>(static_cast<double>(f) * two_e);
    }

    [[noreturn]] static void fail(const char *what)
    {
        throw dlib::serialization_error(std::string("shape predictor: ") + what);
    }

    const unsigned char *p_, *end_;
};

} // namespace

void fast_shape_predictor::read(const char *data, std::size_t n)
{
    reader in(data, n);
    std::vector<float> initial;
    if (in.sint(sizeof(int)) != 1)
        throw dlib::serialization_error("shape predictor: not version 1");
    in.column(initial, -1);
    const long dim = static_cast<long>(initial.size());
    if (dim == 0 || dim % 2)
        throw dlib::serialization_error("shape predictor: bad initial shape");
    initial_shape_.set_size(dim);
    for (long k = 0; k < dim; ++k)
        initial_shape_(k) = initial[static_cast<std::size_t>(k)];

    // The leaves are most of the file, at least 4 bytes a float: room for
    // them at once (what is not written of it is never mapped).
    leaves_.clear();
    leaves_.reserve(n / 4);
    splits_.clear();
    cascade_first_tree_.assign(1, 0);
    tree_first_split_.assign(1, 0);
    tree_first_leaf_.assign(1, 0);
    const unsigned long cascades = in.count(2);
    for (unsigned long c = 0; c < cascades; ++c) {
        const unsigned long trees = in.count(4);
        for (unsigned long t = 0; t < trees; ++t) {
            const unsigned long n_splits = in.count(8);
            for (unsigned long s = 0; s < n_splits; ++s) {
                split sp;
                sp.idx1 = in.uint();
                sp.idx2 = in.uint();
                sp.thresh = in.real();
                splits_.push_back(sp);
            }
            const unsigned long n_leaves = in.count(4);
            if (n_leaves != n_splits + 1)
                throw dlib::serialization_error("shape predictor: a tree with "
                                                "the wrong number of leaves");
            for (unsigned long l = 0; l < n_leaves; ++l)
                in.column(leaves_, dim);
            tree_first_split_.push_back(splits_.size());
            tree_first_leaf_.push_back(tree_first_leaf_.back() + n_leaves);
        }
        cascade_first_tree_.push_back(cascade_first_tree_.back() + trees);
    }

    anchor_idx_.assign(in.count(2), std::vector<unsigned long>());
    for (auto &a : anchor_idx_) {
        a.resize(in.count(2));
        for (auto &i : a)
            i = in.uint();
    }
    deltas_.assign(in.count(2), std::vector<dlib::vector<float, 2>>());
    for (auto &d : deltas_) {
        d.resize(in.count(8));
        for (auto &v : d) {
            v.x() = in.real();
            v.y() = in.real();
        }
    }

    // What dlib's predictor assumes of its model, checked once here, so
    // that a damaged file cannot make it read out of bounds.
    if (!in.at_end() || anchor_idx_.size() != cascades || deltas_.size() != cascades)
        throw dlib::serialization_error("shape predictor: inconsistent model");
    for (unsigned long c = 0; c < cascades; ++c) {
        const std::size_t features = anchor_idx_[c].size();
        if (deltas_[c].size() != features)
            throw dlib::serialization_error("shape predictor: inconsistent model");
        for (unsigned long i : anchor_idx_[c])
            if (i >= static_cast<unsigned long>(dim / 2))
                throw dlib::serialization_error("shape predictor: bad anchor");
        for (std::size_t s = tree_first_split_[cascade_first_tree_[c]];
             s < tree_first_split_[cascade_first_tree_[c + 1]]; ++s)
            if (splits_[s].idx1 >= features || splits_[s].idx2 >= features)
                throw dlib::serialization_error("shape predictor: bad split");
    }
}

dlib::full_object_detection
fast_shape_predictor::operator()(const grey_view &img,
                                 const dlib::rectangle &rect) const
{
    using namespace dlib::impl;
    const long dim = initial_shape_.size();
    dlib::matrix<float, 0, 1> current_shape = initial_shape_;
    std::vector<float> feature_pixel_values;
    for (std::size_t c = 0; c + 1 < cascade_first_tree_.size(); ++c) {
        extract_feature_pixel_values(img, rect, current_shape, initial_shape_,
                                     anchor_idx_[c], deltas_[c],
                                     feature_pixel_values);
        for (std::size_t t = cascade_first_tree_[c]; t < cascade_first_tree_[c + 1]; ++t) {
            const split *s = &splits_[tree_first_split_[t]];
            const std::size_t n = tree_first_split_[t + 1] - tree_first_split_[t];
            std::size_t i = 0;
            // regression_tree::operator(): left when the difference is above
            // the threshold
            while (i < n)
                i = feature_pixel_values[s[i].idx1] - feature_pixel_values[s[i].idx2] >
                            s[i].thresh
                        ? 2 * i + 1
                        : 2 * i + 2;
            const float *leaf =
                &leaves_[(tree_first_leaf_[t] + i - n) * static_cast<std::size_t>(dim)];
            for (long k = 0; k < dim; ++k)
                current_shape(k) += leaf[k];
        }
    }
    const dlib::point_transform_affine tform_to_img = unnormalizing_tform(rect);
    std::vector<dlib::point> parts(static_cast<std::size_t>(dim / 2));
    for (unsigned long i = 0; i < parts.size(); ++i)
        parts[i] = tform_to_img(location(current_shape, i));
    return dlib::full_object_detection(rect, parts);
}

} // namespace skd_face
