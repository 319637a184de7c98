/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-util"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-util.h"

void
gpm_main_context_post (GMainContext   *context,
                       int             priority,
                       const char     *name,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
unref_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  /* Here, not as the task data's destroy notify: the task itself may be
   * finalized back in the calling thread */
  g_object_unref (task_data);
  g_task_return_boolean (task, TRUE);
}

void
gpm_object_unref_in_worker (gpointer object)
{
  g_autoptr(GTask) task = NULL;

  if (object == NULL)
    return;

  g_return_if_fail (G_IS_OBJECT (object));

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, gpm_object_unref_in_worker);
  g_task_set_task_data (task, object, NULL);
  g_task_run_in_thread (task, unref_thread);
}

gpointer
gpm_object_ref_copy (gconstpointer object,
                     gpointer      user_data)
{
  return g_object_ref ((gpointer) object);
}

typedef struct {
  GTask           *task;    /* the caller's; a reference held by the runner's callback */
  GTaskThreadFunc  func;
} Runner;

static void
runner_thread (GTask        *runner,
               gpointer      source_object,
               gpointer      runner_data,
               GCancellable *cancellable)
{
  Runner *r = runner_data;

  r->func (r->task, g_task_get_source_object (r->task), g_task_get_task_data (r->task),
           g_task_get_cancellable (r->task));
  g_task_return_boolean (runner, TRUE);
}

/* In the caller's context, after the task's own callback (queued first) */
static void
runner_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_object_unref (user_data);
}

void
gpm_task_run_in_thread (GTask           *task,
                        GTaskThreadFunc  task_func)
{
  g_autoptr(GTask) runner = NULL;
  Runner *r;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (task_func != NULL);

  r = g_new0 (Runner, 1);
  r->task = task;
  r->func = task_func;
  /* No source object and nothing owned but @r: whichever thread drops the
   * runner last frees no more than that. @task is held by the callback's
   * data, released where the task itself completes. */
  runner = g_task_new (NULL, NULL, runner_done_cb, g_object_ref (task));
  g_task_set_source_tag (runner, gpm_task_run_in_thread);
  g_task_set_priority (runner, g_task_get_priority (task));
  g_task_set_task_data (runner, r, g_free);
  g_task_run_in_thread (runner, runner_thread);
}

JsonObject *
gpm_json_get_object (JsonObject *obj,
                     const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
gpm_json_get_array (JsonObject *obj,
                    const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
gpm_json_get_string (JsonObject *obj,
                     const char *member,
                     const char *fallback)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

JsonObject *
gpm_json_array_get_object (JsonArray *array,
                           guint      index)
{
  JsonNode *node = array && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

void
gpm_i18n_init (void)
{
  const char *dir = g_getenv ("GPM_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Set by tests only (a jump of the wall clock), read from any thread. */
static gint64 real_time_offset;
G_LOCK_DEFINE_STATIC (real_time_offset);

gint64
gpm_get_real_time (void)
{
  gint64 offset;

  G_LOCK (real_time_offset);
  offset = real_time_offset;
  G_UNLOCK (real_time_offset);
  return g_get_real_time () + offset;
}

void
gpm_set_real_time_offset (gint64 usec)
{
  G_LOCK (real_time_offset);
  real_time_offset = usec;
  G_UNLOCK (real_time_offset);
}

typedef struct {
  guint n_escaped;
  glong longest;
} LongTags;

static gboolean
escape_long_tag (const GMatchInfo *info, GString *out, gpointer user_data)
{
  LongTags *lt = user_data;
  g_autofree char *before = g_match_info_fetch (info, 1);
  g_autofree char *tag = g_match_info_fetch (info, 2);
  glong chars = g_utf8_strlen (tag, -1);

  g_string_append (out, before);
  if (chars > GPM_DIASPORA_MAX_TAG_CHARS)
    {
      g_string_append_c (out, '\\');
      lt->n_escaped++;
      lt->longest = MAX (lt->longest, chars);
    }
  g_string_append_c (out, '#');
  g_string_append (out, tag);
  return FALSE;
}

char *
gpm_escape_long_hashtags (const char *text, guint *n_escaped, glong *longest)
{
  static GRegex *tag;
  LongTags lt = { 0 };
  gboolean candidate = FALSE;
  char *out;

  /* A tag over the limit is a run of more than that many bytes without
   * ASCII whitespace after a '#': without one, nothing is escaped, and
   * the regex (the cost, run on every converted post) is not needed */
  for (const char *h = strchr (text, '#'); h != NULL && !candidate; h = strchr (h + 1, '#'))
    {
      gsize run = strcspn (h + 1, " \t\r\n\f\v");

      candidate = run > GPM_DIASPORA_MAX_TAG_CHARS;
    }
  if (!candidate)
    {
      if (n_escaped)
        *n_escaped = 0;
      if (longest)
        *longest = 0;
      return g_strdup (text);
    }

  /* Diaspora::Taggable#tag_strings (lib/diaspora/taggable.rb:40-45): Ruby's
   * ^ is a line start, \s ASCII whitespace, [[:word:]] Unicode letters,
   * marks, decimal digits and connector punctuation */
  if (g_once_init_enter (&tag))
    g_once_init_leave (&tag, g_regex_new ("(^|[ \\t\\r\\n\\f\\v])#([\\p{L}\\p{M}\\p{Nd}\\p{Pc}"
                                          "\\x{055b}\\x{055c}\\x{055e}\\x{058a}_-]+)",
                                          G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL));
  out = g_regex_replace_eval (tag, text, -1, 0, 0, escape_long_tag, &lt, NULL);
  if (out == NULL)
    out = g_strdup (text);
  if (n_escaped)
    *n_escaped = lt.n_escaped;
  if (longest)
    *longest = lt.longest;
  return out;
}

char *
gpm_format_count (guint64 n)
{
  const char *locale_sep = nl_langinfo (THOUSEP);
  g_autofree char *digits = NULL;
  const char *sep;
  GString *out;
  gsize len;

  /* The locale's own grouping, whatever it is (libc knows Indian "1,00,000") */
  if (locale_sep != NULL && *locale_sep != '\0')
    return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);

  /* A locale with none (C.UTF-8: a desktop or a sandbox without the
   * user's locale installed) gave "65535" among words that group it:
   * then the separator of the language the words are in, by threes */
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  /* Translators: the thousands separator in numbers ("65,535"), used only
   * where the computer's settings give none: "." in German, a narrow
   * no-break space (U+202F) in French */
  sep = C_("thousands separator", ",");
  len = strlen (digits);
  out = g_string_sized_new (len + len / 3 * strlen (sep));
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}
