#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check French typography in po/fr.po's translations.

French sets a narrow no-break space (U+202F) before ? ! ; and a no-break
space (U+00A0) before : — with a plain space the mark can be wrapped onto
a line of its own, alone at the start of the next line of a label.

Fails on a translation (msgstr) with a plain space before one of them.

Also checks every string and translation of po/*.po for a full stop right
after an ellipsis, markup between them or not ("press <b>Choose
Takeout…</b>."): the ellipsis is part of the button's name, the sentence
then seems to end twice; reword it so the name is not last.

Usage: check-po-typography.py [SOURCE_ROOT]
"""

import os
import re
import sys


def strings(path):
    """(line number, whole text) of each msgid, msgid_plural and msgstr,
    its continuation lines joined (a mark may start the next line)."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for m in re.finditer(r'^(?:msgid|msgid_plural|msgstr(?:\[\d+\])?) ((?:".*"\n?)+)', text, re.M):
        yield (text.count('\n', 0, m.start()) + 1,
               ''.join(re.findall(r'"(.*)"', m.group(1))))


def msgstrs(path):
    """(line number, text) of each msgstr line and its continuations."""
    in_str = False
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('msgstr'):
                in_str = True
            elif not line.startswith('"'):
                in_str = False
            if in_str:
                m = re.search(r'"(.*)"', line)
                if m:
                    yield lineno, m.group(1)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), '..'))
    path = os.path.join(root, 'po', 'fr.po')
    errors = []
    n = 0
    for lineno, text in msgstrs(path):
        n += 1
        for m in re.finditer(r' ([?!;:])', text):
            want = 'U+00A0' if m.group(1) == ':' else 'U+202F'
            errors.append(f'po/fr.po:{lineno}: a plain space before "{m.group(1)}" '
                          f'(French sets {want}): {text}')
    stops = []
    for name in sorted(os.listdir(os.path.join(root, 'po'))):
        if not name.endswith('.po'):
            continue
        for lineno, text in strings(os.path.join(root, 'po', name)):
            if re.search(r'…(?:</?[a-z]+>)*\.(?!\w)', text):
                stops.append(f'po/{name}:{lineno}: a full stop after an ellipsis: {text}')
    print('1..2')
    for e in errors + stops:
        print(f'# {e}')
        print(e, file=sys.stderr)
    status = 0
    if errors:
        print(f'not ok 1 - French punctuation spaced ({len(errors)} problems)')
        status = 1
    else:
        print(f'ok 1 - French punctuation spaced ({n} lines of translations)')
    if stops:
        print(f'not ok 2 - no full stop after an ellipsis ({len(stops)} problems)')
        status = 1
    else:
        print('ok 2 - no full stop after an ellipsis')
    return status


if __name__ == '__main__':
    sys.exit(main())
