/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-diaspora.h: limits diaspora* itself sets, in one place: the
 * converter warns about them, the pod client and the migrator refuse to
 * send past them, and the test pod enforces them like the real one. */
#pragma once

/* Characters (not bytes) in a post's text: StatusMessage validates
 * `validates_length_of :text, :maximum => 65535` (diaspora
 * app/models/status_message.rb:18, v0.9.1.0). */
#define GPM_DIASPORA_MAX_TEXT_CHARS 65535
/* Bytes (UTF-8) in a post's or a comment's text on a pod that runs on
 * MySQL, which diaspora supports beside PostgreSQL (config/database.yml.example:9-16,
 * Gemfile:79-80 at v0.9.1.0): posts.text and comments.text are `t.text`
 * (db/migrate/0000_create_schema.rb:412 and :104, the same at v0.7.18.2),
 * MySQL's TEXT, which holds 65,535 bytes; Rails' mysql2 adapter runs in
 * strict mode, so a longer text raises ActiveRecord::ValueTooLong and
 * nothing is saved (a 403 from status_messages_controller.rb:54-55,68, a 422
 * from the API, a 500 for a comment). 65,535 characters of anything but
 * ASCII are more than that: a text is split by both limits
 * (gpm_long_post_fits()). */
#define GPM_DIASPORA_MAX_TEXT_BYTES 65535

/* Characters in a hashtag: a post whose text has a longer one is not
 * saved (lib/diaspora/taggable.rb:13-20 at v0.9.1.0, the same at
 * v0.7.18.2: acts-as-taggable-on's tags.name is a string of 255). A tag is
 * '#' after the start of a line or whitespace, then [[:word:]] characters,
 * U+055B U+055C U+055E U+058A, '_' and '-' (taggable.rb:40-45,
 * config/initializers/acts_as_taggable_on.rb:7-8). */
#define GPM_DIASPORA_MAX_TAG_CHARS 255
