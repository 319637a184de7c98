/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert.h: one Google+ post → the diaspora* Markdown that reposts it
 * (Part III of the seed blog), the media files that go with it, and what the
 * posting engine sends natively (poll, location). */
#pragma once

#include <gio/gio.h>

#include "gpm-diaspora.h"
#include "gpm-post.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

/* The seed's static hashtags and its date line. */
#define GPM_CONVERT_DEFAULT_HASHTAGS "repost", "gplusarchive", "googleplus", "gplusrefugees", "plexodus"
#define GPM_CONVERT_DEFAULT_DATE_FORMAT "Originally posted on Google+ on %a %b %d, %Y"

/* What the user can change; the GUI binds each field to a GSettings key.
 * gpm_convert_settings_new() gives the defaults, which reproduce the seed. */
typedef struct {
  GStrv     hashtags;        /* without the '#'; NULL or empty: no hashtags line */
  gboolean  photo_hashtags;  /* add #photo #photography when the post has an album or media */
  char     *date_format;     /* strftime(3) format of the whole date line; NULL or "": no date line */
  char     *date_locale;     /* LC_TIME locale for the date line ("C" = English, "de_DE.UTF-8"…,
                              * "" = the desktop's) */
  gboolean  context;         /* append "  ( <community or collection>)" to the date line */
  gboolean  inline_links;    /* keep links inside the text as [text](url) (the seed drops them) */
  gboolean  location_text;   /* add the location as a line of text */
} GpmConvertSettings;

#define GPM_TYPE_CONVERT_SETTINGS (gpm_convert_settings_get_type ())
GType               gpm_convert_settings_get_type (void) G_GNUC_CONST;
GpmConvertSettings *gpm_convert_settings_new      (void);
/* From the application's GSettings keys "hashtags", "add-photo-hashtags",
 * "date-line-format", "date-line-locale", "keep-inline-links",
 * "include-location" (see data/…gschema.xml.in); context stays on. */
GpmConvertSettings *gpm_convert_settings_new_from_gsettings (GSettings *gsettings);
GpmConvertSettings *gpm_convert_settings_copy     (const GpmConvertSettings *settings);
void                gpm_convert_settings_free     (GpmConvertSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmConvertSettings, gpm_convert_settings_free)

typedef enum {
  GPM_CONVERT_MEDIA_PHOTO,
  GPM_CONVERT_MEDIA_VIDEO,
  GPM_CONVERT_MEDIA_OTHER,
} GpmConvertMediaKind;

/* One media or album item of the post (the reshared post's are not the author's). */
typedef struct {
  const GpmMedia      *media;       /* borrowed from the post the result holds */
  char                *file_name;   /* the name looked for: localFilePath, else the url's base name */
  char                *entry;       /* the archive entry it resolved to, NULL when missing */
  GpmConvertMediaKind  kind;
  gboolean             uploadable;  /* a photo that is in the archive (diaspora takes photos only) */
} GpmConvertMedia;

/* The conversion of one post. */
typedef struct {
  GpmPost           *post;       /* a reference */
  char              *markdown;   /* the whole text, never truncated */
  gsize              n_chars;    /* its length in characters */
  gboolean           too_long;   /* n_chars > GPM_DIASPORA_MAX_TEXT_CHARS */
  GPtrArray         *media;      /* GpmConvertMedia*, album items then media */
  GPtrArray         *warnings;   /* char*, translated, for the user */
  const GpmPoll     *poll;       /* the post's poll or NULL, for a native diaspora poll */
  const GpmLocation *location;   /* the post's location or NULL, for a native diaspora location */
  /*< private >*/
  gint ref_count;
} GpmConvertResult;

#define GPM_TYPE_CONVERT_RESULT (gpm_convert_result_get_type ())
GType             gpm_convert_result_get_type (void) G_GNUC_CONST;
GpmConvertResult *gpm_convert_result_ref      (GpmConvertResult *result);
void              gpm_convert_result_unref    (GpmConvertResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmConvertResult, gpm_convert_result_unref)

/* Finds a media file in the takeout for @media of the post @post_entry;
 * @file_name is what the JSON names it (localFilePath, else the url's base
 * name). Returns the archive entry name (newly allocated) or NULL when it is
 * not there. */
typedef char *(*GpmConvertMediaResolver) (const char     *post_entry,
                                          const GpmMedia *media,
                                          const char     *file_name,
                                          gpointer        user_data);

/* Converts @post. @settings NULL means the defaults. @resolver NULL means the
 * media are listed unresolved (each one with a "not found" warning).
 * Thread-safe: it only reads @post and @settings. */
GpmConvertResult *gpm_convert_post              (GpmPost                  *post,
                                                 const GpmConvertSettings *settings,
                                                 GpmConvertMediaResolver   resolver,
                                                 gpointer                  resolver_data);

/* Readies libxml2 for use from several threads; call it from the main
 * thread before converting in workers (the conversion calls it too). */
void              gpm_convert_init              (void);

/* The content step alone: G+ pseudo-HTML → Markdown, the way html2text does
 * it with links ignored and no wrapping (ending in "\n"), but with Markdown's
 * special characters escaped so the text renders as the text. */
char             *gpm_convert_html_to_markdown  (const char *html,
                                                 gboolean    inline_links);

/* The resolver backed by a GpmTakeout (@user_data): gpm_takeout_find_media()
 * with localFilePath, then with the url's base name, then the takeout's
 * .metadata.csv sidecars (a sidecar "X.metadata.csv" whose url column is the
 * media's url names the file X). The sidecars are read once per takeout, on
 * the first media not found by name; in an archive only when it has at most
 * GPM_CONVERT_MAX_SIDECARS of them (each read scans the archive). */
#define GPM_CONVERT_MAX_SIDECARS 2000
char             *gpm_convert_takeout_resolver  (const char     *post_entry,
                                                 const GpmMedia *media,
                                                 const char     *file_name,
                                                 gpointer        user_data);

G_END_DECLS
