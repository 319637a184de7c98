/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-archive-stream"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-archive-stream.h"

struct _GpmArchiveStream {
  GInputStream      parent_instance;
  GpmArchiveReader *reader;
  char             *name;
};

G_DEFINE_FINAL_TYPE (GpmArchiveStream, gpm_archive_stream, G_TYPE_INPUT_STREAM)

static gssize
gpm_archive_stream_read_fn (GInputStream  *stream,
                            void          *buffer,
                            gsize          count,
                            GCancellable  *cancellable,
                            GError       **error)
{
  GpmArchiveStream *self = GPM_ARCHIVE_STREAM (stream);
  la_ssize_t n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (self->reader == NULL)
    return 0;

  n = archive_read_data (gpm_archive_reader_get_archive (self->reader), buffer, count);
  if (n < 0)
    {
      const char *msg = archive_error_string (gpm_archive_reader_get_archive (self->reader));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s: damaged data: %s"), self->name, msg ? msg : _("read error"));
      return -1;
    }
  return n;
}

static gboolean
gpm_archive_stream_close_fn (GInputStream  *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  GpmArchiveStream *self = GPM_ARCHIVE_STREAM (stream);

  g_clear_pointer (&self->reader, gpm_archive_reader_free);
  return TRUE;
}

static void
gpm_archive_stream_finalize (GObject *object)
{
  GpmArchiveStream *self = GPM_ARCHIVE_STREAM (object);

  g_clear_pointer (&self->reader, gpm_archive_reader_free);
  g_free (self->name);
  G_OBJECT_CLASS (gpm_archive_stream_parent_class)->finalize (object);
}

static void
gpm_archive_stream_class_init (GpmArchiveStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = gpm_archive_stream_finalize;
  stream_class->read_fn = gpm_archive_stream_read_fn;
  stream_class->close_fn = gpm_archive_stream_close_fn;
}

static void
gpm_archive_stream_init (GpmArchiveStream *self)
{
}

GInputStream *
gpm_archive_stream_new (GpmArchiveReader *reader,
                        const char       *name)
{
  GpmArchiveStream *self = g_object_new (GPM_TYPE_ARCHIVE_STREAM, NULL);

  self->reader = reader;
  self->name = g_strdup (name);
  return G_INPUT_STREAM (self);
}
