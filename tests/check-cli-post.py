#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# `gplus-migrate-cli post` and `status` end to end against the pod double in
# another process (gpm-test-pod-tool):
#   check-cli-post.py CLI POD-TOOL TAKEOUT.zip [SEED]
# - the dry run prints every post that will be sent, in order, and sends nothing;
# - the real run, with faults injected and the CLI killed with SIGKILL at
#   seeded random instants and restarted, ends with each post of the dry run
#   on the pod exactly once, with its photos and visibility, and nothing else;
# - Ctrl-C (delivered while a post is in flight) stops after the current step,
#   exit 1, and the next runs go on;
# - the password is in no argv, no journal file;
# - `status` agrees.
# Prints TAP.
import glob
import json
import os
import random
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import gpm_checks

cli, pod_tool, takeout = sys.argv[1:4]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else int(os.environ.get("GPM_TEST_SEED", "4242"))
rng = random.Random(seed)
PASSWORD = "s3cret pass-word with spaces"
FAMILY = "circles/104857600000000000001-3f9a1c0e8b7d2a61"
SELECT = ["--essentially-public", "--id", FAMILY, "--id", "users/109876543210987654321"]

ok = gpm_checks.check


tmp = tempfile.TemporaryDirectory()
env = dict(os.environ)
env["XDG_DATA_HOME"] = os.path.join(tmp.name, "data")
env["GIO_USE_PROXY_RESOLVER"] = "dummy"
env["LC_ALL"] = "C.UTF-8"
env.pop("DBUS_SESSION_BUS_ADDRESS", None)

pod, url, said = gpm_checks.start_pod(pod_tool, env, "--user", "ada:" + PASSWORD, "--aspect", "ada:Family")
aspect_ids = {}
for line in said:
    if line.startswith("aspect ada "):
        _, _, name, ident = line.split(" ", 3)
        aspect_ids[name] = int(ident)


def pod_get(path):
    with urllib.request.urlopen(url + path) as r:
        return json.loads(r.read().decode())


def inject(kind, path, param, count):
    body = json.dumps({"kind": kind, "path": path, "param": param, "count": count}).encode()
    req = urllib.request.Request(url + "/_test/fault", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def post_argv(*extra):
    return [cli, "post", *SELECT, "--aspect", FAMILY + "=Family", takeout,
            "--pod", url, "--user", "ada", "--delay", "0", "--settle", "2", *extra]


def parse_plan(out):
    """The dry run's sections: (key, visibility, photos, text)."""
    plan = []
    for m in re.finditer(r"^=== \d+\. .*? \(([^()]*)\)\n(.*?)(?=^=== |\Z)", out, re.S | re.M):
        key, body = m.group(1), m.group(2)
        if body.startswith("Skipped: "):
            plan.append((key, None, 0, None))
            continue
        vis = re.search(r"^Visibility: (.*)$", body, re.M).group(1)
        photos = len(re.findall(r"^Photo \d+: ", body, re.M))
        text = re.search(r"^--- text\n(.*)\n--- end\n", body, re.S | re.M).group(1)
        plan.append((key, vis, photos, text))
    return plan


try:
    # --- dry run: no network
    before = pod_get("/_test/dump")["requests"]
    p = subprocess.run(post_argv("--dry-run"), capture_output=True, text=True, env=env)
    plan = parse_plan(p.stdout)
    after = pod_get("/_test/dump")["requests"]
    ok(p.returncode == 0, "dry run exits 0", p.stderr)
    # (the dump itself may count as one request)
    ok(after - before <= 1, "dry run sends nothing", "%d → %d requests" % (before, after))
    sendable = [e for e in plan if e[1] is not None]
    skipped = [e for e in plan if e[1] is None]
    ok(len(sendable) == 15 and len(skipped) == 1, "dry run: 15 to send, 1 skipped", "%d, %d" % (len(sendable), len(skipped)))
    ok(any(e[1] == "limited to aspects Family" and e[2] == 3 for e in sendable), "dry run shows the aspect and the photos")
    ok(not glob.glob(os.path.join(env["XDG_DATA_HOME"], "gplus-migrate", "*.sqlite")), "dry run creates no journal")
    # The place stays private unless asked for (issue 12): two posts of the
    # demo takeout have places with coordinates.
    ok("Location:" not in p.stdout and "Markt, 06484" not in p.stdout and "Riverside Drive" not in p.stdout,
       "dry run: no place by default")
    p = subprocess.run(post_argv("--dry-run", "--include-location"), capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and "Location: Markt, 06484 Quedlinburg, Germany" in p.stdout
       and "Location: Riverside Drive, Example City" in p.stdout,
       "dry run --include-location: the place as the pod's location", p.stderr[-300:])

    # The time it takes, at one post a day, for all 15 (nothing on the pod yet)
    p = subprocess.run(post_argv("--dry-run", "--max-per-day", "1"), capture_output=True, text=True, env=env)
    all_estimate = p.stderr.strip().splitlines()[-1].split(", until")[0]
    ok(p.returncode == 0 and all_estimate.startswith("At 1 post a day: about "),
       "dry run: the estimate for all 15", all_estimate)

    # A post over diaspora*'s 65,535 characters (issue 17): the dry run shows
    # it as the post and its continuation in comments, each under the limit.
    long_dir = os.path.join(tmp.name, "long", "Takeout", "Google+ Stream", "Posts")
    os.makedirs(long_dir)
    paras = ["Paragraph %d: " % i + " ".join("word%d" % ((i * 7 + w) % 1000) for w in range(140))
             for i in range(200)]
    with open(os.path.join(long_dir, "20180715 - Long.json"), "w") as f:
        json.dump({"creationTime": "2018-07-15 20:43:51+0000",
                   "author": {"displayName": "Ada", "resourceName": "users/1"},
                   "resourceName": "users/1/posts/long1", "content": "<br><br>".join(paras),
                   "postAcl": {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_PUBLIC"}]}}}, f)
    p = subprocess.run([cli, "post", "--essentially-public", os.path.join(tmp.name, "long"), "--pod", url,
                        "--user", "ada", "--dry-run", "--delay", "3600"], capture_output=True, text=True, env=env)
    parts = re.findall(r"^--- (text|continued in a comment)\n(.*?)\n--- end\n", p.stdout, re.S | re.M)
    ok(p.returncode == 0 and len(parts) == 4 and parts[0][0] == "text"
       and all(k == "continued in a comment" for k, _ in parts[1:])
       and all(len(t) <= 65535 for _, t in parts)
       and parts[0][1].endswith("(continued in the comments)") and parts[1][1].startswith("Paragraph ")
       and "Not sendable" not in p.stdout and "Paragraph 199: " in parts[-1][1],
       "dry run: a post over 65,535 characters as the post and 3 continuation comments",
       "%d parts %s" % (len(parts), [len(t) for _, t in parts]))
    # The estimate counts the parts it shows, a delay each (the plan page's
    # and the migrator's count too: gpm_plan_estimate_run())
    estimate = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    ok(estimate.startswith("One post every 3600 seconds: about %d hours, until " % (len(parts) - 1)),
       "dry run: the estimate of the long post is its %d sends" % len(parts), estimate)

    # A closed community (docs/takeout.md): the takeout's posts carry
    # isPublic, none of the club's is true. --essentially-public leaves it
    # out; ticked by id, its posts are skipped unless --aspect maps it, and
    # never public; the open community's post stays public.
    club_dir = os.path.join(tmp.name, "club", "Takeout", "Google+ Stream", "Posts")
    os.makedirs(club_dir)
    club = {"communityAcl": {"community": {"resourceName": "communities/66", "displayName": "Secret Club"}}}
    pi = {"communityAcl": {"community": {"resourceName": "communities/31", "displayName": "Raspberry Pi"}},
          "isPublic": True}
    for n, acl in ((1, pi), (2, club), (3, club)):
        with open(os.path.join(club_dir, "2018071%d - Club.json" % n), "w") as f:
            json.dump({"creationTime": "2018-07-1%d 20:43:51+0000" % n,
                       "author": {"displayName": "Ada", "resourceName": "users/1"},
                       "resourceName": "users/1/posts/club%d" % n, "content": "Club post %d" % n,
                       "postAcl": acl}, f)
    club_argv = [cli, "post", os.path.join(tmp.name, "club"), "--pod", url, "--user", "ada", "--dry-run"]
    p = subprocess.run(club_argv + ["--essentially-public"], capture_output=True, text=True, env=env)
    club_plan = parse_plan(p.stdout)
    ok(p.returncode == 0 and [(e[0], e[1]) for e in club_plan] == [("users/1/posts/club1", "public")],
       "closed community: --essentially-public leaves it out", p.stdout[-500:] + p.stderr[-300:])
    p = subprocess.run(club_argv + ["--essentially-public", "--id", "communities/66"],
                       capture_output=True, text=True, env=env)
    club_plan = parse_plan(p.stdout)
    ok(p.returncode == 0 and [(e[0], e[1]) for e in club_plan] ==
       [("users/1/posts/club1", "public"), ("users/1/posts/club2", None), ("users/1/posts/club3", None)]
       and "no aspect is chosen" in p.stdout,
       "closed community: ticked without an aspect, its posts are skipped, not public", p.stdout[-800:])
    p = subprocess.run(club_argv + ["--id", "communities/66", "--aspect", "communities/66=Family"],
                       capture_output=True, text=True, env=env)
    club_plan = parse_plan(p.stdout)
    ok(p.returncode == 0 and [(e[0], e[1]) for e in club_plan] ==
       [("users/1/posts/club2", "limited to aspects Family"), ("users/1/posts/club3", "limited to aspects Family")],
       "closed community: --aspect sends its posts to the aspect", p.stdout[-800:] + p.stderr[-300:])
    p = subprocess.run([cli, "scopes", "--json", os.path.join(tmp.name, "club")], capture_output=True, text=True, env=env)
    scopes = {s["key"]: s for s in json.loads(p.stdout)["scopes"]} if p.returncode == 0 else {}
    ok(scopes.get("communities/66", {}).get("closed") is True
       and scopes["communities/66"].get("essentiallyPublic") is False
       and scopes["communities/66"].get("communityClass") == "closed"
       and scopes.get("communities/31", {}).get("closed") is False
       and scopes["communities/31"].get("communityClass") == "open"
       and scopes["communities/31"].get("essentiallyPublic") is True,
       "scopes --json: the closed community says so", p.stdout[-800:])

    # 55,000 characters of Greek: under diaspora*'s characters, over the
    # bytes a pod on MySQL keeps: two parts, and the estimate says so (it
    # counted characters: one post, no time)
    greek_dir = os.path.join(tmp.name, "greek", "Takeout", "Google+ Stream", "Posts")
    os.makedirs(greek_dir)
    with open(os.path.join(greek_dir, "20180716 - Greek.json"), "w") as f:
        json.dump({"creationTime": "2018-07-16 20:43:51+0000",
                   "author": {"displayName": "Ada", "resourceName": "users/1"},
                   "resourceName": "users/1/posts/greek1", "content": "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9 " * 5500,
                   "postAcl": {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_PUBLIC"}]}}}, f)
    p = subprocess.run([cli, "post", "--essentially-public", os.path.join(tmp.name, "greek"), "--pod", url,
                        "--user", "ada", "--dry-run", "--delay", "3600"], capture_output=True, text=True, env=env)
    parts = re.findall(r"^--- (text|continued in a comment)\n(.*?)\n--- end\n", p.stdout, re.S | re.M)
    estimate = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    ok(p.returncode == 0 and len(parts) == 2 and all(len(t.encode()) <= 65535 for _, t in parts)
       and estimate.startswith("One post every 3600 seconds: about 1 hour, until "),
       "dry run: 55,000 Greek characters in 2 parts by bytes, and the estimate counts both",
       "%d parts %s; %s" % (len(parts), [len(t.encode()) for _, t in parts], estimate))

    # --- bad password: a clear message, exit 1
    p = subprocess.run(post_argv("--password-stdin"), input="wrong\n", capture_output=True, text=True, env=env)
    ok(p.returncode == 1 and "gplus-migrate-cli:" in p.stderr, "wrong password: exit 1 with a message", p.stderr[-300:])
    ok(len(pod_get("/_test/dump")["posts"]) == 0, "wrong password: nothing posted")

    # --- Ctrl-C while a post is being sent: the CLI's handler stops after
    # the current step, exits 1 and says how to go on. It must be our handler
    # that stopped it: a run that ended before the signal, or a signal that
    # killed it (before the handler was installed), fails. The first post's
    # create request is held 500 ms, so the signal lands mid-run.
    inject("slow", "/status_messages", 500, 1)
    child = subprocess.Popen(post_argv("--password-stdin"), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env, bufsize=0)
    child.stdin.write((PASSWORD + "\n").encode())
    child.stdin.close()
    child.stdin = None
    err = ""
    sel = selectors.DefaultSelector()
    sel.register(child.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    # "[1/15] …" is printed when the first post starts, after the handler is installed
    while not re.search(r"^\[1/\d+\] ", err, re.M) and time.monotonic() < deadline:
        if sel.select(timeout=1):
            chunk = os.read(child.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk.decode(errors="replace")
    sel.close()
    started = re.search(r"^\[1/\d+\] ", err, re.M) is not None
    ok(started, "Ctrl-C: the run started posting", err[-400:])
    if started and child.poll() is None:
        child.send_signal(signal.SIGINT)
    try:
        _, rest = child.communicate(timeout=60)
        err += rest.decode(errors="replace")
        ok(child.returncode == 1, "Ctrl-C: exit 1 (not killed by the signal, not finished before it)",
           "exit %s\n%s" % (child.returncode, err[-400:]))
        ok("Stopping after the current step" in err, "Ctrl-C: the handler got the signal", err[-400:])
        ok("run the same command again" in err, "Ctrl-C: says how to go on", err[-400:])
        # (after the step in flight: a photo upload, or the post itself)
        n_posted = len(pod_get("/_test/dump")["posts"])
        ok(n_posted < len(sendable), "Ctrl-C: stopped before the end", "%d posts on the pod" % n_posted)
        # A dry run now: the estimate is of the posts left, not of those on the pod
        p = subprocess.run(post_argv("--dry-run", "--max-per-day", "1"), capture_output=True, text=True, env=env)
        m = re.search(r"^Dry run: (\d+) to send, (\d+) already posted", p.stderr, re.M)
        estimate = p.stderr.strip().splitlines()[-1].split(", until")[0]
        ok(m is not None and int(m.group(1)) + int(m.group(2)) == len(sendable)
           and int(m.group(2)) == n_posted
           # the posts just sent hold today's cap: each left one takes a day
           and (n_posted == 0 or len(sendable) - n_posted < 2
                or estimate == "At 1 post a day: about %d days" % (len(sendable) - n_posted)),
           "dry run after a stop: %s left, the estimate of those only" % (m.group(1) if m else "?"),
           "%s / %s\n%s" % (estimate, all_estimate, p.stderr[-300:]))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        ok(False, "Ctrl-C: stops after the current step", "still running after 60 s")

    # --- faults, then killed at random instants (sign-in too: the CLI waits and tries again)
    inject("status", "/users/sign_in", 503, 2)
    inject("close-after-store", "/status_messages", 0, 2)
    inject("status", "/status_messages", 503, 1)
    inject("status", "/photos", 502, 1)
    inject("slow", "/status_messages", 120, 100000)
    inject("slow", "/photos", 40, 100000)
    kills = 0
    for rnd in range(8):
        child = subprocess.Popen(post_argv("--password-stdin"), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env, text=True)
        # The password is not in the process listing.
        with open("/proc/%d/cmdline" % child.pid, "rb") as fh:
            cmdline = fh.read()
        ok(PASSWORD.encode() not in cmdline, "round %d: no password in argv" % rnd)
        child.stdin.write(PASSWORD + "\n")
        child.stdin.close()
        delay = rng.uniform(0.05, 1.2)
        try:
            child.wait(timeout=delay)
            break
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            kills += 1
    ok(kills > 0, "killed %d times (seed %d)" % (kills, seed))

    # --- the last run goes to the end
    p = subprocess.run(post_argv("--password-stdin"), input=PASSWORD + "\n", capture_output=True, text=True, env=env,
                       timeout=240)
    ok(p.returncode == 0, "final run exits 0", p.stderr[-500:])
    ok("Posted 15 of 16, skipped 1, failed 0, left 0." in p.stderr, "final run summary", p.stderr[-300:])

    dump = pod_get("/_test/dump")
    photos = {ph["guid"]: ph for ph in dump["photos"]}
    for key, vis, n_photos, text in sendable:
        matches = [q for q in dump["posts"] if q["text"] == text]
        if not ok(len(matches) == 1, "%s: on the pod exactly once" % key, "%d times" % len(matches)):
            continue
        q = matches[0]
        ok(len(q["photos"]) == n_photos and all(not photos[g]["pending"] and photos[g]["post"] == q["guid"]
                                                for g in q["photos"]),
           "%s: with its %d photos" % (key, n_photos))
        if vis == "public":
            ok(q["public"] and not q["aspect_ids"], "%s: public" % key)
        else:
            ok(not q["public"] and q["aspect_ids"] == [aspect_ids["Family"]], "%s: limited to Family" % key)
    ok(len(dump["posts"]) == len(sendable), "nothing else on the pod (%d posts)" % len(dump["posts"]))
    ok(all(q["location_address"] is None and "Markt, 06484" not in q["text"] and "Riverside Drive" not in q["text"]
           for q in dump["posts"]), "no place reached the pod (--include-location not given)")
    order = [next(q["id"] for q in dump["posts"] if q["text"] == e[3]) for e in sendable]
    ok(True, "posting order recorded: %s" % order)

    # --- the password is in no journal file
    leaked = []
    for path in glob.glob(os.path.join(env["XDG_DATA_HOME"], "**", "*"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                if PASSWORD.encode() in fh.read():
                    leaked.append(path)
    ok(not leaked, "no password in any file under the data folder", ", ".join(leaked))

    # --- status
    p = subprocess.run([cli, "status", takeout, "--pod", url, "--user", "ada"], capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and re.search(r"posted\s+15\b", p.stdout) and re.search(r"skipped\s+1\b", p.stdout),
       "status: 15 posted, 1 skipped", p.stdout)
    ok("Sam Rivera" in p.stdout, "status names the skipped post's audience", p.stdout)

    # --- a second run sends nothing new
    p = subprocess.run(post_argv("--password-stdin"), input=PASSWORD + "\n", capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and len(pod_get("/_test/dump")["posts"]) == len(sendable), "a second run posts nothing again")
    ok("Nothing was sent: the posts you chose were all on the pod already." in p.stderr,
       "a second run says everything was on the pod", p.stderr[-300:])
    # ... and a dry run says so too, with no time to take for posts not sent again
    p = subprocess.run(post_argv("--dry-run", "--max-per-day", "1"), capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and "Dry run: 0 to send, 15 already posted, 1 skipped" in p.stderr
       and "All 15 posts you chose are on the pod already: nothing is left to send." in p.stderr
       and "a day" not in p.stderr and "about" not in p.stderr,
       "dry run after the run: all on the pod, no duration", p.stderr[-400:])

    # --- the same account typed differently (" Ada ", LocalHost for 127.0.0.1):
    # the same journal, nothing posted again
    port = url.rsplit(":", 1)[1]
    typed = [cli, "post", *SELECT, "--aspect", FAMILY + "=Family", takeout,
             "--pod", "http://LocalHost:%s/" % port, "--user", " Ada ", "--delay", "0", "--password-stdin"]
    p = subprocess.run(typed, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=240)
    ok(p.returncode == 0 and len(pod_get("/_test/dump")["posts"]) == len(sendable),
       "' Ada ' on LocalHost: the same account, nothing posted again", p.stderr[-500:])
    journals = glob.glob(os.path.join(env["XDG_DATA_HOME"], "gplus-migrate", "journal-*.sqlite"))
    ok(len(journals) == 1, "one journal for the account", journals)
    p = subprocess.run([cli, "status", takeout, "--pod", "http://localhost:%s" % port, "--user", "ADA"],
                       capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and re.search(r"posted\s+15\b", p.stdout), "status as typed then: 15 posted", p.stdout)

    # --- the pod typed at an address that redirects (apex -> www): followed,
    # shown, and the same journal
    apex, apex_url, _ = gpm_checks.start_pod(pod_tool, env, "--moved-to", url)
    try:
        moved = [cli, "post", *SELECT, "--aspect", FAMILY + "=Family", takeout,
                 "--pod", apex_url, "--user", "ada", "--delay", "0", "--password-stdin"]
        p = subprocess.run(moved, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=240)
        ok(p.returncode == 0 and ("The pod %s is at %s" % (apex_url, url)) in p.stderr,
           "a pod address that redirects: followed and the final address printed", p.stderr[-500:])
        ok(len(pod_get("/_test/dump")["posts"]) == len(sendable), "a redirected address: nothing posted again")
    finally:
        apex.stdin.close()
        apex.wait(timeout=30)

    # --- a diaspora 0.7 pod (OpenID Connect, no API v1): the password signs in
    old, old_url, _ = gpm_checks.start_pod(pod_tool, env, "--no-api", "--pod-version", "0.7.18.2", "--user", "ada:" + PASSWORD,
                              "--aspect", "ada:Family")
    try:
        on_old = [cli, "post", *SELECT, "--aspect", FAMILY + "=Family", takeout,
                  "--pod", old_url, "--user", "ada", "--delay", "0", "--password-stdin"]
        p = subprocess.run(on_old, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=240)
        ok(p.returncode == 0 and "Posted 15 of 16, skipped 1, failed 0, left 0." in p.stderr,
           "a 0.7.18.2 pod: signed in and everything posted", p.stderr[-500:])
    finally:
        old.stdin.close()
        old.wait(timeout=30)

    # --- --create-aspect: the aspect --aspect names is made on the pod first,
    # once; the limited posts go to it
    fresh, fresh_url, _ = gpm_checks.start_pod(pod_tool, env, "--user", "ada:" + PASSWORD)
    try:
        creating = [cli, "post", *SELECT, "--aspect", FAMILY + "=Neighbours", "--create-aspect", " Neighbours ",
                    takeout, "--pod", fresh_url, "--user", "ada", "--delay", "0", "--password-stdin"]
        p = subprocess.run(creating, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=240)
        with urllib.request.urlopen(fresh_url + "/_test/dump") as r:
            dump = json.loads(r.read().decode())
        made = dump["aspects"]["ada"]
        ok(p.returncode == 0 and "Made the aspect “Neighbours” on the pod." in p.stderr
           and "Posted 15 of 16, skipped 1, failed 0, left 0." in p.stderr,
           "--create-aspect: made, then everything posted", p.stderr[-500:])
        ok([a["name"] for a in made] == ["Neighbours"], "--create-aspect: the aspect on the pod", made)
        limited = [q for q in dump["posts"] if not q["public"]]
        ok(limited and all(q["aspect_ids"] == [made[0]["id"]] for q in limited),
           "--create-aspect: the limited posts go to it", limited[:2])
        p = subprocess.run(creating, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=240)
        with urllib.request.urlopen(fresh_url + "/_test/dump") as r:
            dump = json.loads(r.read().decode())
        ok(p.returncode == 0 and "Made the aspect" not in p.stderr and len(dump["aspects"]["ada"]) == 1,
           "--create-aspect again: nothing made twice", p.stderr[-500:])
    finally:
        fresh.stdin.close()
        fresh.wait(timeout=30)

    # --- usage errors
    p = subprocess.run([cli, "post", takeout, "--pod", url, "--user", "ada"], capture_output=True, text=True, env=env)
    ok(p.returncode == 2, "no selection: exit 2", p.stderr)
    p = subprocess.run([cli, "post", "--public", takeout, "--pod", "http://pod.example", "--user", "ada",
                        "--password-stdin"], input="x\n", capture_output=True, text=True, env=env)
    ok(p.returncode == 1 and "pod.example" in p.stderr, "plain HTTP to a non-loopback pod refused", p.stderr)
finally:
    pod.stdin.close()
    pod.wait(timeout=30)

sys.exit(gpm_checks.finish())
