/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-import"

#include "config.h"

#include "gpm-import.h"
#include "gpm-util.h"

#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

struct _GpmImport
{
  GObject        parent_instance;

  GStrv          paths;
  GStrv          files;      /* a file list's (gpm_import_new_for_file_list()), else NULL */
  GpmTakeout    *takeout;
  GPtrArray     *posts;      /* GpmPost* */
  GPtrArray     *problems;   /* GpmProblem* */
  GpmScopeIndex *index;
  gsize          max_json_size;

  /* Progress, written by the worker, read on the main context. */
  GMutex         lock;
  guint          n_posts;
  guint          n_problems;
  double         fraction;
  GMainContext  *notify_context;
  gboolean       notify_pending;
  guint          n_batches;
  GPtrArray     *added;      /* GpmPost* read since the last "posts-added" (with a main context) */
};

G_DEFINE_FINAL_TYPE (GpmImport, gpm_import, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_POSTS,
  PROP_N_PROBLEMS,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  POSTS_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
gpm_import_finalize (GObject *object)
{
  GpmImport *self = GPM_IMPORT (object);

  g_strfreev (self->paths);
  g_strfreev (self->files);
  g_clear_object (&self->takeout);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->index);
  g_clear_pointer (&self->notify_context, g_main_context_unref);
  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gpm_import_parent_class)->finalize (object);
}

static void
gpm_import_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GpmImport *self = GPM_IMPORT (object);

  switch (prop_id)
    {
    case PROP_N_POSTS:
      g_value_set_uint (value, gpm_import_get_n_posts (self));
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, gpm_import_get_n_problems (self));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, gpm_import_get_fraction (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_import_class_init (GpmImportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gpm_import_finalize;
  object_class->get_property = gpm_import_get_property;

  properties[PROP_N_POSTS] =
    g_param_spec_uint ("n-posts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PROBLEMS] =
    g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GpmImport::posts-added:
   * @posts: (element-type GpmPost): the posts read since the last emission
   *
   * With gpm_import_run_async(): posts as they are read, in batches, on the
   * caller's main context, before the run finishes (file order within a
   * batch, batches in no particular order). Every post the run finds comes
   * once; gpm_import_get_posts() has them all, sorted, when it is done.
   */
  signals[POSTS_ADDED] =
    g_signal_new ("posts-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
gpm_import_init (GpmImport *self)
{
  g_mutex_init (&self->lock);
  self->fraction = -1;
  self->max_json_size = GPM_TAKEOUT_MAX_JSON_SIZE;
  self->posts = g_ptr_array_new_with_free_func (g_object_unref);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
}

GpmImport *
gpm_import_new (const char * const *paths)
{
  GpmImport *self = g_object_new (GPM_TYPE_IMPORT, NULL);
  self->paths = g_strdupv ((GStrv) paths);
  return self;
}

GpmImport *
gpm_import_new_for_file_list (const char * const *files)
{
  GpmImport *self = g_object_new (GPM_TYPE_IMPORT, NULL);
  self->files = g_strdupv ((GStrv) files);
  return self;
}

void
gpm_import_set_max_json_size (GpmImport *self,
                              gsize      max_size)
{
  g_return_if_fail (GPM_IS_IMPORT (self));
  self->max_json_size = max_size;
}

static gboolean
notify_in_main (gpointer data)
{
  GpmImport *self = data;
  g_autoptr(GPtrArray) added = NULL;

  g_mutex_lock (&self->lock);
  self->notify_pending = FALSE;
  if (self->added != NULL && self->added->len > 0)
    {
      added = g_steal_pointer (&self->added);
      self->added = g_ptr_array_new_with_free_func (g_object_unref);
    }
  g_mutex_unlock (&self->lock);

  if (added != NULL)
    g_signal_emit (self, signals[POSTS_ADDED], 0, added);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POSTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. At most one notification is queued at a time,
 * so a fast worker never floods the main loop. The first comes at once (the
 * first posts on screen); later ones at most every BATCH_INTERVAL_MS, so
 * the posts arrive in a few big batches, each one sorted insert. */
#define BATCH_INTERVAL_MS 150

static void
queue_notify_locked (GpmImport *self)
{
  g_autoptr(GSource) source = NULL;

  if (self->notify_context == NULL || self->notify_pending)
    return;
  self->notify_pending = TRUE;
  source = self->n_batches++ == 0 ? g_idle_source_new () : g_timeout_source_new (BATCH_INTERVAL_MS);
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, notify_in_main, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[gpm-import] progress");
  g_source_attach (source, self->notify_context);
}

/* A failed .json is reported when it sits beside real posts, or is named like
 * a Google+ post ("20180808 - Post(1).json"); other JSON a full Takeout
 * carries (other Google products, metadata) is not a post and is left alone. */
typedef struct {
  char   *name;
  GError *error;
} Failure;

static void
failure_free (Failure *f)
{
  g_free (f->name);
  g_clear_error (&f->error);
  g_free (f);
}

/* Reading the archive (inflating) and parsing run side by side: the loading
 * thread batches JSON entries and hands each batch to a parser thread.
 * Batches keep the hand-over cost (a wake-up) small next to the work. */
#define BATCH_BYTES (256 * 1024)
#define BATCH_ENTRIES 256

typedef struct {
  const char *name;   /* the takeout's entry name: lives as long as the takeout
                       * (a file list's path: as long as the import) */
  GBytes     *data;
  guint       order;  /* a file list's: its place in the list */
} ParseJob;

typedef struct {
  GpmImport   *self;
  GPtrArray   *failures;   /* Failure*, guarded by self->lock */
  GThreadPool *parsers;
  GPtrArray   *batch;      /* ParseJob*, filled by the loading thread */
  gsize        batch_bytes;
  GHashTable  *scopes;     /* GpmScope → itself: one copy of each, shared by the posts (self->lock) */
  GHashTable  *acls;      /* GPtrArray of shared scopes → itself: one array per distinct ACL */
  gboolean     keep_deflated;
  gboolean     background;  /* run for a GUI: the reading threads yield to it */
  GHashTable  *post_dirs;   /* the folders posts are in (self->lock) */
  GMutex       queue_lock;
  GCond        queue_parsed;
  guint        queued;      /* batches handed to the parsers, not parsed yet */
  const char  *last_dir;    /* the last post's, in @post_dirs */
  /* A file list's posts and failures by their place in the list (self->lock) */
  GpmPost    **listed_posts;
  Failure    **listed_failures;
} LoadState;

/* With the posts on screen while the rest is read, the window lays out
 * its first frames while the loading and parsing threads keep both cores
 * busy: the main loop was starved (200 ms frames). Those threads run at a
 * lower priority (nice 10, a thread's own on Linux), so the UI comes first
 * and the reading takes the rest. Lower still was measured and not kept
 * (docs/performance.md, Dec 7 evening): at SCHED_IDLE the main thread
 * waited up to 80-185 ms for a malloc arena or this import's lock held by
 * a reading thread that got no core; nice 19 changed nothing measurable. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif
}

static guint
acl_hash (gconstpointer a)
{
  const GPtrArray *scopes = a;
  guint h = scopes->len;

  for (guint i = 0; i < scopes->len; i++)
    h = h * 31 + g_direct_hash (scopes->pdata[i]);  /* the scopes are shared by then */
  return h;
}

static gboolean
acl_equal (gconstpointer a,
           gconstpointer b)
{
  const GPtrArray *x = a, *y = b;

  if (x->len != y->len)
    return FALSE;
  for (guint i = 0; i < x->len; i++)
    if (x->pdata[i] != y->pdata[i])
      return FALSE;
  return TRUE;
}

/* Posts share their scopes, and the arrays of them: 100,000 posts name a
 * few hundred audiences in a few hundred combinations. */
static void
share_scopes_locked (LoadState *state,
                     GpmPost   *post)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);
  GPtrArray *acl;

  for (guint i = 0; i < scopes->len; i++)
    {
      GpmScope *scope = g_ptr_array_index (scopes, i);
      GpmScope *shared = g_hash_table_lookup (state->scopes, scope);

      if (shared == NULL)
        g_hash_table_add (state->scopes, gpm_scope_ref (scope));
      else if (shared != scope)
        {
          scopes->pdata[i] = gpm_scope_ref (shared);
          gpm_scope_unref (scope);
        }
    }
  acl = g_hash_table_lookup (state->acls, scopes);
  if (acl == NULL)
    g_hash_table_add (state->acls, g_ptr_array_ref (scopes));
  else if (acl != scopes)
    gpm_post_share_scopes (post, acl);
}

/* Tests only (gpm_import_set_post_hook()) */
static GpmImportPostHook post_hook;
static gpointer post_hook_data;

void
gpm_import_set_post_hook (GpmImportPostHook hook,
                          gpointer          user_data)
{
  post_hook_data = user_data;
  g_atomic_pointer_set (&post_hook, hook);
}

/* Whether @name is in the Google+ Communities export that a takeout has
 * beside the Stream when its owner owned or moderated a community: the
 * community's posts, one JSON file each as the Stream's, in
 * "Takeout/Google+ Communities/NAME/Posts/" (FiXato/Plexodus-Tools,
 * bin/get_all_public_post_urls.sh; its members in Members.vcf beside them,
 * codekaar/google-plus-migration, Migration.php). Anybody's posts: reposted
 * they would be the user's, and the user's own are in the Stream anyway. */
static gboolean
in_communities_export (const char *name)
{
  static const char folder[] = "Google+ Communities";
  const char *p = name;

  while ((p = strstr (p, folder)) != NULL)
    {
      if ((p == name || p[-1] == '/') && p[strlen (folder)] == '/')
        return TRUE;
      p += strlen (folder);
    }
  return FALSE;
}

static void
parse_one (LoadState *state,
           ParseJob  *job)
{
  GpmImport *self = state->self;
  g_autoptr(GError) error = NULL;
  GpmPost *post = gpm_post_new_from_bytes (job->name, job->data, &error);

  if (post != NULL && in_communities_export (job->name))
    {
      /* Its photos are somebody else's: never a post's by base name. */
      for (int others = 0; others < 2 && self->takeout != NULL; others++)
        {
          const char * const *files = gpm_post_get_media_files (post, others);
          for (guint k = 0; files && files[k]; k++)
            gpm_takeout_add_media_reference (self->takeout, files[k], TRUE);
        }
      g_clear_object (&post);
      g_set_error_literal (&error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_OWN,
                           _("a post of the Google+ Communities export (the posts of a community you owned "
                             "or moderated, whoever wrote them), not of your own stream: left out"));
    }

  /* The index keeps what it needs; the JSON is read again when wanted:
   * a listed file from its path, its attachments relative to it. */
  if (post != NULL && self->takeout == NULL)
    gpm_post_set_source_file (post);
  else if (post != NULL)
    {
      gpm_post_set_source (post, self->takeout, job->name, state->keep_deflated);
      /* Which media files the posts name, and whose they are: a file is
       * never taken by its base name when a comment's photo has that name. */
      for (int others = 0; others < 2; others++)
        {
          const char * const *files = gpm_post_get_media_files (post, others);
          for (guint k = 0; files && files[k]; k++)
            gpm_takeout_add_media_reference (self->takeout, files[k], others);
        }
    }
  if (post != NULL && G_UNLIKELY (g_atomic_pointer_get (&post_hook) != NULL))
    post_hook (post, post_hook_data);  /* (set before the run starts) */
  g_mutex_lock (&self->lock);
  if (post != NULL)
    {
      const char *slash = strrchr (job->name, '/');
      gsize dir_len = slash ? (gsize) (slash - job->name) : 0;

      /* (posts share a few folders: the name is copied once per folder) */
      if (state->last_dir == NULL || strlen (state->last_dir) != dir_len ||
          strncmp (state->last_dir, job->name, dir_len) != 0)
        {
          char *dir = slash ? g_strndup (job->name, dir_len) : g_strdup (".");

          state->last_dir = g_hash_table_lookup (state->post_dirs, dir);
          if (state->last_dir == NULL)
            {
              g_hash_table_add (state->post_dirs, dir);
              state->last_dir = dir;
            }
          else
            g_free (dir);
        }
      share_scopes_locked (state, post);
      if (state->listed_posts != NULL)
        state->listed_posts[job->order] = post;
      else
        g_ptr_array_add (self->posts, post);
      if (self->added != NULL)
        g_ptr_array_add (self->added, g_object_ref (post));
      self->n_posts++;
      queue_notify_locked (self);
    }
  else
    {
      Failure *f = g_new0 (Failure, 1);
      f->name = g_strdup (job->name);
      f->error = g_steal_pointer (&error);
      if (state->listed_failures != NULL)
        state->listed_failures[job->order] = f;
      else
        g_ptr_array_add (state->failures, f);
    }
  g_mutex_unlock (&self->lock);

  g_bytes_unref (job->data);
  g_free (job);
}

static void
parse_batch (gpointer batch_data,
             gpointer user_data)
{
  GPtrArray *batch = batch_data;
  LoadState *state = user_data;
  static GPrivate lowered;

  /* The pool's own threads (exclusive), gone with it */
  if (state->background && g_private_get (&lowered) == NULL)
    {
      lower_thread_priority ();
      g_private_set (&lowered, GINT_TO_POINTER (1));
    }

  for (guint i = 0; i < batch->len; i++)
    parse_one (user_data, g_ptr_array_index (batch, i));
  g_ptr_array_unref (batch);

  g_mutex_lock (&state->queue_lock);
  state->queued--;
  g_cond_signal (&state->queue_parsed);
  g_mutex_unlock (&state->queue_lock);
}

/* At most this many batches wait for a parser: when the parsers fall
 * behind (a busy machine), the reading waits instead of keeping every
 * post's JSON in memory. */
#define BATCHES_AHEAD 16

static void
flush_batch (LoadState *state)
{
  if (state->batch == NULL || state->batch->len == 0)
    return;
  g_mutex_lock (&state->queue_lock);
  while (state->queued >= BATCHES_AHEAD)
    g_cond_wait (&state->queue_parsed, &state->queue_lock);
  state->queued++;
  g_mutex_unlock (&state->queue_lock);
  g_thread_pool_push (state->parsers, g_steal_pointer (&state->batch), NULL);
  state->batch_bytes = 0;
}

static void
queue_job (LoadState  *state,
           const char *name,
           GBytes     *data,
           guint       order)
{
  ParseJob *job = g_new (ParseJob, 1);

  job->name = name;
  job->data = g_bytes_ref (data);
  job->order = order;
  if (state->batch == NULL)
    state->batch = g_ptr_array_new ();
  g_ptr_array_add (state->batch, job);
  state->batch_bytes += g_bytes_get_size (data);
  if (state->batch_bytes >= BATCH_BYTES || state->batch->len >= BATCH_ENTRIES)
    flush_batch (state);
}

static void
on_json (const char *name,
         GBytes     *data,
         gpointer    user_data)
{
  queue_job (user_data, name, data, 0);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  LoadState *state = user_data;
  GpmImport *self = state->self;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->fraction = total > 0 ? MIN (1.0, (double) done / (double) total) : -1;
  queue_notify_locked (self);
}

/* A file list (the CLI's stdin) is read like a folder's files, the paths
 * given instead of walked. Each file is a post of its own, so reading and
 * parsing need no hand-over: every thread (this one and one more per
 * core) takes the next LIST_CHUNK files, reads and parses them, and puts
 * each post or failure in its place in the list (collect_file_list()
 * takes them in the list's order). One reading thread handing over to one
 * parser left both waiting on the other's share: 1.8× the time of only
 * reading the files on 2 cores. Each file is a post the user named: every
 * failure is reported, in the list's order. */
#define LIST_CHUNK 32
#define LIST_THREADS 4

typedef struct {
  LoadState    *state;
  guint         n_files;
  gint          next;        /* the next chunk's first file (atomic) */
  gint          done;        /* files read (atomic) */
  GCancellable *cancellable;
} ListRead;

static gpointer
read_list_files (gpointer data)
{
  ListRead *r = data;
  LoadState *state = r->state;
  GpmImport *self = state->self;
  /* The folder of the file before: a list (find's) names the files of one
   * folder one after another, opened relative to it as in a folder. */
  const char *dir = NULL;
  gsize dir_len = 0;
  int dir_fd = -1;

  for (;;)
    {
      guint from = (guint) g_atomic_int_add (&r->next, LIST_CHUNK);
      guint to = MIN (from + LIST_CHUNK, r->n_files);

      if (from >= r->n_files || g_cancellable_is_cancelled (r->cancellable))
        break;
      for (guint i = from; i < to; i++)
        {
          g_autoptr(GError) local_error = NULL;
          GBytes *bytes;
          const char *path = self->files[i];
          const char *slash = strrchr (path, '/');
          gsize len = slash ? (gsize) (slash - path) + 1 : 0;

          if (dir == NULL || len != dir_len || strncmp (dir, path, len) != 0)
            {
              g_autofree char *folder = len > 0 ? g_strndup (path, len) : NULL;

              if (dir_fd >= 0)
                close (dir_fd);
              dir_fd = folder ? open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
              dir = path;
              dir_len = len;
            }
          if (dir_fd >= 0)
            bytes = gpm_takeout_read_json_file (dir_fd, path + len, path, self->max_json_size, &local_error);
          else
            bytes = gpm_takeout_read_json_file (AT_FDCWD, path, path, self->max_json_size, &local_error);
          if (bytes != NULL)
            {
              ParseJob *job = g_new (ParseJob, 1);

              job->name = path;
              job->data = bytes;  /* parse_one() unrefs it */
              job->order = i;
              parse_one (state, job);
            }
          else
            {
              Failure *f = g_new0 (Failure, 1);
              g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

              f->name = g_strdup (path);
              f->error = g_steal_pointer (&local_error);
              state->listed_failures[i] = f;
            }
        }
      {
        guint done = (guint) g_atomic_int_add (&r->done, (gint) (to - from)) + (to - from);

        /* (about every 256 files, as before) */
        if (done / 256 != (done - (to - from)) / 256)
          on_progress (done, r->n_files, state);
      }
    }
  if (dir_fd >= 0)
    close (dir_fd);
  return NULL;
}

static gpointer
read_list_files_lowered (gpointer data)
{
  lower_thread_priority ();
  return read_list_files (data);
}

static gboolean
load_file_list (LoadState     *state,
                guint          n_files,
                GCancellable  *cancellable,
                GError       **error)
{
  ListRead r = { state, n_files, 0, 0, cancellable };
  GThread *threads[LIST_THREADS - 1] = { NULL, };
  guint n_threads = CLAMP (g_get_num_processors (), 1, LIST_THREADS);

  /* No more threads than chunks */
  n_threads = MIN (n_threads, MAX (1, (n_files + LIST_CHUNK - 1) / LIST_CHUNK));
  for (guint t = 0; t + 1 < n_threads; t++)
    threads[t] = g_thread_new ("gpm-import-list",
                               state->background ? read_list_files_lowered : read_list_files, &r);
  read_list_files (&r);
  for (guint t = 0; t + 1 < n_threads; t++)
    g_thread_join (threads[t]);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
looks_like_post_file_name (const char *name)
{
  const char *base = strrchr (name, '/');
  base = base ? base + 1 : name;
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (base[i]))
      return FALSE;
  return g_str_has_prefix (base + 8, " - ");
}

static gint
compare_posts_by_name (gconstpointer a,
                       gconstpointer b)
{
  GpmPost *pa = *(GpmPost * const *) a;
  GpmPost *pb = *(GpmPost * const *) b;
  return strcmp (gpm_post_get_entry_name (pa), gpm_post_get_entry_name (pb));
}

static void
add_problem (GpmImport *self, GpmProblem *problem)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_ptr_array_add (self->problems, problem);
  locker = g_mutex_locker_new (&self->lock);
  self->n_problems = self->problems->len;
  queue_notify_locked (self);
}

/* A post's photos that are no photos (0 bytes, not an image, a damaged
 * header) are problems in the review: the pod would refuse them (a 500 on
 * diaspora's web path). Only the cheap check (gpm_takeout_check_image):
 * the full decode is left to where the bytes are read anyway. */
static void
check_media (GpmImport             *self,
             GpmPost               *post,
             const GpmPostMediaRef *m,
             guint                 *n_missing,
             GPtrArray             *problems,
             GCancellable          *cancellable)
{
  g_autoptr(GError) error = NULL;
  const GpmTakeoutEntry *entry;

  entry = gpm_takeout_find_media (self->takeout, gpm_post_get_entry_name (post), m->local_file_path, m->url);
  /* A file was promised (localFilePath): is it there? */
  if (m->local_file_path != NULL && *m->local_file_path != '\0')
    {
      n_missing[1]++;
      if (entry == NULL)
        n_missing[0]++;
    }
  if (m->video)
    return;
  if (entry != NULL && !gpm_takeout_check_image (self->takeout, entry, cancellable, &error))
    {
      g_autofree char *name = gpm_takeout_dup_entry_name (self->takeout, entry);

      g_ptr_array_add (problems, gpm_problem_newf (gpm_post_get_entry_name (post),
                                                   _("the photo “%s” cannot be posted: %s"),
                                                   name, error->message));
    }
}

/* The posts' photos, from the index (gpm_post_get_media_refs): the posts
 * are not read again. Two threads take half the posts each (lookups in
 * the takeout's tables, thread-safe); the problems keep the posts' order. */
typedef struct {
  GpmImport    *self;
  guint         from, to;      /* posts */
  guint         n_missing[2];
  GPtrArray    *problems;      /* GpmProblem* */
  GCancellable *cancellable;
} PhotoCheck;

static gpointer
check_photos_range (gpointer data)
{
  PhotoCheck *c = data;

  for (guint i = c->from; i < c->to && !g_cancellable_is_cancelled (c->cancellable); i++)
    {
      GpmPost *post = g_ptr_array_index (c->self->posts, i);
      guint n_refs = 0;
      const GpmPostMediaRef *refs = gpm_post_get_media_refs (post, &n_refs);

      for (guint k = 0; k < n_refs; k++)
        check_media (c->self, post, &refs[k], c->n_missing, c->problems, c->cancellable);
    }
  return NULL;
}

static void
check_post_photos (GpmImport    *self,
                   guint        *n_missing,
                   GCancellable *cancellable)
{
  guint half = self->posts->len / 2;
  PhotoCheck c[2] = {
    { self, 0, half, { 0, 0 }, g_ptr_array_new (), cancellable },
    { self, half, self->posts->len, { 0, 0 }, g_ptr_array_new (), cancellable },
  };
  GThread *second = NULL;

  /* The lookup tables are made by the first lookup: once, before the split. */
  gpm_takeout_find_media (self->takeout, NULL, NULL, NULL);
  if (half > 0 && g_get_num_processors () > 1)
    second = g_thread_new ("gpm-import-photos", check_photos_range, &c[1]);
  else
    c[0].to = self->posts->len, c[1].from = self->posts->len;
  check_photos_range (&c[0]);
  if (second != NULL)
    g_thread_join (second);

  for (guint t = 0; t < 2; t++)
    {
      n_missing[0] += c[t].n_missing[0];
      n_missing[1] += c[t].n_missing[1];
      for (guint i = 0; i < c[t].problems->len; i++)
        add_problem (self, g_ptr_array_index (c[t].problems, i));
      g_ptr_array_unref (c[t].problems);
    }
}

static gpointer
build_tables (gpointer data)
{
  gpm_takeout_find_media (data, NULL, NULL, NULL);
  return NULL;
}

/* The listed posts and problems in the list's order (a post's own
 * problems follow it), as the CLI printed them when it read the files itself. */
static void
collect_file_list (LoadState *state,
                   guint      n_files)
{
  GpmImport *self = state->self;

  for (guint i = 0; i < n_files; i++)
    {
      GpmPost *post = g_steal_pointer (&state->listed_posts[i]);
      Failure *f = g_steal_pointer (&state->listed_failures[i]);

      if (post != NULL)
        {
          g_autoptr(GMutexLocker) locker = NULL;

          g_ptr_array_add (self->posts, post);
          gpm_post_collect_problems (post, self->problems);
          locker = g_mutex_locker_new (&self->lock);
          self->n_problems = self->problems->len;
        }
      else if (f != NULL)
        {
          add_problem (self, gpm_problem_new (f->name, f->error->message));
          failure_free (f);
        }
    }
}

/* A takeout's posts are its owner's ("In a personal takeout archive, this
 * is always the same user": Part II of the seed). A post by somebody else
 * came from elsewhere: the Google+ Communities export under its name in
 * another language (in_communities_export() knows the English one), another
 * account's takeout opened with this one. Each is said, so nobody's post is
 * reposted under the user's name unseen; the author of most posts is the
 * owner. */
static void
report_others_posts (GpmImport *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *owner = NULL;
  guint best = 0, with_author = 0;

  for (guint i = 0; i < self->posts->len; i++)
    {
      const char *id = gpm_post_peek_author_id (g_ptr_array_index (self->posts, i));
      guint n;

      if (id == NULL)
        continue;
      with_author++;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, id)) + 1;
      g_hash_table_insert (counts, (gpointer) id, GUINT_TO_POINTER (n));
      if (n > best)
        {
          best = n;
          owner = id;
        }
    }
  /* One author, most takeouts; no clear owner, nothing to tell */
  if (g_hash_table_size (counts) < 2 || best * 2 <= with_author)
    return;
  for (guint i = 0; i < self->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (self->posts, i);
      const char *id = gpm_post_peek_author_id (post);
      const GpmPerson *author;

      if (id == NULL || strcmp (id, owner) == 0)
        continue;
      author = gpm_post_get_author (post);
      /* Translators: %s is a person's name */
      add_problem (self, gpm_problem_newf (gpm_post_get_entry_name (post),
                                           _("written by somebody else (%s), not by you as most posts of the takeout: "
                                             "look whether it is yours to repost before you select it"),
                                           author && author->display_name && *author->display_name
                                             ? author->display_name : id));
    }
}

gboolean
gpm_import_run (GpmImport     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify) failure_free);
  g_autoptr(GHashTable) post_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) scopes = g_hash_table_new_full (gpm_scope_hash, gpm_scope_equal,
                                                         (GDestroyNotify) gpm_scope_unref, NULL);
  g_autoptr(GHashTable) acls = g_hash_table_new_full (acl_hash, acl_equal,
                                                       (GDestroyNotify) g_ptr_array_unref, NULL);
  LoadState state = { .self = self, .failures = failures, .scopes = scopes, .acls = acls, .post_dirs = post_dirs };
  guint n_missing_media[2] = { 0, 0 };  /* media files not found, of files named */
  g_autofree GpmPost **listed_posts = NULL;
  g_autofree Failure **listed_failures = NULL;
  guint n_files = 0;
  GPtrArray *takeout_problems;
  GThread *tables = NULL;
  gboolean loaded;

  g_return_val_if_fail (GPM_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->takeout == NULL && self->index == NULL, FALSE);

  if (self->files != NULL)
    {
      n_files = g_strv_length (self->files);
      state.listed_posts = listed_posts = g_new0 (GpmPost *, n_files);
      state.listed_failures = listed_failures = g_new0 (Failure *, n_files);
    }
  else
    {
      self->takeout = gpm_takeout_new ((const char * const *) self->paths, error);
      if (self->takeout == NULL)
        return FALSE;
      gpm_takeout_set_max_json_size (self->takeout, self->max_json_size);
      state.keep_deflated = gpm_takeout_has_tar_parts (self->takeout);
    }

  g_mutex_init (&state.queue_lock);
  g_cond_init (&state.queue_parsed);
  state.background = self->notify_context != NULL;
  if (self->files != NULL)
    loaded = load_file_list (&state, n_files, cancellable, error);
  else
    {
      state.parsers = g_thread_pool_new (parse_batch, &state,
                                         CLAMP ((int) g_get_num_processors () - 1, 1, 3),
                                         state.background, NULL);
      loaded = gpm_takeout_load (self->takeout, on_json, on_progress, &state, cancellable, error);
      flush_batch (&state);
    }
  /* The takeout's lookup tables (names, base names, sidecars' urls: what
   * the photo check below needs) are built while the parsers finish what
   * was queued, and while the posts are sorted and their problems taken
   * below (a thread of its own: with the parsers done, the other core
   * had nothing to do then), not after. */
  if (loaded && self->takeout != NULL && !g_cancellable_is_cancelled (cancellable))
    tables = g_thread_new ("gpm-import-tables", build_tables, self->takeout);
  /* Wait for the parsers to finish what was queued. */
  if (state.parsers != NULL)
    g_thread_pool_free (state.parsers, FALSE, TRUE);
  g_mutex_clear (&state.queue_lock);
  g_cond_clear (&state.queue_parsed);
  if (self->files != NULL)
    {
      /* No takeout: no entries to check, no parts, no photos looked up
       * (a post file's media are found relative to it when wanted). */
      if (loaded)
        collect_file_list (&state, n_files);
      for (guint i = 0; i < n_files; i++)
        {
          g_clear_object (&listed_posts[i]);
          g_clear_pointer (&listed_failures[i], failure_free);
        }
      if (!loaded)
        return FALSE;
      self->index = gpm_scope_index_new (self->posts);
      {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

        self->fraction = 1.0;
        queue_notify_locked (self);
      }
      return TRUE;
    }
  if (!loaded)
    return FALSE;

  takeout_problems = gpm_takeout_get_problems (self->takeout);
  for (guint i = 0; i < takeout_problems->len; i++)
    add_problem (self, gpm_problem_ref (g_ptr_array_index (takeout_problems, i)));

  for (guint i = 0; i < failures->len; i++)
    {
      Failure *f = g_ptr_array_index (failures, i);
      g_autofree char *dir = g_path_get_dirname (f->name);
      gboolean not_a_post = g_error_matches (f->error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST);

      /* JSON that parses but is not a post is only a problem where posts live. */
      if (not_a_post && !looks_like_post_file_name (f->name))
        continue;
      if (g_hash_table_contains (post_dirs, dir) || looks_like_post_file_name (f->name))
        add_problem (self, gpm_problem_new (f->name, f->error->message));
    }

  /* One parser thread hands them over in the order read: mostly sorted already. */
  for (guint i = 1; i < self->posts->len; i++)
    if (compare_posts_by_name (&self->posts->pdata[i - 1], &self->posts->pdata[i]) > 0)
      {
        g_ptr_array_sort (self->posts, compare_posts_by_name);
        break;
      }
  for (guint i = 0; i < self->posts->len; i++)
    {
      GPtrArray *warnings = gpm_post_get_warnings (g_ptr_array_index (self->posts, i));
      if (warnings->len > 0)
        {
          g_autoptr(GMutexLocker) locker = NULL;

          gpm_post_collect_problems (g_ptr_array_index (self->posts, i), self->problems);
          locker = g_mutex_locker_new (&self->lock);
          self->n_problems = self->problems->len;
        }
    }
  if (tables != NULL)
    g_thread_join (g_steal_pointer (&tables));
  report_others_posts (self);
  check_post_photos (self, n_missing_media, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* An incomplete multi-part set: which parts to add. Media missing point
   * to a part not opened only when they are many (a set is split by size,
   * so a missing part takes a good share of them; stale paths take few). */
  {
    guint missing = n_missing_media[0] * 20 >= n_missing_media[1] ? n_missing_media[0] : 0;
    GpmProblem *parts = gpm_takeout_check_parts (self->takeout, missing);
    if (parts != NULL)
      add_problem (self, parts);
  }
  self->index = gpm_scope_index_new (self->posts);

  if (self->posts->len == 0 && self->problems->len == 0)
    {
      g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED,
                   _("No Google+ posts were found. Is this a Takeout of “Google+ Stream” in JSON format?"));
      return FALSE;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    self->fraction = 1.0;
    queue_notify_locked (self);
  }
  return TRUE;
}

typedef struct {
  GpmImport    *self;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
} Reading;

static gpointer
read_lowered (gpointer data)
{
  Reading *r = data;

  /* (the threads it starts inherit the priority) */
  lower_thread_priority ();
  r->ok = gpm_import_run (r->self, r->cancellable, &r->error);
  return NULL;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Reading r = { source_object, cancellable, FALSE, NULL };

  /* A thread of its own reads, at the lower priority for its life: this
   * one is GTask's, which runs other tasks next (the UI's among them), and
   * a thread cannot raise its own priority again. */
  g_thread_join (g_thread_new ("gpm-import", read_lowered, &r));
  if (r.ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, r.error);
}

void
gpm_import_run_async (GpmImport           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GPM_IS_IMPORT (self));

  self->notify_context = g_main_context_ref_thread_default ();
  self->added = g_ptr_array_new_with_free_func (g_object_unref);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_import_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

gboolean
gpm_import_run_finish (GpmImport     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_autoptr(GPtrArray) added = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gpm_import_run_async, FALSE);

  /* The last posts before the run says it is done; a notification still
   * queued finds none. */
  g_mutex_lock (&self->lock);
  added = g_steal_pointer (&self->added);
  g_mutex_unlock (&self->lock);
  if (added != NULL && added->len > 0)
    g_signal_emit (self, signals[POSTS_ADDED], 0, added);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
gpm_import_get_n_posts (GpmImport *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->n_posts;
}

guint
gpm_import_get_n_problems (GpmImport *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->n_problems;
}

double
gpm_import_get_fraction (GpmImport *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->fraction;
}

GpmTakeout *gpm_import_get_takeout (GpmImport *self) { return self->takeout; }
GPtrArray *gpm_import_get_posts (GpmImport *self) { return self->posts; }
GPtrArray *gpm_import_get_problems (GpmImport *self) { return self->problems; }
GpmScopeIndex *gpm_import_get_index (GpmImport *self) { return self->index; }
