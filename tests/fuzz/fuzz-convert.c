/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the converter. An input starting with '{' is a post's
 * JSON, one starting with '<' content HTML; otherwise the first byte chooses:
 * even, the rest is G+ content HTML, converted with and without inline links;
 * odd, the rest is a post's JSON, parsed and converted whole (with a media
 * resolver that finds every other file). The Markdown must be valid UTF-8
 * and end in a newline (HTML); a post's length in characters must be right. */
#define G_LOG_DOMAIN "fuzz-convert"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpm-convert.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static char *
every_other (const char *post_entry, const GpmMedia *media, const char *file_name, gpointer user_data)
{
  guint *n = user_data;
  return (*n)++ % 2 ? g_strconcat ("Posts/", file_name, NULL) : NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;

  gboolean html;

  if (size < 1 || size > 256 * 1024)
    return 0;
  /* A post JSON or HTML as it is (the shared seed corpus), else a mode byte. */
  if (data[0] == '{' || data[0] == '<')
    {
      html = data[0] == '<';
      text = g_strndup ((const char *) data, size);
    }
  else
    {
      html = data[0] % 2 == 0;
      text = g_strndup ((const char *) data + 1, size - 1);  /* stops at a NUL, as C callers do */
    }

  if (html)
    {
      for (int links = 0; links <= 1; links++)
        {
          g_autofree char *md = gpm_convert_html_to_markdown (text, links);
          if (!g_utf8_validate (md, -1, NULL) || md[0] == '\0' || md[strlen (md) - 1] != '\n')
            abort ();
        }
    }
  else
    {
      g_autoptr(GpmPost) post = gpm_post_new_from_data ("Posts/post.json", text, -1, NULL);
      if (post)
        {
          guint n = 0;
          g_autoptr(GpmConvertResult) r = gpm_convert_post (post, NULL, every_other, &n);
          if (!g_utf8_validate (r->markdown, -1, NULL) || r->n_chars != (gsize) g_utf8_strlen (r->markdown, -1))
            abort ();
        }
    }
  return 0;
}
