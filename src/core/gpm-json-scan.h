/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-json-scan.h: a validating single-pass scan of a JSON object's top level.
 *
 * Indexing a takeout needs a handful of a post's members (its ACL, dates, ids,
 * content) out of documents dominated by other people's comments and +1s.
 * json-glib builds a full tree with a hash table per object, which made
 * indexing slower than the seed's Python. This scanner checks the whole
 * document's syntax (RFC 8259) without allocating, and reports the byte span
 * of each top-level member's value; the caller hands the few spans it needs to
 * json-glib. The full tree is built later, only for posts someone looks at. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  GPM_JSON_SCAN_OK,
  GPM_JSON_SCAN_SYNTAX,      /* malformed or truncated */
  GPM_JSON_SCAN_NOT_OBJECT,  /* well-formed, but the root is not an object */
} GpmJsonScanResult;

typedef struct {
  const char *key;          /* decoded key, NUL-terminated (valid during the callback) */
  const char *value;        /* first byte of the value */
  gsize       value_len;    /* bytes of the value */
  char        type;         /* '{', '[', '"', 'n' (number), 't', 'f', 'z' (null) */
  guint       n_elements;   /* for arrays: number of elements */
} GpmJsonMember;

typedef void (*GpmJsonMemberFunc) (const GpmJsonMember *member,
                                   gpointer             user_data);

/* What a scan reports for text that is not UTF-8 (inside a string; any
 * other byte >= 0x80 is an unexpected character). */
#define GPM_JSON_SCAN_NOT_UTF8 "not UTF-8 text"

/* Scans @data (not necessarily NUL-terminated), checking the syntax and that
 * every string is UTF-8. On a syntax error, @error_line/@error_column
 * (1-based) and @error_what say where and what (a static string in English,
 * marked for translation: translate it where it is shown). */
GpmJsonScanResult gpm_json_scan_object (const char        *data,
                                        gsize              length,
                                        GpmJsonMemberFunc  func,
                                        gpointer           user_data,
                                        guint             *error_line,
                                        guint             *error_column,
                                        const char       **error_what);

/* Decodes a JSON string literal span (with its quotes) into UTF-8; NULL when
 * the span is not a string or decodes to invalid UTF-8. */
char             *gpm_json_decode_string (const char *value,
                                          gsize       value_len);
/* The same, but a lone surrogate or an escaped NUL becomes U+FFFD. */
char             *gpm_json_decode_string_lenient (const char *value,
                                                  gsize       value_len);

/* Reading small documents without building a tree. The spans are those a
 * scan reported, so already checked: these only walk them. */

/* In one scan, the values of the members named in @names (NULL-terminated)
 * into @out (one slot per name; the last of equal names wins, as a parsed
 * tree keeps it). Returns a bit mask of the names found (bit i for
 * @names[i], at most 32 names); 0 when @object is not an object. */
guint32           gpm_json_span_get_members (const GpmJsonMember *object,
                                             const char * const  *names,
                                             GpmJsonMember       *out);
/* Calls @func with each element of the array span @array (key NULL). */
void              gpm_json_span_foreach_element (const GpmJsonMember *array,
                                                 GpmJsonMemberFunc    func,
                                                 gpointer             user_data);
/* Calls @func with each member of the object span @object, in order. */
void              gpm_json_span_foreach_member (const GpmJsonMember *object,
                                                GpmJsonMemberFunc    func,
                                                gpointer             user_data);

/* The whole document as a sealed json-glib tree, built in one pass with the
 * scanner above (json-glib's own parser costs about ten times as much). Reads
 * what json-glib reads, except that a lone surrogate or an escaped NUL in a
 * string becomes U+FFFD instead of failing the document. NULL on a syntax
 * error, with where and what as for gpm_json_scan_object(). */
JsonNode         *gpm_json_parse         (const char        *data,
                                          gsize              length,
                                          guint             *error_line,
                                          guint             *error_column,
                                          const char       **error_what);

G_END_DECLS
