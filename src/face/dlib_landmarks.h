/* The C interface of dlib_landmarks.cpp (built only when CMake finds dlib
 * and its model: SKD_HAVE_DLIB). Plain C types only; no function lets an
 * exception out. */
#ifndef SKD_DLIB_LANDMARKS_H
#define SKD_DLIB_LANDMARKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SKD_DLIB_OK = 0, SKD_DLIB_NOMEM = 1, SKD_DLIB_FAILED = 2 };
enum { SKD_DLIB_POINTS = 68 };

/* The largest face of those the detector scores >= min_confidence. */
typedef struct skd_dlib_face {
    int n_faces;       /* faces scoring >= min_confidence */
    double confidence; /* the chosen face's detector score */
    double box[4];     /* its box: left, top, width, height, pixels */
    double x[SKD_DLIB_POINTS], y[SKD_DLIB_POINTS]; /* its landmarks */
} skd_dlib_face;

/* A model holding the face detector (built in: milliseconds) and no shape
 * predictor yet; free with skd_dlib_free. On failure msg gets the reason. */
int skd_dlib_new(void **out, char *msg, size_t msg_size);
void skd_dlib_free(void *model);

/* Loads the shape predictor at path into model (0.1 s of CPU: our reader,
 * dlib_predictor.h; dlib's own when the file is not one it reads). It touches
 * only the predictor, so it may run on another thread while that thread's
 * owner detects faces with skd_dlib_detect. */
int skd_dlib_load_predictor(void *model, const char *path, char *msg,
                            size_t msg_size);

/* The same with dlib's own reader (dlib::deserialize into a
 * dlib::shape_predictor, 0.4 s of CPU more): the reference the tests hold
 * the fast reader to. */
int skd_dlib_load_predictor_dlib(void *model, const char *path, char *msg,
                                 size_t msg_size);

/* Faces in an 8-bit grey image (width x height, rows packed): fills
 * n_faces, confidence and box of face. Uses the detector only. */
int skd_dlib_detect(void *model, const unsigned char *grey, size_t width,
                    size_t height, double min_confidence, skd_dlib_face *face,
                    char *msg, size_t msg_size);

/* The 68 landmarks (x, y) of the face in face->box, from the predictor
 * (loaded first with skd_dlib_load_predictor). */
int skd_dlib_landmarks(void *model, const unsigned char *grey, size_t width,
                       size_t height, skd_dlib_face *face, char *msg,
                       size_t msg_size);

#ifdef __cplusplus
}
#endif
#endif
