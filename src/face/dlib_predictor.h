// dlib's shape predictor read straight from its file (dlib_predictor.cpp),
// for dlib_landmarks.cpp. C++ only, private to src/face.
//
// dlib::deserialize spends 0.4 s of CPU on the 95 MB model: each of its 16
// million floats is read through the stream's virtual calls and scaled by
// std::ldexp. This reader decodes the same format from memory in a tight
// loop into a few flat arrays (the leaves in one block), and the
// predictor runs dlib's own code on them (impl::extract_feature_pixel_values,
// the trees as regression_tree::operator() walks them, the shape added leaf
// by leaf in the same order), so it gives the same landmarks, bit for bit,
// as dlib::shape_predictor (test_face_predictor checks).
#ifndef SKD_DLIB_PREDICTOR_H
#define SKD_DLIB_PREDICTOR_H

#include <dlib/image_processing.h>

#include <cstddef>
#include <vector>

namespace skd_face {

// A read-only view of the caller's grey plane as a dlib image, so dlib
// reads it without a copy.
struct grey_view {
    const unsigned char *data;
    long width, height;
};

// The generic image interface dlib looks up (by argument-dependent lookup,
// so in this namespace).
inline long num_rows(const grey_view &v) { return v.height; }
inline long num_columns(const grey_view &v) { return v.width; }
inline const void *image_data(const grey_view &v) { return v.data; }
inline long width_step(const grey_view &v) { return v.width; }

class fast_shape_predictor {
public:
    // Reads a serialised dlib::shape_predictor (version 1, binary floats)
    // from the n bytes at data; throws dlib::serialization_error when they
    // are not one.
    void read(const char *data, std::size_t n);

    unsigned long num_parts() const
    {
        return static_cast<unsigned long>(initial_shape_.size() / 2);
    }

    // dlib::shape_predictor::operator()(img, rect).
    dlib::full_object_detection operator()(const grey_view &img,
                                           const dlib::rectangle &rect) const;

private:
    struct split {
        unsigned long idx1, idx2;
        float thresh;
    };
    dlib::matrix<float, 0, 1> initial_shape_;
    std::vector<std::vector<unsigned long>> anchor_idx_;
    std::vector<std::vector<dlib::vector<float, 2>>> deltas_;
    std::vector<std::size_t> cascade_first_tree_; // cascades + 1 entries
    std::vector<std::size_t> tree_first_split_;   // trees + 1 entries
    std::vector<std::size_t> tree_first_leaf_;    // trees + 1 entries
    std::vector<split> splits_;
    std::vector<float> leaves_; // leaf l: initial_shape_.size() values at l * size
};

} // namespace skd_face

namespace dlib {
template <> struct image_traits<skd_face::grey_view> {
    typedef unsigned char pixel_type;
};
} // namespace dlib

#endif
