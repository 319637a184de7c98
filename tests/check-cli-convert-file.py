#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# `gplus-migrate-cli convert POST.json` on one post file of an extracted
# takeout: its media are found relative to the post file, "../" included,
# wherever the command runs from:
#   check-cli-convert-file.py CLI TAKEOUT.zip
# Prints TAP.
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import gpm_checks

cli = os.path.abspath(sys.argv[1])
demo = sys.argv[2]


def check(name, ok, detail=""):
    gpm_checks.check(ok, name, detail)


def a_jpeg():
    """A real photo from the demo takeout."""
    with zipfile.ZipFile(demo) as z:
        for n in z.namelist():
            if n.endswith(".jpg"):
                return z.read(n)
    raise SystemExit("no photo in " + demo)


def post(local_file_path):
    return {
        "url": "https://plus.google.com/1/posts/A", "resourceName": "users/1/posts/A",
        "creationTime": "2018-07-15 20:43:51+0000", "content": "Tower",
        "media": {"url": "https://lh3.googleusercontent.com/-x/IMG_1.jpg", "contentType": "image/*",
                  "localFilePath": local_file_path},
        "postAcl": {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_PUBLIC"}]}},
    }


with tempfile.TemporaryDirectory() as tmp:
    stream = os.path.join(tmp, "Takeout", "Google+ Stream")
    os.makedirs(os.path.join(stream, "Posts"))
    os.makedirs(os.path.join(stream, "Photos", "Album"))
    with open(os.path.join(stream, "Photos", "Album", "IMG_1.jpg"), "wb") as f:
        f.write(a_jpeg())
    cases = [
        ("../Photos/Album/IMG_1.jpg", True),
        ("./../Photos/Album/IMG_1.jpg", True),
        ("../Photos/Elsewhere/IMG_1.jpg", False),
    ]
    for i, (lfp, found) in enumerate(cases):
        name = "2018071%d - Tower.json" % i
        with open(os.path.join(stream, "Posts", name), "w", encoding="utf-8") as f:
            json.dump(post(lfp), f)
        for cwd, arg in ((tmp, os.path.join("Takeout", "Google+ Stream", "Posts", name)),
                         (os.path.join(stream, "Posts"), name),
                         ("/", os.path.join(stream, "Posts", name))):
            p = subprocess.run([cli, "convert", arg], cwd=cwd, capture_output=True)
            out, err = p.stdout.decode(), p.stderr.decode()
            missing = "not in the takeout" in err
            attached = "#photo #photography" in out
            check("convert %s with localFilePath %s from %s: %s" % (arg, lfp, cwd, "found" if found else "reported missing"),
                  p.returncode == 0 and missing == (not found) and attached == found,
                  "rc %d\nstdout:\n%s\nstderr:\n%s" % (p.returncode, out, err))

sys.exit(gpm_checks.finish())
