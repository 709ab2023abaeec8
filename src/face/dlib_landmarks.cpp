// dlib's HOG frontal face detector and 68-point shape predictor behind the
// C interface of dlib_landmarks.h. The only C++ in the project: nothing of
// C++ crosses the interface (every exception is caught here and turned into
// a status and a message).
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <vector>

#include "dlib_landmarks.h"

namespace {

struct model {
    dlib::frontal_face_detector detector;
    dlib::shape_predictor predictor;
};

// A read-only view of the caller's grey plane as a dlib image, so the
// detector reads it without a copy.
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

void message(char *msg, size_t n, const char *what)
{
    if (msg && n)
        std::snprintf(msg, n, "%s", what);
}

// Runs job, turning any exception into a status and a message: nothing of
// C++ crosses the C interface.
template <class Job>
int guarded(char *msg, size_t n, const char *what, Job job)
{
    char buf[256];
    try {
        return job();
    } catch (const std::bad_alloc &) {
        std::snprintf(buf, sizeof buf, "out of memory %s", what);
        message(msg, n, buf);
        return SKD_DLIB_NOMEM;
    } catch (const std::exception &e) {
        message(msg, n, e.what());
        return SKD_DLIB_FAILED;
    } catch (...) {
        std::snprintf(buf, sizeof buf, "unknown error %s", what);
        message(msg, n, buf);
        return SKD_DLIB_FAILED;
    }
}

} // namespace

namespace dlib {
template <> struct image_traits<grey_view> {
    typedef unsigned char pixel_type;
};
} // namespace dlib

extern "C" int skd_dlib_load(const char *path, void **out, char *msg,
                             size_t msg_size)
{
    *out = nullptr;
    return guarded(msg, msg_size, "loading the face model", [&] {
        std::unique_ptr<model> m(new model);
        m->detector = dlib::get_frontal_face_detector();
        dlib::deserialize(path) >> m->predictor;
        *out = m.release();
        return SKD_DLIB_OK;
    });
}

extern "C" void skd_dlib_free(void *m) { delete static_cast<model *>(m); }

extern "C" int skd_dlib_find(void *mp, const unsigned char *grey, size_t width,
                             size_t height, double min_confidence,
                             skd_dlib_face *face, char *msg, size_t msg_size)
{
    model *m = static_cast<model *>(mp);
    face->n_faces = 0;
    return guarded(msg, msg_size, "in face detection", [&] {
        grey_view img{grey, static_cast<long>(width), static_cast<long>(height)};
        std::vector<dlib::rect_detection> found;
        m->detector(img, found, 0.0);
        const dlib::rect_detection *best = nullptr;
        for (const auto &d : found) {
            if (d.detection_confidence < min_confidence)
                continue;
            face->n_faces++;
            // The largest face; equal areas keep the first (the detector's
            // order is deterministic).
            if (!best || d.rect.area() > best->rect.area())
                best = &d;
        }
        if (!best)
            return SKD_DLIB_OK;
        face->confidence = best->detection_confidence;
        face->box[0] = best->rect.left();
        face->box[1] = best->rect.top();
        face->box[2] = best->rect.width();
        face->box[3] = best->rect.height();
        dlib::full_object_detection shape = m->predictor(img, best->rect);
        if (shape.num_parts() != SKD_DLIB_POINTS) {
            message(msg, msg_size, "the face model does not give 68 points");
            return SKD_DLIB_FAILED;
        }
        for (unsigned long i = 0; i < shape.num_parts(); i++) {
            face->x[i] = static_cast<double>(shape.part(i).x());
            face->y[i] = static_cast<double>(shape.part(i).y());
        }
        return SKD_DLIB_OK;
    });
}
