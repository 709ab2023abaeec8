/* Replay driver: feeds files, and every file in the directories given, to
 * LLVMFuzzerTestOneInput, so the seed corpus and past crashers run as
 * ordinary tests with any compiler and no fuzzer. Files named README* are
 * skipped. A broken invariant aborts (the test fails). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f) {
        perror(path);
        return 0;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!b) {
                fprintf(stderr, "%s: out of memory\n", path);
                free(buf);
                fclose(f);
                return 0;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    /* Exactly n bytes, as libFuzzer gives them, so ASan sees overreads. */
    {
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) {
            free(buf);
            return 0;
        }
        if (n)
            memcpy(exact, buf, n);
        free(buf);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of dir in name order (reproducible logs); returns the count. */
static int replay_dir(const char *dir, int *failed)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int done = 0;
    if (!d) {
        perror(dir);
        (*failed)++;
        return 0;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (getenv("REPLAY_VERBOSE"))
                fprintf(stderr, "  %s\n", path);
            if (replay_file(path))
                done++;
            else
                (*failed)++;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    int files = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            failed++;
        } else if (S_ISDIR(st.st_mode)) {
            int n = replay_dir(argv[i], &failed);
            fprintf(stderr, "  %s: %d files replayed\n", argv[i], n);
            files += n;
        } else if (replay_file(argv[i])) {
            files++;
        } else {
            failed++;
        }
    }
    fprintf(stderr, "replayed %d inputs, %d unreadable\n", files, failed);
    /* An empty corpus would replay nothing and pass. */
    return failed || files == 0 ? 1 : 0;
}
