/* Store module, the parts without a database: SHA-256, shards, manifest,
 * archive walker, comparison plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"

static void test_sha256(void)
{
    char hex[SKD_HEX_LEN];
    static const char m448[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    skd_sha256 s;
    uint8_t d[32], d2[32];
    char *million;

    /* FIPS 180-2 appendix B vectors. */
    skd_sha256_hex("abc", 3, hex);
    CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
                       "b00361a396177a9cb410ff61f20015ad"));
    skd_sha256_hex(m448, strlen(m448), hex);
    CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
                       "a33ce45964ff2167f6ecedd419db06c1"));
    skd_sha256_hex("", 0, hex);
    CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                       "27ae41e4649b934ca495991b7852b855"));
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    skd_sha256_hex(million, 1000000, hex);
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                       "f1809a48a497200e046d39ccc7112cd0"));
    /* Fed in odd pieces, the digest is the same. */
    skd_sha256_init(&s);
    for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 3 % 997 + 1)
        skd_sha256_update(&s, million + off, off + step > 1000000 ? 1000000 - off : step);
    skd_sha256_final(&s, d);
    skd_sha256_init(&s);
    skd_sha256_update(&s, million, 1000000);
    skd_sha256_final(&s, d2);
    CHECK(!memcmp(d, d2, 32));
    free(million);
}

static void test_shards(void)
{
    /* Expected values from Python: int.from_bytes(sha256(id)[:8]) % n + 1 */
    CHECK(skd_batch_shard_of("P001", 4) == 4);
    CHECK(skd_batch_shard_of("P001", 2) == 2);
    CHECK(skd_batch_shard_of("P002", 2) == 1);
    CHECK(skd_batch_shard_of("P003", 3) == 1);
    CHECK(skd_batch_shard_of("alice", 3) == 3);
    CHECK(skd_batch_shard_of("x", 1) == 1);
}

static int parse(skd_ctx *ctx, const char *text, skd_plan *plan)
{
    return skd_parse_manifest(ctx, "m.csv", text, strlen(text), "/data", plan);
}

/* The manifest's error message must name the line. */
static void expect_error(skd_ctx *ctx, const char *text, const char *want)
{
    skd_plan plan;
    memset(&plan, 0, sizeof plan);
    CHECK_STATUS(parse(ctx, text, &plan), SKD_E_INVALID);
    if (!strstr(skd_ctx_message(ctx), want)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", skd_ctx_message(ctx), want);
        check_failures++;
    }
    skd_plan_free(ctx, &plan);
}

static void test_manifest(skd_ctx *ctx)
{
    skd_plan plan;
    memset(&plan, 0, sizeof plan);
    CHECK_STATUS(parse(ctx,
                       "\xEF\xBB\xBFpatient,session,view,path,px_per_mm,mask\r\n"
                       "P1,2024-01-01,front,a/1.jpg,25,m/1.png\r\n"
                       "\r\n"
                       "\"P, 2\",\"2024-\"\"02\",front,/abs/2.jpg,,\r\n"
                       "P3,s1,\"multi\nline\",3.png,,\n",
                       &plan),
                 SKD_OK);
    CHECK(plan.n == 3);
    if (plan.n == 3) {
        CHECK(!strcmp(plan.e[0].patient, "P1"));
        CHECK(!strcmp(plan.e[0].path, "/data/a/1.jpg"));
        CHECK(!strcmp(plan.e[0].rel_path, "a/1.jpg"));
        CHECK(!strcmp(plan.e[0].mask_path, "/data/m/1.png"));
        CHECK_NEAR(plan.e[0].px_per_mm, 25, 0);
        CHECK(!strcmp(plan.e[1].patient, "P, 2"));
        CHECK(!strcmp(plan.e[1].session, "2024-\"02"));
        CHECK(!strcmp(plan.e[1].path, "/abs/2.jpg"));
        CHECK(plan.e[1].mask_path == NULL);
        CHECK(plan.e[1].px_per_mm == 0);
        CHECK(!strcmp(plan.e[2].view, "multi\nline"));
        CHECK(plan.e[2].line == 5);
    }
    skd_plan_free(ctx, &plan);

    /* Columns in another order, optional ones absent. */
    CHECK_STATUS(parse(ctx, "path,view,session,patient\nx.jpg,v,s,p\n", &plan),
                 SKD_OK);
    CHECK(plan.n == 1 && !strcmp(plan.e[0].patient, "p") &&
          !strcmp(plan.e[0].path, "/data/x.jpg"));
    skd_plan_free(ctx, &plan);

    expect_error(ctx, "patient,session,path\n", "m.csv:1: header lacks column 'view'");
    expect_error(ctx, "patient,session,view,path,colour\n", "m.csv:1: unknown column 'colour'");
    expect_error(ctx, "", "empty manifest");
    expect_error(ctx, "patient,session,view,path,px_per_mm\np,s,v,a.jpg,20\n"
                      "p,s,w,b.jpg,twenty\n", "m.csv:3: px_per_mm 'twenty'");
    expect_error(ctx, "patient,session,view,path,px_per_mm\np,s,v,a.jpg,-1\n",
                 "m.csv:2: px_per_mm '-1'");
    expect_error(ctx, "patient,session,view,path\np,s,v,a.jpg\n\np,s,v,b.jpg\n",
                 "m.csv:4: patient 'p' session 's' view 'v' already listed on line 2");
    expect_error(ctx, "patient,session,view,path\np,s,v\n", "m.csv:2: 3 fields, the header has 4");
    expect_error(ctx, "patient,session,view,path\np,s,v,a,b\n", "m.csv:2: 5 fields");
    expect_error(ctx, "patient,session,view,path\np,,v,a.jpg\n", "m.csv:2: empty session");
    expect_error(ctx, "patient,session,view,path\np,s,v,\"a.jpg\n", "m.csv:2: quoted field not closed");
    expect_error(ctx, "patient,session,view,path\np,s,v,a\"b.jpg\n", "m.csv:2: stray quote");
}

static void touch(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

/* An archive with distractions: hidden folders, other files, a folder named
 * like a photo, extensions in capitals, a duplicate view. Created in the
 * order given (forward or reverse) to show listing order does not matter. */
static void make_archive(const char *root, int reverse)
{
    static const char *const dirs[] = {
        "", "/P2", "/P2/2024-03-01", "/P2/2024-01-15", "/P1", "/P1/2024-02-01",
        "/P1/2023-12-30", "/P1/.thumbs", "/.cache", "/P1/2023-12-30/x.jpg"};
    static const char *const files[] = {
        "/P2/2024-03-01/front.jpg", "/P2/2024-03-01/left.JPG",
        "/P2/2024-01-15/front.jpeg", "/P2/2024-01-15/left.png",
        "/P1/2024-02-01/front.png", "/P1/2024-02-01/notes.txt",
        "/P1/2023-12-30/front.jpg", "/P1/2023-12-30/front.png",
        "/P1/2023-12-30/.hidden.jpg", "/P1/.thumbs/t.jpg", "/.cache/c.jpg",
        "/README.txt", "/P1/2024-02-01/Thumbs.db"};
    char p[512];
    size_t nd = sizeof dirs / sizeof *dirs, nf = sizeof files / sizeof *files;
    for (size_t i = 0; i < nd; i++) {
        snprintf(p, sizeof p, "%s%s", root, dirs[i]);
        mkdir(p, 0777);
    }
    for (size_t k = 0; k < nf; k++) {
        size_t i = reverse ? nf - 1 - k : k;
        snprintf(p, sizeof p, "%s%s", root, files[i]);
        touch(p, files[i]);
    }
}

static void test_walker(skd_ctx *ctx)
{
    char a[256], b[256], cmd[600];
    skd_plan pa, pb;
    static const char *const want[][4] = {
        /* patient, view, session, rel_path, in plan order */
        {"P1", "front", "2023-12-30", "P1/2023-12-30/front.jpg"},
        {"P1", "front", "2024-02-01", "P1/2024-02-01/front.png"},
        {"P1", "front.png", "2023-12-30", "P1/2023-12-30/front.png"},
        {"P2", "front", "2024-01-15", "P2/2024-01-15/front.jpeg"},
        {"P2", "front", "2024-03-01", "P2/2024-03-01/front.jpg"},
        {"P2", "left", "2024-01-15", "P2/2024-01-15/left.png"},
        {"P2", "left", "2024-03-01", "P2/2024-03-01/left.JPG"},
    };
    snprintf(a, sizeof a, "%s/walk_a", check_tmpdir());
    snprintf(b, sizeof b, "%s/walk_b", check_tmpdir());
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", a, b);
    CHECK(system(cmd) == 0);
    make_archive(a, 0);
    make_archive(b, 1);
    memset(&pa, 0, sizeof pa);
    memset(&pb, 0, sizeof pb);
    CHECK_STATUS(skd_walk_archive(ctx, a, &pa), SKD_OK);
    CHECK_STATUS(skd_walk_archive(ctx, b, &pb), SKD_OK);
    CHECK_STATUS(skd_plan_finish(ctx, &pa), SKD_OK);
    CHECK_STATUS(skd_plan_finish(ctx, &pb), SKD_OK);
    REPORT("walker found %zu photos, %zu comparisons", pa.n, pa.n_pairs);
    CHECK(pa.n == 7 && pb.n == 7);
    for (size_t i = 0; i < pa.n && i < 7; i++) {
        CHECK(!strcmp(pa.e[i].patient, want[i][0]));
        CHECK(!strcmp(pa.e[i].view, want[i][1]));
        CHECK(!strcmp(pa.e[i].session, want[i][2]));
        CHECK(!strcmp(pa.e[i].rel_path, want[i][3]));
        CHECK(!strcmp(pa.e[i].rel_path, pb.e[i].rel_path));
        CHECK((pa.e[i].preset_error != NULL) == (i == 2));
    }
    if (pa.n == 7)
        CHECK(strstr(pa.e[2].preset_error, "another photo of view 'front'") != NULL);
    /* P1 front, P2 front, P2 left: one pair each (baseline+previous). */
    CHECK(pa.n_pairs == 3);
    for (size_t i = 0; i < pa.n_pairs; i++)
        CHECK(pa.pairs[i].kind == SKD_CMP_BASELINE_PREVIOUS);
    skd_plan_free(ctx, &pa);
    skd_plan_free(ctx, &pb);

    CHECK_STATUS(skd_walk_archive(ctx, "/nonexistent/archive", &pa), SKD_E_IO);
    CHECK(strstr(skd_ctx_message(ctx), "/nonexistent/archive: not a folder") != NULL);
}

static void test_plan_pairs(skd_ctx *ctx)
{
    skd_plan plan;
    static const char *const sessions[] = {"2024-04", "2024-01", "2024-03", "2024-02"};
    memset(&plan, 0, sizeof plan);
    for (int i = 0; i < 4; i++)
        CHECK_STATUS(skd_plan_add(ctx, &plan, "p", sessions[i], "v", "x", "x",
                                  NULL, 0), SKD_OK);
    CHECK_STATUS(skd_plan_add(ctx, &plan, "q", "2024-01", "v", "y", "y", NULL, 0),
                 SKD_OK);
    CHECK_STATUS(skd_plan_finish(ctx, &plan), SKD_OK);
    /* p: (1,2 b+p) (1,3 b) (2,3 p) (1,4 b) (3,4 p); q alone: none. */
    CHECK(plan.n_pairs == 5);
    if (plan.n_pairs == 5) {
        static const size_t want[5][3] = {{0, 1, SKD_CMP_BASELINE_PREVIOUS},
                                          {0, 2, SKD_CMP_BASELINE},
                                          {1, 2, SKD_CMP_PREVIOUS},
                                          {0, 3, SKD_CMP_BASELINE},
                                          {2, 3, SKD_CMP_PREVIOUS}};
        for (int i = 0; i < 5; i++)
            CHECK(plan.pairs[i].before == want[i][0] &&
                  plan.pairs[i].after == want[i][1] &&
                  plan.pairs[i].kind == (skd_cmp_kind)want[i][2]);
        CHECK(!strcmp(plan.e[0].session, "2024-01") &&
              !strcmp(plan.e[3].session, "2024-04"));
    }
    skd_plan_shard(ctx, &plan, 1, 1);
    CHECK(plan.n == 5);
    skd_plan_free(ctx, &plan);
}

/* Fail every allocation in turn of a manifest parse and an archive walk:
 * each must return SKD_E_NOMEM and leave nothing allocated. */
static void test_alloc_failures(void)
{
    static const char text[] = "patient,session,view,path,px_per_mm,mask\n"
                               "P1,s1,front,a.jpg,25,m.png\nP1,s2,front,b.jpg,,\n"
                               "P2,s1,left,\"c d.jpg\",,\n";
    char dir[300];
    check_alloc c;
    skd_allocator a = check_allocator(&c);
    int tried = 0, clean = 0;
    snprintf(dir, sizeof dir, "%s/walk_a", check_tmpdir());
    for (int which = 0; which < 2; which++)
        for (long k = 1; k < 10000; k++) {
            skd_ctx *ctx;
            skd_plan plan;
            int st;
            memset(&c, 0, sizeof c);
            ctx = skd_ctx_create_with_allocator(&a);
            c.fail_at = k + 1; /* the context itself is allocation 1 */
            memset(&plan, 0, sizeof plan);
            st = which ? skd_walk_archive(ctx, dir, &plan)
                       : skd_parse_manifest(ctx, "m.csv", text, strlen(text), "d",
                                            &plan);
            if (st == SKD_OK)
                st = skd_plan_finish(ctx, &plan);
            skd_plan_free(ctx, &plan);
            skd_ctx_free(ctx);
            if (c.calls < c.fail_at) { /* every allocation succeeded */
                CHECK_STATUS(st, SKD_OK);
                CHECK(c.live == 0);
                break;
            }
            tried++;
            clean += st == SKD_E_NOMEM && c.live == 0;
            if (st != SKD_E_NOMEM || c.live != 0)
                fprintf(stderr, "  %s: failing allocation %ld: status %d, %ld "
                        "blocks leaked\n", which ? "walk" : "manifest", k, st,
                        c.live);
        }
    REPORT("allocation failures: %d of %d injected failures clean", clean, tried);
    CHECK(tried > 20 && clean == tried);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_sha256();
    test_shards();
    test_manifest(ctx);
    test_walker(ctx);
    test_plan_pairs(ctx);
    test_alloc_failures();
    skd_ctx_free(ctx);
    return check_done("test_store");
}
