#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# `gplus-migrate-cli scopes` and `select` against the seed's own Part IV script,
# byte for byte, on a takeout given as a zip (extracted here) or a folder:
#   check-cli-seed.py CLI GEN-TOOL TAKEOUT.zip|DIR [TAKEOUT.zip|DIR …]
# and on takeouts the generator writes in every form (folder, zip, multi-part
# set, tgz; English, German and French folder names), with and without the
# bad-input entries. Prints TAP.
import os
import subprocess
import sys
import tempfile
import zipfile

import gpm_checks

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "seed", "filter_scopes_seed.py")
cli = sys.argv[1]
gen = sys.argv[2]
inputs = sys.argv[3:]


def run(argv, stdin=b""):
    p = subprocess.run(argv, input=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def post_files(root):
    """Every .json file that the seed can read (a dict with postAcl), sorted like `ls`."""
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".json"):
                out.append(os.path.join(d, f))
    good = []
    import json
    for path in sorted(out):
        try:
            with open(path, encoding="utf-8") as fh:
                obj = json.load(fh)
            if isinstance(obj, dict) and isinstance(obj.get("postAcl"), dict):
                good.append(path)
        except (ValueError, UnicodeDecodeError):
            pass
    return good


def check(name, ok, detail=""):
    gpm_checks.check(ok, name, detail)


with tempfile.TemporaryDirectory() as tmp:
    for i, src in enumerate(inputs):
        if os.path.isdir(src):
            root = src
        else:
            root = os.path.join(tmp, "x%d" % i)
            zipfile.ZipFile(src).extractall(root)
        files = post_files(root)
        listing = ("\n".join(files) + "\n").encode()
        label = os.path.basename(src.rstrip("/"))

        _, seed_out, seed_err = run([sys.executable, SEED], listing)
        rc, ours, err = run([cli, "scopes"], listing)
        check("scopes from stdin equals the seed (%s)" % label, ours == seed_out and rc == 0,
              "seed:\n%s\nours (rc %d):\n%s\n%s" % (seed_out.decode(), rc, ours.decode(), err.decode()))

        # Given the takeout itself, the same lines (posts in file-name order).
        rc, ours_t, err = run([cli, "scopes", src])
        check("scopes on the takeout equals the seed (%s)" % label, ours_t == seed_out,
              "seed:\n%s\nours (rc %d):\n%s\n%s" % (seed_out.decode(), rc, ours_t.decode(), err.decode()))

        # Filter mode: the seed prints a file once per matching ACL entry; we print it once.
        scopes = [l.split("\t ")[-1] for l in seed_out.decode().splitlines() if "\t " in l]
        flag_sets = [["--public"], ["--circles"], ["--ext-circles"], ["--public", "--circles", "--ext-circles"]]
        flag_sets += [["--id", s] for s in scopes[:6]]
        flag_sets += [["--public"] + sum((["--id", s] for s in scopes if s.startswith("communities/")), [])]
        for flags in flag_sets:
            _, seed_sel, _ = run([sys.executable, SEED] + flags, listing)
            seen, expected = set(), []
            for line in seed_sel.decode().splitlines():
                if line not in seen:
                    seen.add(line)
                    expected.append(line)
            rc, ours_sel, err = run([cli, "select"] + flags, listing)
            check("select %s equals the seed (%s)" % (" ".join(flags), label),
                  ours_sel.decode().splitlines() == expected,
                  "seed: %r\nours: %r\n%s" % (expected, ours_sel.decode().splitlines(), err.decode()))

        # --essentially-public is PUBLIC + every community.
        comm = sum((["--id", s] for s in scopes if s.startswith("communities/")), [])
        _, a, _ = run([cli, "select", "--public"] + comm, listing)
        _, b, _ = run([cli, "select", "--essentially-public"], listing)
        check("--essentially-public is public + communities (%s)" % label, a == b and len(a) > 0)


def generate(tmp, form, seed, locale, bad):
    out = os.path.join(tmp, "gen-%s-%d-%s-%s" % (form, seed, locale, "bad" if bad else "good"))
    manifest = out + ".json"
    argv = [gen, "-f", form, "-s", str(seed), "-l", locale, "-n", "80", "--manifest", manifest, out]
    if not bad:
        argv.append("--no-bad")
    subprocess.run(argv, check=True, capture_output=True)
    m = json.load(open(manifest, encoding="utf-8"))
    return m["paths"], m


import json
with tempfile.TemporaryDirectory() as tmp:
    for seed, locale in ((1, "en"), (2, "de"), (3, "fr")):
        (folder,), _ = generate(tmp, "folder", seed, locale, False)
        listing = ("\n".join(post_files(folder)) + "\n").encode()
        _, seed_out, seed_err = run([sys.executable, SEED], listing)
        check("the seed script reads generated takeout %d/%s" % (seed, locale), seed_out.count(b"\n") > 5, seed_err.decode())
        rc, ours, err = run([cli, "scopes"], listing)
        check("scopes from stdin equals the seed (generated %d/%s)" % (seed, locale), ours == seed_out and rc == 0, err.decode())
        for form in ("folder", "zip", "multi", "tgz"):
            paths, _ = generate(tmp, form, seed, locale, False)
            rc, ours, err = run([cli, "scopes"] + paths)
            check("scopes on a %s equals the seed (generated %d/%s)" % (form, seed, locale),
                  ours == seed_out and rc == 0,
                  "seed:\n%s\nours (rc %d):\n%s\n%s" % (seed_out.decode(), rc, ours.decode(), err.decode()))
            # The same takeout with every kind of bad entry: the same statistics,
            # exit status 1, and each bad file named on stderr.
            paths, m = generate(tmp, form, seed, locale, True)
            rc, ours, err = run([cli, "scopes", "--max-json-size", str(m["jsonLimit"])] + paths)
            bad = [e["name"] for e in m["entries"] if e.get("bad") and e.get("bad") != "not-a-post"]
            missing = [b for b in bad if b.encode() not in err]
            check("scopes on a %s with bad entries: same counts, each bad file named (generated %d/%s)" % (form, seed, locale),
                  ours == seed_out and rc == 1 and bad and not missing,
                  "rc %d; not named: %r\nstderr:\n%s\nstdout:\n%s" % (rc, missing, err.decode(), ours.decode()))
            if form == "zip" and seed == 1:
                # Nothing silently dropped (issue 12): a post that lost its
                # postAcl is still converted, with a warning that says so.
                rc, out, err = run([cli, "convert", "--jsonl", "--no-html"] + paths)
                lines = [json.loads(l) for l in out.decode().splitlines()]
                no_acl = [e["name"] for e in m["entries"] if e.get("bad") == "no-acl"]
                shown = {os.path.basename(o["entry"]): o for o in lines}
                lost = [n for n in no_acl if os.path.basename(n) not in shown
                        or not any("who the post was shared with" in w for w in shown[os.path.basename(n)]["warnings"])]
                check("convert --jsonl shows the posts without postAcl, with a warning (zip %d/%s)" % (seed, locale),
                      no_acl and not lost, "missing or unwarned: %r\n%s" % (lost, err.decode()[-500:]))

sys.exit(gpm_checks.finish())
