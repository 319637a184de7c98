#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The developer docs point only at files that exist:
#   check-doc-paths.py SOURCE_ROOT DOC.md…
# Checked: every `path/with/slashes` in backticks (a `{c,h}` set is each
# file; placeholders such as NAME or YYYY, and build-tree paths, are not
# paths), and every module in the first column of a table
# (gpm-NAME → src/*/gpm-NAME.c or .h; gpm-NAME.c → that file).
# Prints TAP.
import glob
import os
import re
import sys

import gpm_checks

root = sys.argv[1]
docs = sys.argv[2:]

def exists(path):
    return os.path.exists(os.path.join(root, path))

def expand(token):
    m = re.match(r"^(.*)\{([^}]*)\}(.*)$", token)
    if not m:
        return [token]
    return [m.group(1) + alt + m.group(3) for alt in m.group(2).split(",")]

def module_files(name):
    if name.endswith((".c", ".h")):
        return glob.glob(os.path.join(root, "src", "*", name))
    return (glob.glob(os.path.join(root, "src", "*", name + ".c")) +
            glob.glob(os.path.join(root, "src", "*", name + ".h")))

for doc in docs:
    text = open(os.path.join(root, doc), encoding="utf-8").read()
    seen = set()
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.rstrip(".,:;")
        if "/" not in token or "://" in token or token.startswith(("~", "$", "/", "_", "build/")):
            continue
        if re.search(r"[A-Z]{3,}|…|\*", token.replace("README", "").replace("DESIGN", "").replace("COPYING", "")):
            continue   # a placeholder, not a path
        if not re.match(r"^[\w.{},/+-]+$", token):
            continue
        for path in expand(token):
            if path in seen:
                continue
            seen.add(path)
            gpm_checks.check(exists(path.rstrip("/")), "%s: %s exists" % (doc, path))
    for line in text.splitlines():
        m = re.match(r"^\|\s*([^|]+?)\s*\|", line)
        if not m:
            continue
        for name in re.split(r",\s*", m.group(1)):
            if re.match(r"^gpm-[a-z0-9-]+(\.[ch])?$", name) and name not in seen:
                seen.add(name)
                gpm_checks.check(module_files(name), "%s: module %s exists" % (doc, name))

sys.exit(gpm_checks.finish())
