/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert.h: one Google+ post → the diaspora* Markdown that reposts it
 * (Part III of the seed blog), the media files that go with it, and what the
 * posting engine sends natively (poll, location). */
#pragma once

#include <gio/gio.h>

#include "gpm-links.h"
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
  gboolean  photo_hashtags;  /* add #photo #photography when a photo is really attached (will be uploaded) */
  char     *date_format;     /* strftime(3) format of the whole date line; NULL or "": no date line */
  char     *date_locale;     /* LC_TIME locale for the date line ("C" = English, "de_DE.UTF-8"…,
                              * "" = the desktop's) */
  gboolean  context;         /* append "  ( <community or collection>)" to the date line */
  gboolean  inline_links;    /* keep links inside the text as [text](url) (the seed drops them) */
  gboolean  location;        /* include the place the post was written at (default FALSE:
                              * the place stays private: no text line, no location sent to
                              * the pod, none in an export). On: diaspora*'s own location
                              * when the pod keeps it (gpm_convert_pod_location()), else a
                              * line of text */
  /* Google+ addresses (gpm-links.h): */
  gboolean  archive_links;   /* other Google+ addresses become their Internet Archive form */
  GpmLinks *links;           /* a reference or NULL: which addresses are the owner's own posts */
  GpmLinksLookupFunc own_post_lookup; /* NULL: no own post is on the pod (preview, export) */
  gpointer  own_post_lookup_data;     /* borrowed: alive while the settings are used */
  gboolean  own_comments;    /* the user's own comments come along (gpm-comments.h); off by default */
} GpmConvertSettings;

#define GPM_TYPE_CONVERT_SETTINGS (gpm_convert_settings_get_type ())
GType               gpm_convert_settings_get_type (void) G_GNUC_CONST;
GpmConvertSettings *gpm_convert_settings_new      (void);
/* From the application's GSettings keys "hashtags", "add-photo-hashtags",
 * "date-line-format", "date-line-locale", "keep-inline-links",
 * "include-location", "archive-google-plus-links", "include-own-comments" (see
 * data/…gschema.xml.in); context stays on. */
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
  gboolean             link;        /* a video link (YouTube…), no file: kept in the text as its url */
} GpmConvertMedia;

/* The conversion of one post. */
typedef struct {
  GpmPost           *post;       /* a reference */
  char              *markdown;   /* the whole text, never truncated */
  gsize              n_chars;    /* its length in characters */
  gboolean           too_long;   /* !gpm_long_post_fits (markdown, GPM_DIASPORA_MAX_TEXT_BYTES) */
  GPtrArray         *media;      /* GpmConvertMedia*, album items then media */
  GPtrArray         *warnings;   /* char*, translated, for the user */
  const GpmPoll     *poll;       /* the post's poll or NULL, for a native diaspora poll */
  const GpmLocation *location;   /* the post's location, NULL when settings->location is off;
                                  * sent to the pod only as gpm_convert_pod_location() says */
  gboolean           nothing_own; /* gpm_convert_post_is_nothing_own(): not to be posted
                                   * (a warning says so) */
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

/* The location diaspora* keeps for @post: NULL when @settings (NULL: the
 * defaults) leave the place out, or when the pod would drop it. diaspora*
 * builds a location only when an address is given
 * (app/services/status_message_creation_service.rb add_location) and its
 * Location validates lat and lng (app/models/location.rb:5), dropping one
 * without coordinates silently: gpm_convert_post() puts such a place into
 * the text instead. @address (optional) gets the address to send (the
 * physical address, else the place's name), borrowed from the post. */
const GpmLocation *gpm_convert_pod_location     (GpmPost                  *post,
                                                 const GpmConvertSettings *settings,
                                                 const char              **address);

/* Part III's rule: only the user's own words are reposted. TRUE when @post
 * has nothing of the user's own to post: no text of its own, no link (its
 * own, or the reshared post's, which Part III reposts with a hat tip), no
 * photo or video, no poll (and no place, unless @settings include it). A
 * reshare of someone else's words alone would become a post of nothing but
 * the hashtag footer: such posts are left out of the migration (the
 * migrator skips them, GPM_MIGRATOR_ERROR_NOTHING_OWN) and of an export,
 * and gpm_convert_post() says so in its warnings. @reason (optional) gets
 * that message for the user ("Nothing of yours to post: …"), translated. */
gboolean          gpm_convert_post_is_nothing_own (GpmPost                  *post,
                                                   const GpmConvertSettings *settings,
                                                   char                    **reason);

/* What a post list shows for @post, on one line: its own text as plain text
 * (at most @max_chars characters), else its own link's title, else for a
 * reshare "Reshare of NAME's post"; "" when it has none of these. Never the
 * reshared post's text, which is not the user's. */
char             *gpm_convert_dup_list_text     (GpmPost *post,
                                                 guint    max_chars);

/* The one HTML → plain text of the project (libxml2's HTML parser): @html's
 * words without markup, on one line (white space, line breaks and block
 * boundaries folded to one space; entities decoded; script and style left
 * out), at most @max_chars characters (0: all), cut without an ellipsis.
 * For list lines, search, poll questions and export titles alike. */
char             *gpm_convert_html_to_plain     (const char *html,
                                                 guint       max_chars);

/* Readies libxml2 for use from several threads; call it from the main
 * thread before converting in workers (the conversion calls it too). */
void              gpm_convert_init              (void);

/* The content step alone: G+ pseudo-HTML → Markdown, the way html2text does
 * it with links ignored and no wrapping (ending in "\n"), but with Markdown's
 * special characters escaped so the text renders as the text. */
char             *gpm_convert_html_to_markdown  (const char *html,
                                                 gboolean    inline_links);

/* The resolver backed by a GpmTakeout (@user_data): gpm_takeout_find_media()
 * with the media's localFilePath and url (see there for the order). */
char             *gpm_convert_takeout_resolver  (const char     *post_entry,
                                                 const GpmMedia *media,
                                                 const char     *file_name,
                                                 gpointer        user_data);

G_END_DECLS
