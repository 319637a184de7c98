#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GUI starts its GTask workers with gpm_task_run_in_thread(), never
g_task_run_in_thread(): GTask's worker may hold the last reference to the
task and so finalize its source object (a window, a page) off the main
thread, where WebKit aborts (docs/HACKING.md, Threads).

Usage: check-gui-workers.py SOURCE_ROOT
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpm_checks import check, finish  # noqa: E402

CALL = re.compile(r'(?<![A-Za-z0-9_])g_task_run_in_thread(?:_sync)?\s*\(')


def main():
    gui = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '.', 'src', 'gui')
    names = sorted(n for n in os.listdir(gui) if n.endswith('.c'))
    check(len(names) > 0, 'src/gui has C files', gui)
    for name in names:
        with open(os.path.join(gui, name), encoding='utf-8') as f:
            lines = [n for n, line in enumerate(f, 1) if CALL.search(line)]
        check(not lines, 'src/gui/%s: no g_task_run_in_thread()' % name,
              'line %s: use gpm_task_run_in_thread()' % ', '.join(map(str, lines)))
    return finish()


if __name__ == '__main__':
    sys.exit(main())
