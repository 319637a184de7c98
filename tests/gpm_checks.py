# SPDX-License-Identifier: GPL-3.0-or-later
# What the check-*.py tests share: their TAP output (meson's protocol 'tap':
# results collected as they come, printed at the end, the diagnostics of a
# failure as "# " lines under it) and starting the pod double in another
# process. Imported from the script's own folder (tests/).
import subprocess

_results = []


def check(good, name, detail=None):
    """Records one result; returns @good, so a test can go on only if it held."""
    _results.append((bool(good), name, detail))
    return good


def finish():
    """Prints the plan and every result; the exit status: 1 if one failed."""
    print("1..%d" % len(_results))
    failed = 0
    for n, (good, name, detail) in enumerate(_results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", n, name))
        if not good:
            failed += 1
            for line in str(detail or "").splitlines():
                print("# " + line)
    return 1 if failed else 0


def start_pod(pod_tool, env, *args):
    """Starts tests/gpm-test-pod-tool --watch-stdin ARGS (it stops when its
    stdin is closed); returns (process, its URL, the other lines it printed)
    once it says it is ready."""
    proc = subprocess.Popen([pod_tool, "--watch-stdin", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, text=True)
    url = None
    said = []
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("url "):
            url = line[4:]
        elif line == "ready":
            break
        else:
            said.append(line)
    return proc, url, said
