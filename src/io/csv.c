/* One CSV cell, for every CSV skindiff writes (the CLI's and the results
 * export): RFC 4180 quoting, plus OWASP's defence against CSV injection. A
 * spreadsheet evaluates a cell that starts with = + @ - (or a tab or CR it
 * strips first): a patient folder named =HYPERLINK("http://x","click")
 * would become a live link. Such a cell gets a leading apostrophe, which
 * spreadsheets show as text and readers strip; so does a cell that already
 * starts with one, so that stripping one apostrophe always gives the value
 * back. A '-' followed by a number is left alone (negative numbers). */
#include <stdlib.h>
#include <string.h>

#include "skindiff.h"

/* A whole number like -3, -0.25 or -1e-3: nothing a formula could hide in. */
static int is_negative_number(const char *s)
{
    char *end;
    if (s[0] != '-' || !((s[1] >= '0' && s[1] <= '9') || s[1] == '.'))
        return 0;
    (void)strtod(s, &end);
    return *end == '\0';
}

int skd_csv_needs_apostrophe(const char *s)
{
    if (!s)
        return 0;
    switch (s[0]) {
    case '=': case '+': case '@': case '\t': case '\r': case '\'':
        return 1;
    case '-':
        return !is_negative_number(s);
    default:
        return 0;
    }
}

size_t skd_csv_cell(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    int quote;
    if (!s)
        s = "";
    quote = s[strcspn(s, ",\"\r\n")] != '\0' || s[0] == ' ' ||
            (s[0] && s[strlen(s) - 1] == ' ');
#define PUT(c)                                                                 \
    do {                                                                       \
        if (n + 1 < cap)                                                       \
            out[n] = (c);                                                      \
        n++;                                                                   \
    } while (0)
    if (quote)
        PUT('"');
    if (skd_csv_needs_apostrophe(s))
        PUT('\'');
    for (const char *p = s; *p; p++) {
        PUT(*p);
        if (*p == '"')
            PUT('"'); /* a quote inside quotes is doubled */
    }
    if (quote)
        PUT('"');
#undef PUT
    if (cap)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}
