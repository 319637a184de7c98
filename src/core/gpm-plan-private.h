/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan-private.h: the plan's instance struct, which the gpm-plan-*.c
 * files share (gpm-plan.c: the object and the decisions; -rules.c: where a
 * post goes, which posts a run sends and the counts; -estimate.c: how long
 * a run takes; -journal.c: the plan's rows in the journal). */
#pragma once

#include "gpm-plan.h"

G_BEGIN_DECLS

typedef struct {
  GpmPlanTarget  target;
  char          *aspect;   /* ASPECT only */
} Target;

struct _GpmPlan
{
  GObject     parent_instance;

  GHashTable *audiences;   /* scope key → itself */
  GHashTable *targets;     /* scope key → Target* */
  GHashTable *excluded;    /* post key → itself */
  GHashTable *texts;       /* post key → Markdown */
  guint       delay;
  guint       max_per_day;
  gboolean    own_comments;
  gboolean    location;
  gboolean    archive_links;
  GpmPlan    *restored;    /* a copy of the saved plan last taken back (gpm_plan_restore()) */
};

/* gpm-plan.c: the keys of a set, sorted */
GStrv _gpm_plan_dup_sorted (GHashTable *table);

G_END_DECLS
