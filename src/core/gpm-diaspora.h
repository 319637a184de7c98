/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-diaspora.h: limits diaspora* itself sets, in one place: the
 * converter warns about them, the pod client and the migrator refuse to
 * send past them, and the test pod enforces them like the real one. */
#pragma once

/* Characters (not bytes) in a post's text: StatusMessage validates
 * `validates_length_of :text, :maximum => 65535` (diaspora
 * app/models/status_message.rb:18, v0.9.1.0). */
#define GPM_DIASPORA_MAX_TEXT_CHARS 65535
