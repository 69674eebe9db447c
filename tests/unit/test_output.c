/* test_output.c — result records and the four writers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nr_test.h"
#include "buf.h"

/* Run fn writing into a memory stream; return what it printed. */
static char *capture(enum nr_out_format fmt, const char *const *cols,
                     size_t ncols, struct nr_rec **recs, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    struct nr_out *o = NULL;
    struct nr_err err = NR_ERR_INIT;

    assert_non_null(fp);
    assert_nr_ok(nr_out_new(&o, fp, fmt, cols, ncols, &err), &err);
    for (size_t i = 0; i < n; i++) {
        assert_nr_ok(nr_out_write(o, recs[i], &err), &err);
    }
    assert_nr_ok(nr_out_finish(o, &err), &err);
    nr_out_free(o);
    fclose(fp);
    return text;
}

static struct nr_rec *sample_ok(void)
{
    struct nr_rec *r = nr_rec_new("r1");

    assert_non_null(r);
    assert_int_equal(nr_rec_strz(r, "command", "show ver"), 0);
    assert_int_equal(nr_rec_result(r, NULL), 0);
    assert_int_equal(nr_rec_str(r, "output", "a\n\"b\"", 5), 0);
    assert_int_equal(nr_rec_int(r, "elapsed_ms", 12), 0);
    return r;
}

static struct nr_rec *sample_err(void)
{
    struct nr_rec *r = nr_rec_new("r2");
    struct nr_err e = NR_ERR_INIT;

    assert_non_null(r);
    assert_int_equal(nr_rec_strz(r, "command", "show ver"), 0);
    nr_err_set(&e, NR_ERR_TIMEOUT, "connect", "no answer in %d s", 5);
    assert_int_equal(nr_rec_result(r, &e), 0);
    return r;
}

static void jsonl_one_compact_object_per_line(void **state)
{
    struct nr_rec *r[2] = { sample_ok(), sample_err() };
    char *t;

    (void)state;
    t = capture(NR_OUT_JSONL, NULL, 0, r, 2);
    assert_string_equal(t,
        "{\"host\":\"r1\",\"command\":\"show ver\",\"ok\":true,"
        "\"output\":\"a\\n\\\"b\\\"\",\"elapsed_ms\":12}\n"
        "{\"host\":\"r2\",\"command\":\"show ver\",\"ok\":false,"
        "\"error\":{\"kind\":\"timeout\",\"op\":\"connect\","
        "\"message\":\"no answer in 5 s\"}}\n");
    free(t);
    nr_rec_free(r[0]);
    nr_rec_free(r[1]);
}

/* Each record is flushed as written (a reader sees it at once), unless
 * the caller takes flushing over: then only finish flushes. */
static void flush_each_record_or_at_finish(void **state)
{
    struct nr_rec *r = sample_ok();
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    for (int each = 1; each >= 0; each--) {
        char *text = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&text, &len);
        struct nr_out *o = NULL;

        assert_non_null(fp);
        assert_nr_ok(nr_out_new(&o, fp, NR_OUT_JSONL, NULL, 0, &err), &err);
        nr_out_set_flush(o, each);
        assert_nr_ok(nr_out_write(o, r, &err), &err);
        if (each) {
            assert_true(len > 0);
        } else {
            assert_int_equal(len, 0);
        }
        assert_nr_ok(nr_out_finish(o, &err), &err);
        assert_true(len > 0 && text[len - 1] == '\n');
        nr_out_free(o);
        fclose(fp);
        free(text);
    }
    nr_rec_free(r);
}

static void json_is_a_list_even_when_empty(void **state)
{
    struct nr_rec *r[1] = { sample_err() };
    char *t;

    (void)state;
    t = capture(NR_OUT_JSON, NULL, 0, r, 0);
    assert_string_equal(t, "[]\n");
    free(t);
    t = capture(NR_OUT_JSON, NULL, 0, r, 1);
    assert_true(strncmp(t, "[\n{\"host\":\"r2\"", 14) == 0);
    assert_string_equal(t + strlen(t) - 3, "\n]\n");
    free(t);
    nr_rec_free(r[0]);
}

static void csv_quotes_and_reaches_into_objects(void **state)
{
    static const char *const cols[] = { "host", "ok", "output",
                                        "error.kind" };
    struct nr_rec *r[2] = { sample_ok(), sample_err() };
    char *t;

    (void)state;
    t = capture(NR_OUT_CSV, cols, 4, r, 2);
    assert_string_equal(t, "host,ok,output,error.kind\r\n"
                           "r1,true,\"a\n\"\"b\"\"\",\r\n"
                           "r2,false,,timeout\r\n");
    free(t);
    t = capture(NR_OUT_CSV, cols, 4, r, 0);
    assert_string_equal(t, "host,ok,output,error.kind\r\n");
    free(t);
    nr_rec_free(r[0]);
    nr_rec_free(r[1]);
}

static void text_uses_the_tools_rendering(void **state)
{
    struct nr_rec *r[2] = { sample_ok(), sample_err() };
    char *t;

    (void)state;
    assert_int_equal(nr_rec_text(r[0], "== r1\nhello\n", 12), 0);
    t = capture(NR_OUT_TEXT, NULL, 0, r, 2);
    assert_string_equal(t, "== r1\nhello\n"
        "r2: command=show ver ok=false error={\"kind\":\"timeout\","
        "\"op\":\"connect\",\"message\":\"no answer in 5 s\"}\n");
    free(t);
    nr_rec_free(r[0]);
    nr_rec_free(r[1]);
}

static void invalid_utf8_becomes_replacement(void **state)
{
    struct nr_rec *r = nr_rec_new("h");
    struct nr_err err = NR_ERR_INIT;
    char *j = NULL;
    size_t len;

    (void)state;
    /* a stray continuation, a truncated 3-byte sequence, a valid é, NUL */
    assert_int_equal(nr_rec_str(r, "o", "a\x80" "b\xe2\x82" "c\xc3\xa9\0", 9),
                     0);
    assert_nr_ok(nr_rec_to_json(&j, &len, r, &err), &err);
    assert_string_equal(j, "{\"host\":\"h\",\"o\":\"a\xef\xbf\xbd" "b"
                           "\xef\xbf\xbd" "c\xc3\xa9\\u0000\"}");
    free(j);
    nr_rec_free(r);
}

static void big_counters_and_embedded_json(void **state)
{
    struct nr_rec *r = nr_rec_new("h");
    struct nr_err err = NR_ERR_INIT;
    char *j = NULL;
    size_t len;

    (void)state;
    assert_int_equal(nr_rec_u64(r, "c", UINT64_MAX), 0);
    assert_nr_ok(nr_rec_json(r, "parsed", "[{\"a\": [\"x\"]}]", 14, &err),
                 &err);
    assert_int_equal(nr_rec_push_str(r, "notes", "n1"), 0);
    assert_int_equal(nr_rec_push_str(r, "notes", "n2"), 0);
    assert_nr_ok(nr_rec_to_json(&j, &len, r, &err), &err);
    assert_string_equal(j, "{\"host\":\"h\",\"c\":18446744073709551615,"
                           "\"parsed\":[{\"a\":[\"x\"]}],"
                           "\"notes\":[\"n1\",\"n2\"]}");
    free(j);
    assert_int_equal(nr_rec_json(r, "bad", "[1,", 3, &err), -1);
    assert_int_equal(err.kind, NR_ERR_PARSE);
    nr_rec_free(r);
}

static void format_names(void **state)
{
    enum nr_out_format f;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_out_format_parse(&f, "csv", &err), &err);
    assert_int_equal(f, NR_OUT_CSV);
    assert_int_equal(nr_out_format_parse(&f, "yaml", &err), -1);
    assert_int_equal(err.kind, NR_ERR_USAGE);
    assert_non_null(strstr(err.msg, "yaml"));
}

static void file_replace_is_atomic(void **state)
{
    char dir[] = "/tmp/nr_out_XXXXXX";
    char path[256], buf[64];
    struct nr_err err = NR_ERR_INIT;
    FILE *fp;
    size_t n;
    struct stat st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/r1.txt", dir);
    assert_nr_ok(nr_file_replace(path, "old\n", 4, 0640, &err), &err);
    assert_nr_ok(nr_file_replace(path, "new\n", 4, 0600, &err), &err);
    fp = fopen(path, "r");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "new\n", 4);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a folder that does not exist: error names the path, nothing left */
    snprintf(path, sizeof(path), "%s/no/such", dir);
    assert_int_equal(nr_file_replace(path, "x", 1, 0600, &err), -1);
    assert_int_equal(err.kind, NR_ERR_IO);
    assert_non_null(strstr(err.msg, "no/such"));
    snprintf(path, sizeof(path), "%s/r1.txt", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);   /* no temp file was left */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonl_one_compact_object_per_line),
        cmocka_unit_test(json_is_a_list_even_when_empty),
        cmocka_unit_test(flush_each_record_or_at_finish),
        cmocka_unit_test(csv_quotes_and_reaches_into_objects),
        cmocka_unit_test(text_uses_the_tools_rendering),
        cmocka_unit_test(invalid_utf8_becomes_replacement),
        cmocka_unit_test(big_counters_and_embedded_json),
        cmocka_unit_test(format_names),
        cmocka_unit_test(file_replace_is_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
