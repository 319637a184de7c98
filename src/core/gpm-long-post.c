/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-long-post"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-long-post.h"
#include "gpm-util.h"

typedef struct {
  const char *start;
  const char *end;   /* one past the closing ')' */
} Span;

/* The end of the bracketed run at @p ('[' or '('), matching nested pairs
 * and skipping backslash escapes; NULL when a blank line or the end of the
 * text comes first (then it is no link: markdown-it's link text and
 * destination do not cross paragraphs). */
static const char *
closing (const char *p,
         const char *end,
         char        open,
         char        close)
{
  int depth = 0;

  for (; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        {
          p++;
          continue;
        }
      if (*p == '\n' && p + 1 < end && p[1] == '\n')
        return NULL;
      if (*p == open)
        depth++;
      else if (*p == close && --depth == 0)
        return p;
    }
  return NULL;
}

/* The Markdown links `[text](target)` (and images) that begin in
 * [@s, @lim): a cut inside one would leave two halves that are no link. */
static GArray *
link_spans (const char *s,
            const char *lim,
            const char *end)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (Span));

  for (const char *p = s; p < lim; p++)
    {
      const char *text_end;
      const char *target_end;

      if (*p == '\\')
        {
          p++;
          continue;
        }
      if (*p != '[')
        continue;
      text_end = closing (p, end, '[', ']');
      if (text_end == NULL || text_end + 1 >= end || text_end[1] != '(')
        continue;
      target_end = closing (text_end + 1, end, '(', ')');
      if (target_end == NULL)
        continue;
      g_array_append_val (spans, ((Span) { p, target_end + 1 }));
      p = target_end;
    }
  return spans;
}

static const Span *
span_around (GArray     *spans,
             const char *q)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      if (span->start < q && q < span->end)
        return span;
    }
  return NULL;
}

/* A cut right before @q would separate a character from what belongs to
 * it: a combining mark, a variation selector, an emoji modifier, either
 * side of a zero width joiner. */
static gboolean
glued (const char *s,
       const char *q)
{
  gunichar c = g_utf8_get_char (q);
  gunichar before = q > s ? g_utf8_get_char (g_utf8_prev_char (q)) : 0;

  return g_unichar_ismark (c) || c == 0x200D || before == 0x200D ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

/* Where the part that starts at @s and may run up to @lim ends. */
static const char *
find_cut (const char *s,
          const char *min,
          const char *lim,
          const char *end)
{
  static const char *const boundaries[] = { "\n\n", "\n", " " };
  g_autoptr(GArray) spans = link_spans (s, lim, end);
  const Span *span;
  const char *q;

  for (guint k = 0; k < G_N_ELEMENTS (boundaries); k++)
    {
      const char *l = lim;

      while (l > min && (q = g_strrstr_len (min, l - min, boundaries[k])) != NULL)
        {
          span = span_around (spans, q);
          if (span == NULL)
            return q;
          l = span->start;
        }
    }

  /* One long word: cut it, at a character boundary. */
  q = lim;
  span = span_around (spans, q);
  if (span != NULL && span->start > min)
    return span->start;
  while (q > min && glued (s, q))
    q = g_utf8_prev_char (q);
  return q;
}

static const char *
skip_space (const char *p)
{
  while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return p;
}

const char *
gpm_long_post_note (void)
{
  return _("(continued in the comments)");
}

gboolean
gpm_long_post_fits (const char *text,
                    gsize       max_bytes)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return strlen (text) <= max_bytes;
}

/* Where a byte limit falls: @p, or before it at a character's start. */
static const char *
char_start (const char *s,
            const char *p)
{
  while (p > s && (*p & 0xC0) == 0x80)
    p--;
  return p;
}

GStrv
gpm_long_post_split (const char *markdown,
                     gsize       max_bytes)
{
  g_autoptr(GStrvBuilder) parts = g_strv_builder_new ();
  const char *end;
  const char *s;
  gsize note_bytes;
  gboolean first = TRUE;

  g_return_val_if_fail (markdown != NULL, NULL);
  g_return_val_if_fail (max_bytes >= 64, NULL);

  if (gpm_long_post_fits (markdown, max_bytes))
    {
      g_strv_builder_add (parts, markdown);
      return g_strv_builder_end (parts);
    }

  note_bytes = strlen (gpm_long_post_note ()) + 2;
  end = markdown + strlen (markdown);
  s = skip_space (markdown);
  while (*s != '\0')
    {
      gsize limit = first ? MAX (max_bytes - MIN (note_bytes, max_bytes), 32) : max_bytes;
      const char *lim;
      const char *cut;
      g_autofree char *part = NULL;

      if ((gsize) (end - s) <= limit)
        {
          g_autofree char *rest = g_strchomp (g_strdup (s));

          g_strv_builder_add (parts, rest);
          break;
        }
      /* within the bytes (a pod on MySQL; never more characters than
       * bytes), at a character boundary */
      lim = char_start (s, s + limit);
      cut = find_cut (s, char_start (s, s + (lim - s) / 2), lim, end);
      part = g_strchomp (g_strndup (s, cut - s));
      if (first)
        {
          g_autofree char *with_note = g_strconcat (part, "\n\n", gpm_long_post_note (), NULL);

          g_strv_builder_add (parts, with_note);
          first = FALSE;
        }
      else
        g_strv_builder_add (parts, part);
      s = skip_space (cut);
    }
  return g_strv_builder_end (parts);
}

guint
gpm_long_post_count_parts (const char *text,
                           gsize       max_bytes)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, 1);

  /* Rare (a post over 64 KiB): the split itself, so the count is its own */
  if (gpm_long_post_fits (text, max_bytes))
    return 1;
  parts = gpm_long_post_split (text, max_bytes);
  return g_strv_length (parts);
}

char *
gpm_long_post_dup_warning (const char *markdown)
{
  g_auto(GStrv) parts = NULL;
  guint n_comments;
  glong n_chars;

  g_return_val_if_fail (markdown != NULL, NULL);

  if (gpm_long_post_fits (markdown, GPM_DIASPORA_MAX_TEXT_BYTES))
    return NULL;
  parts = gpm_long_post_split (markdown, GPM_DIASPORA_MAX_TEXT_BYTES);
  n_comments = g_strv_length (parts) - 1;
  n_chars = g_utf8_strlen (markdown, -1);
  if (n_chars <= GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      /* under the characters, over the bytes a pod on MySQL keeps */
      g_autofree char *n = gpm_format_count (strlen (markdown));
      g_autofree char *max = gpm_format_count (GPM_DIASPORA_MAX_TEXT_BYTES);

      return g_strdup_printf (g_dngettext (NULL,
                                           "The post takes %s bytes; a diaspora* pod that stores posts in MySQL takes at most %s. It is posted up to a paragraph under that, and the rest follows in %u comment of yours under it.",
                                           "The post takes %s bytes; a diaspora* pod that stores posts in MySQL takes at most %s. It is posted up to a paragraph under that, and the rest follows in %u comments of yours under it.",
                                           n_comments),
                              n, max, n_comments);
    }
  {
    g_autofree char *n = gpm_format_count (n_chars);
    g_autofree char *max = gpm_format_count (GPM_DIASPORA_MAX_TEXT_CHARS);

    return g_strdup_printf (g_dngettext (NULL,
                                         "The post is %s characters long; diaspora* takes at most %s. It is posted up to a paragraph under that, and the rest follows in %u comment of yours under it.",
                                         "The post is %s characters long; diaspora* takes at most %s. It is posted up to a paragraph under that, and the rest follows in %u comments of yours under it.",
                                         n_comments),
                            n, max, n_comments);
  }
}

gboolean
gpm_long_post_may_be_first (const char *text,
                            gsize       max_bytes)
{
  /* A first part is at least half of what fits before the note, less the
   * whitespace at the cut; a quarter leaves room for any translation of
   * the note, and a post that long is rare enough to look again. */
  return text != NULL && strlen (text) >= max_bytes / 4;
}
