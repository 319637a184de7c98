/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-private.h: what the gpm-convert-*.c files share: the marks
 * the parser leaves in the text, html2text's state (H2T) and the calls
 * between the HTML → Markdown files (gpm-convert-markdown.c, -tags.c,
 * -escape.c, -html.c), the media and plain-text helpers gpm_convert_post()
 * uses. gpm-convert.c's opening comment says which file holds what. */
#pragma once

#include "gpm-convert.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

enum { FORCE_NO = 0, FORCE_YES = 1, FORCE_END = 2 };

/* html2text sees the text between tags in pieces, cut at each entity
 * ("&quot; - x" is '"' then " - x", whose dash it escapes). libxml2 joins
 * them into one text node; CHUNK_MARK (a Unicode noncharacter) keeps where
 * an entity ended. The parser reports an entity as characters that differ
 * from the bytes just read. */
#define CHUNK_MARK "\xef\xb7\x90"
#define CHUNK_MARK_LEN 3
/* html2text writes each &nbsp; entity as a space that whitespace collapsing
 * does not touch (a literal U+00A0 it collapses): NBSP_MARK stands for one
 * until the end. */
#define NBSP_MARK "\xef\xb7\x91"
#define NBSP_MARK_LEN 3
#define NBSP_MARK_CHAR 0xfdd1

/* html2text's state while gpm-convert-markdown.c writes one document */

typedef struct {
  gboolean ordered;
  int      num;
} ListLevel;

typedef enum { EMPH_ITALIC, EMPH_STRONG, EMPH_STRIKE } EmphKind;

typedef struct {
  EmphKind kind;
  gboolean pending;    /* the mark is not written yet (no text so far) */
  char     mark[3];
  gsize    open_pos;   /* where the mark starts in the output */
} Emph;

typedef struct {
  GString  *out;
  gboolean  inline_links;

  /* html2text's state */
  int       quiet;
  int       p_p;
  gboolean  start;
  gboolean  space;
  gboolean  last_was_nl;
  gboolean  last_was_list;
  gboolean  br_toggle;
  GArray   *list;          /* ListLevel */
  int       blockquote;
  gboolean  pre;
  gboolean  startpre;
  gboolean  code;
  gboolean  quote;
  gboolean  stressed;
  gboolean  preceding_nonspace;  /* last char of the last text was not whitespace */

  /* emphasis */
  GArray   *emph;          /* Emph, innermost last */
  gsize     n_pending;     /* pending entries in emph */
  gboolean  space_before_open;
  gboolean  have_close;    /* last_close_* valid */
  gsize     close_start;   /* last closing mark: its start and end in the output */
  gsize     close_end;
  gsize     close_open_pos;
  char      close_mark[3];

  gboolean  trailing_backslash;  /* the text being written ends in a lone backslash */
  gsize     backslash_at;        /* the output's length right after it, or 0 */

  /* links kept inline */
  GArray   *links;         /* gboolean: this <a> is written as [text](url) */

  /* escaping needed by this document's text as a whole */
  gboolean  esc_star;
  gboolean  star_marks;     /* "**" marks are written: a '*' next to one joins it */
  gboolean  esc_under;
  gboolean  esc_tilde;
  gboolean  esc_caret;
  gboolean  esc_backtick;
  gboolean  esc_brackets;
} H2T;

/* Formatting nested deeper than this is dropped (its text kept): libxml2
 * stops reading a document at 256 levels and diaspora*'s markdown-it stops
 * nesting at 100 (maxNesting), and either would lose the rest of the text. */
#define MAX_NESTING 32

/* gpm-convert-html.c */
/* @s without the CHUNK_MARKs */
char      *_gpm_convert_strip_marks      (const char *s);
/* @html with the tags nested deeper than MAX_NESTING left out, or NULL when
 * it nests no deeper (the usual case). @deepest gets the depth seen. */
char      *_gpm_convert_cap_nesting      (const char *html,
                                          guint      *deepest);
/* @html parsed with this thread's parser context, the pieces html2text
 * would see marked (CHUNK_MARK, NBSP_MARK); free with xmlFreeDoc() */
htmlDocPtr _gpm_convert_parse_html       (const char *html);

/* gpm-convert-escape.c */
gboolean   _gpm_convert_py_isspace       (gunichar    c);
gboolean   _gpm_convert_md_isspace       (gunichar    c);
gboolean   _gpm_convert_md_ispunct       (gunichar    c);
char      *_gpm_h2t_escape               (H2T        *h,
                                          const char *data,
                                          gunichar    prev,
                                          gboolean    at_line_start);

/* gpm-convert-markdown.c */
/* html2text's o() */
void       _gpm_h2t_o                    (H2T        *h,
                                          const char *data_in,
                                          gboolean    puredata,
                                          int         force);
void       _gpm_h2t_flush_opens          (H2T        *h,
                                          gunichar    first);
void       _gpm_h2t_emph_start           (H2T        *h,
                                          EmphKind    kind);
void       _gpm_h2t_emph_end             (H2T        *h,
                                          EmphKind    kind);
/* gpm_convert_html_to_markdown() for @html that nests no deeper than
 * MAX_NESTING (_gpm_convert_cap_nesting() was applied) */
char      *_gpm_convert_html_to_markdown_capped (const char *html,
                                                 gboolean    inline_links);

/* html2text's pbr() and p(): a line break, a paragraph break pending */
static inline void h2t_pbr (H2T *h) { if (h->p_p == 0) h->p_p = 1; }
static inline void h2t_p (H2T *h) { h->p_p = 2; }

/* gpm-convert-tags.c */
void       _gpm_h2t_tag                  (H2T        *h,
                                          xmlNode    *node,
                                          gboolean    start);

/* gpm-convert-media.c */
void       _gpm_convert_media_free       (GpmConvertMedia         *m);
void       _gpm_convert_add_media        (GpmConvertResult        *r,
                                          const GpmMedia          *m,
                                          const char              *post_entry,
                                          GpmConvertMediaResolver  resolver,
                                          gpointer                 resolver_data);
gboolean   _gpm_convert_has_photo        (GpmConvertResult        *r,
                                          gboolean                 has_media,
                                          gboolean                 resolved);

/* gpm-convert-plain.c */
/* the reshared post's author's name, NULL if none or blank */
const char *_gpm_convert_reshared_author_name (GpmPost *reshared);

G_END_DECLS
