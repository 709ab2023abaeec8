// dlib's HOG frontal face detector and 68-point shape predictor behind the
// C interface of dlib_landmarks.h. The only C++ in the project: nothing of
// C++ crosses the interface (every exception is caught here and turned into
// a status and a message).
//
// Loading is what costs: dlib's get_frontal_face_detector() decompresses
// its built-in detector with an arithmetic decoder (0.3-0.5 s of CPU), so
// the build stores that detector already serialised (face_detector_data.cpp,
// written by gen_face_detector.cpp) and reads it back in milliseconds; the
// shape predictor (95 MB) is read from a memory map by our own reader
// (dlib_predictor.cpp: 0.1 s of CPU where dlib::deserialize took 0.4-0.5 s),
// which gives the same landmarks, bit for bit.
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <exception>
#include <istream>
#include <memory>
#include <new>
#include <streambuf>
#include <vector>

#include "dlib_landmarks.h"
#include "dlib_predictor.h"

// The detector as dlib serialises it (generated at build time).
extern const unsigned char skd_face_detector_bytes[];
extern const std::size_t skd_face_detector_size;

namespace {

struct model {
    dlib::frontal_face_detector detector;
    // The predictor: ours (dlib_predictor.h), or dlib's own when the model
    // file is not ours to read (not mappable, old text floats) or the
    // caller asks for it (the reference of the tests).
    skd_face::fast_shape_predictor fast;
    dlib::shape_predictor predictor;
    bool use_dlib = false;
};

using skd_face::grey_view;

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

// A read-only stream over bytes in memory: the whole buffer is the get
// area, so dlib's many small reads are copies, not file-buffer calls.
class memory_buf : public std::streambuf {
public:
    memory_buf(const char *data, std::size_t n)
    {
        char *p = const_cast<char *>(data); // read only: nothing is put back
        setg(p, p, p + n);
    }

protected:
    std::streamsize xsgetn(char *s, std::streamsize n) override
    {
        std::streamsize left = egptr() - gptr();
        if (n > left)
            n = left;
        if (n > INT_MAX)
            n = INT_MAX;
        std::memcpy(s, gptr(), static_cast<std::size_t>(n));
        gbump(static_cast<int>(n));
        return n;
    }
};

// A file mapped read-only for as long as this lives.
class mapped_file {
public:
    explicit mapped_file(const char *path)
    {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
            return;
        if (fstat(fd, &st) == 0 && st.st_size > 0) {
            void *p = mmap(nullptr, static_cast<std::size_t>(st.st_size),
                           PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (p != MAP_FAILED) {
                data_ = static_cast<const char *>(p);
                size_ = static_cast<std::size_t>(st.st_size);
            }
        }
        close(fd);
    }
    ~mapped_file()
    {
        if (data_)
            munmap(const_cast<char *>(data_), size_);
    }
    mapped_file(const mapped_file &) = delete;
    mapped_file &operator=(const mapped_file &) = delete;
    const char *data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    const char *data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace

extern "C" int skd_dlib_new(void **out, char *msg, size_t msg_size)
{
    *out = nullptr;
    return guarded(msg, msg_size, "reading the face detector", [&] {
        std::unique_ptr<model> m(new model);
        memory_buf buf(reinterpret_cast<const char *>(skd_face_detector_bytes),
                       skd_face_detector_size);
        std::istream in(&buf);
        dlib::deserialize(m->detector, in);
        *out = m.release();
        return SKD_DLIB_OK;
    });
}

extern "C" void skd_dlib_free(void *m) { delete static_cast<model *>(m); }

namespace {

// dlib's own reader, from the mapped bytes when there are any.
void load_with_dlib(model *m, const char *path, const mapped_file &file)
{
    if (!file.data()) { // not mappable (a pipe, an odd file system)
        dlib::deserialize(path) >> m->predictor;
    } else {
        memory_buf buf(file.data(), file.size());
        std::istream in(&buf);
        dlib::deserialize(m->predictor, in);
    }
    m->use_dlib = true;
}

int load_predictor(void *mp, const char *path, bool dlib_reader, char *msg,
                   size_t msg_size)
{
    model *m = static_cast<model *>(mp);
    return guarded(msg, msg_size, "loading the face model", [&] {
        mapped_file file(path);
        if (file.data() && !dlib_reader) {
            try {
                m->fast.read(file.data(), file.size());
                m->use_dlib = false;
                return SKD_DLIB_OK;
            } catch (const dlib::serialization_error &) {
                // not a file this reader knows: dlib's own tells why
                m->fast = skd_face::fast_shape_predictor();
            }
        }
        load_with_dlib(m, path, file);
        return SKD_DLIB_OK;
    });
}

} // namespace

extern "C" int skd_dlib_load_predictor(void *mp, const char *path, char *msg,
                                       size_t msg_size)
{
    return load_predictor(mp, path, false, msg, msg_size);
}

extern "C" int skd_dlib_load_predictor_dlib(void *mp, const char *path,
                                            char *msg, size_t msg_size)
{
    return load_predictor(mp, path, true, msg, msg_size);
}

extern "C" int skd_dlib_detect(void *mp, const unsigned char *grey,
                               size_t width, size_t height,
                               double min_confidence, skd_dlib_face *face,
                               char *msg, size_t msg_size)
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
        return SKD_DLIB_OK;
    });
}

extern "C" int skd_dlib_landmarks(void *mp, const unsigned char *grey,
                                  size_t width, size_t height,
                                  skd_dlib_face *face, char *msg,
                                  size_t msg_size)
{
    model *m = static_cast<model *>(mp);
    return guarded(msg, msg_size, "in face landmarks", [&] {
        grey_view img{grey, static_cast<long>(width), static_cast<long>(height)};
        // The box holds whole pixels: left, top, width, height.
        long left = static_cast<long>(face->box[0]);
        long top = static_cast<long>(face->box[1]);
        dlib::rectangle rect(left, top,
                             left + static_cast<long>(face->box[2]) - 1,
                             top + static_cast<long>(face->box[3]) - 1);
        dlib::full_object_detection shape =
            m->use_dlib ? m->predictor(img, rect) : m->fast(img, rect);
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
