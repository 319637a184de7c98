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

#include <glib.h>

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

/* Scans @data (must be valid UTF-8; not necessarily NUL-terminated). On a
 * syntax error, @error_line/@error_column (1-based) and @error_what say where
 * and what (a static string). */
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

G_END_DECLS
