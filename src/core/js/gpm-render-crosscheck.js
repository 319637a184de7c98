/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Developer tool, not part of the build or the tests: renders Markdown with
 * diaspora's own text_formatter.js (and Handlebars' media template) in node,
 * and with our gpm-render-setup.js, so expectations in tests/test-render.c
 * can be derived from and checked against diaspora's real configuration.
 *
 *   node gpm-render-crosscheck.js DIASPORA_SRC HANDLEBARS_MODULE_DIR JS_PATHS.json < cases.json
 *
 * DIASPORA_SRC: a diaspora checkout (for text_formatter.js, the
 * posix-bracket-expressions and the media template); HANDLEBARS_MODULE_DIR:
 * a node_modules/handlebars (4.x); JS_PATHS.json: {"markdown-it": path, ...}
 * in load order; cases.json: a JSON array of Markdown strings or of
 * {markdown, mentions: [{diaspora_id, guid, name}]} objects. Prints a JSON
 * array of {markdown, diaspora, ours}.
 */
"use strict";
const fs = require("fs");
const vm = require("vm");
const path = require("path");

const [diasporaDir, hbDir, pathsFile] = process.argv.slice(2);
const Handlebars = require(path.resolve(hbDir));
const scripts = JSON.parse(fs.readFileSync(pathsFile, "utf8"));
const cases = JSON.parse(fs.readFileSync(0, "utf8"));

function newContext() {
  const ctx = vm.createContext({});
  vm.runInContext("var window = globalThis; var self = globalThis;", ctx);
  for (const p of scripts) {
    vm.runInContext(fs.readFileSync(p, "utf8"), ctx, { filename: p });
  }
  return ctx;
}

/* diaspora's own formatter */
const d = newContext();
vm.runInContext(fs.readFileSync(path.join(diasporaDir, "lib/assets/javascripts/posix-bracket-expressions.js"), "utf8")
                  .replace("var PosixBracketExpressions", "globalThis.PosixBracketExpressions"), d);
const tpl = Handlebars.compile(fs.readFileSync(path.join(diasporaDir, "app/assets/templates/media-embed_tpl.jst.hbs"), "utf8"));
d.HandlebarsTemplates = { "media-embed_tpl": tpl };
d.document = { createElement: () => ({ canPlayType: (t) => (/^(video\/(mp4|webm|ogg)|audio\/(mpeg|mp3|mp4|aac|ogg|opus|webm|flac|x-flac|wav|wave|x-wav|x-m4a))$/i.test(t) ? "maybe" : "") }) };
d.hljs = { getLanguage: () => false };
d.app = { helpers: {}, currentUser: { get: () => undefined } };
vm.runInContext(fs.readFileSync(path.join(diasporaDir, "app/assets/javascripts/app/helpers/text_formatter.js"), "utf8"), d);

/* ours */
const o = newContext();
vm.runInContext(fs.readFileSync(path.join(__dirname, "gpm-render-setup.js"), "utf8"), o);

const out = cases.map((c) => {
  const markdown = typeof c === "string" ? c : c.markdown;
  const mentions = typeof c === "string" ? [] : (c.mentions || []);
  /* diaspora's person JSON carries the id as both diaspora_id and handle */
  const people = mentions.map((p) => Object.assign({ handle: p.diaspora_id }, p));
  return {
    markdown,
    diaspora: d.app.helpers.textFormatter(markdown, people),
    ours: o.gpmRender(markdown, 3, mentions.length ? JSON.stringify(mentions) : null, null),
  };
});
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
