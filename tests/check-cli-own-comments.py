#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 15 end to end through the command line, against the pod double in
# another process (gpm-test-pod-tool):
#   check-cli-own-comments.py CLI POD-TOOL
# A small extracted takeout whose posts carry the owner's comments and other
# people's (each of theirs with a token that must never show up):
# - `post --dry-run --with-own-comments` lists the own comments under each post;
# - `post --with-own-comments` leaves each post on the pod with exactly its own
#   comments, in order; the second post's link to the first points to its copy;
#   other Google+ addresses are archive links; a second run adds nothing;
# - without the flag no comment is posted; `--no-archive-links` keeps addresses;
# - `export --with-own-comments` writes them into the post's file.
# Prints TAP.
import glob
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

import gpm_checks

cli, pod_tool = sys.argv[1:3]
PASSWORD = "own comments pass"
OTHERS = "ZQXOTHERS"
OWNER = "users/100200300400500600700"
PAGE = "https://plus.google.com/+AdaLovelace"
POSTS = os.path.join("Takeout", "Google+ Stream", "Posts")

ok = gpm_checks.check


def author():
    return {"displayName": "Ada", "resourceName": OWNER, "profilePageUrl": PAGE}


def own(text, time):
    return {"creationTime": time, "author": author(), "content": text}


def other(n):
    return {"creationTime": "2018-01-01 12:00:00+0000", "content": "%s words %d" % (OTHERS, n),
            "author": {"displayName": "Bob " + OTHERS, "resourceName": "users/999"}}


def post(pid, date, content, comments):
    return {"url": PAGE + "/posts/" + pid, "creationTime": date + " 10:00:00+0000", "author": author(),
            "content": content, "resourceName": OWNER + "/posts/" + pid, "comments": comments,
            "postAcl": {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_PUBLIC"}]}}}


tmp = tempfile.TemporaryDirectory()
takeout = os.path.join(tmp.name, "takeout")
os.makedirs(os.path.join(takeout, POSTS))
files = {
    "20180101 - First.json": post("First1", "2018-01-01", "The first post",
                                  [other(1), own("Own reply one", "2018-01-02 09:00:00+0000"), other(2),
                                   own("Own <b>second</b> reply", "2018-01-03 09:00:00+0000")]),
    "20180201 - Second.json": post("Second2", "2018-02-01",
                                   'Earlier: <a href="%s/posts/First1">%s/posts/First1</a> and '
                                   '<a href="https://plus.google.com/communities/42">https://plus.google.com/communities/42</a>'
                                   % (PAGE, PAGE), [other(3)]),
    "20180301 - Third.json": post("Third3", "2018-03-01", "No comments", []),
}
for name, data in files.items():
    with open(os.path.join(takeout, POSTS, name), "w") as fh:
        json.dump(data, fh)

env = dict(os.environ)
env["XDG_DATA_HOME"] = os.path.join(tmp.name, "data")
env["GIO_USE_PROXY_RESOLVER"] = "dummy"
env["LC_ALL"] = "C.UTF-8"
env.pop("DBUS_SESSION_BUS_ADDRESS", None)


def start_pod():
    pod, url, _ = gpm_checks.start_pod(pod_tool, env, "--user", "ada:" + PASSWORD)
    return pod, url


def dump(url):
    with urllib.request.urlopen(url + "/_test/dump") as r:
        return json.loads(r.read().decode())


def post_cli(url, *extra):
    return subprocess.run([cli, "post", "--public", takeout, "--pod", url, "--user", "ada", "--delay", "0",
                           "--password-stdin", *extra], input=PASSWORD + "\n", capture_output=True, text=True, env=env)


expected = {
    "The first post": ["Own reply one\n\nCommented on Google+ on Tue Jan 02, 2018",
                       "Own **second** reply\n\nCommented on Google+ on Wed Jan 03, 2018"],
}

pod, url = start_pod()
try:
    p = subprocess.run([cli, "post", "--public", takeout, "--pod", url, "--user", "ada", "--dry-run",
                        "--with-own-comments"], capture_output=True, text=True, env=env)
    ok(p.returncode == 0, "dry run exits 0", p.stderr)
    ok("--- your comment 1\nOwn reply one\n\nCommented on Google+ on Tue Jan 02, 2018\n--- end" in p.stdout
       and "--- your comment 2\nOwn **second** reply" in p.stdout and "your comment 3" not in p.stdout,
       "dry run lists the own comments, in order", p.stdout)
    ok(OTHERS not in p.stdout, "dry run: nothing of other people's")

    p = post_cli(url, "--with-own-comments")
    ok(p.returncode == 0, "post --with-own-comments exits 0", p.stderr[-500:])
    d = dump(url)
    by_text = {x["text"].split("\n")[0]: x for x in d["posts"]}
    ok(len(d["posts"]) == 3, "three posts on the pod", d["posts"])
    first = by_text.get("The first post")
    ok(first is not None and [c["text"] for c in d["comments"] if c["post"] == first["guid"]] == expected["The first post"],
       "the first post has exactly its own comments, in order", d["comments"])
    ok(len(d["comments"]) == 2, "no other comments anywhere", d["comments"])
    ok(OTHERS not in json.dumps(d), "no token of other people's comments on the pod")
    second = [x for x in d["posts"] if x["text"].startswith("Earlier:")]
    ok(second and first and ("%s/posts/%s" % (url, first["guid"])) in second[0]["text"]
       and "/posts/First1" not in second[0]["text"], "the link to the first post points to its copy", second)
    ok(second and "[https://plus.google.com/communities/42](https://web.archive.org/web/2019/https://plus.google.com/communities/42)"
       in second[0]["text"], "the community address is an archive link", second)

    p = post_cli(url, "--with-own-comments")
    d2 = dump(url)
    ok(p.returncode == 0 and len(d2["posts"]) == 3 and len(d2["comments"]) == 2, "a second run adds nothing")
finally:
    pod.stdin.close()
    pod.wait(timeout=30)

# A fresh pod and journal: without the flag, no comments.
for path in glob.glob(os.path.join(env["XDG_DATA_HOME"], "gplus-migrate", "*")):
    os.unlink(path)
pod, url = start_pod()
try:
    p = post_cli(url, "--no-archive-links")
    d = dump(url)
    ok(p.returncode == 0 and len(d["posts"]) == 3 and len(d["comments"]) == 0, "without the flag: no comments", d["comments"])
    ok(any("https://plus.google.com/communities/42" in x["text"] and "web.archive.org" not in x["text"] for x in d["posts"]),
       "--no-archive-links keeps the addresses")
finally:
    pod.stdin.close()
    pod.wait(timeout=30)

out = os.path.join(tmp.name, "export")
p = subprocess.run([cli, "export", "--public", takeout, "--out", out, "--with-own-comments"],
                   capture_output=True, text=True, env=env)
ok(p.returncode == 0, "export --with-own-comments exits 0", p.stderr)
texts = {}
for path in glob.glob(os.path.join(out, "*.md")):
    with open(path) as fh:
        texts[os.path.basename(path)] = fh.read()
first_md = [t for n, t in texts.items() if n.startswith("2018-01-01")]
ok(first_md and first_md[0].find(expected["The first post"][0]) > 0
   and first_md[0].find(expected["The first post"][0]) < first_md[0].find(expected["The first post"][1]),
   "export: the own comments in the post's file, in order", texts)
ok(all(OTHERS not in t for t in texts.values()), "export: nothing of other people's")
ok(any("](https://web.archive.org/web/2019/%s/posts/First1)" % PAGE in t for t in texts.values()),
   "export: Google+ addresses in their archive form")

sys.exit(gpm_checks.finish())
