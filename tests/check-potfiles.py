#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings.

Fails when
  - a file under the scanned directories contains a gettext call (_( N_( C_(
    NC_( ngettext g_dngettext …) or a translatable="yes" attribute, or is a
    desktop entry / metainfo / GSettings schema template, and is listed
    neither in po/POTFILES.in nor in po/POTFILES.skip;
  - po/POTFILES.in lists a file that does not exist;
  - po/POTFILES.in lists a file twice.

Usage: check-potfiles.py [SOURCE_ROOT]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

SCAN_DIRS = ('src', 'data')
SOURCE_EXTS = ('.c', '.h', '.ui', '.blp', '.js', '.py')
# Files whose whole point is translatable text.
DATA_SUFFIXES = ('.desktop.in', '.desktop.in.in', '.metainfo.xml.in',
                 '.metainfo.xml.in.in', '.appdata.xml.in', '.gschema.xml',
                 '.gschema.xml.in')

GETTEXT_CALL = re.compile(
    r'(?<![A-Za-z0-9_])'
    r'(?:_|N_|C_|NC_|Q_|'
    r'g_dgettext|g_dcgettext|g_dngettext|g_dpgettext|g_dpgettext2|'
    r'gettext|dgettext|dcgettext|ngettext|dngettext|dcngettext|'
    r'pgettext|npgettext)'
    r'\s*\(')
TRANSLATABLE_ATTR = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')


def read_list(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('[') and ']' in line:
                # "[type: gettext/glade]path" syntax
                line = line.split(']', 1)[1].strip()
            entries.append((lineno, line))
    return entries


def has_translatable_strings(path):
    name = os.path.basename(path)
    if name.endswith(DATA_SUFFIXES):
        return True
    if not name.endswith(SOURCE_EXTS):
        return False
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except UnicodeDecodeError:
        return False
    if name.endswith(('.ui', '.blp')):
        return TRANSLATABLE_ATTR.search(text) is not None or '_(' in text
    # Skip the #include of the gettext header and macro definitions, which
    # mention the names without marking a string.
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('#define') or stripped.startswith('#include'):
            continue
        if GETTEXT_CALL.search(line):
            return True
    return False


def cut_strings(root, listed):
    """Translatable strings that xgettext sees cut short.

    A literal glued to a macro, as in _("%" G_GSIZE_FORMAT " bytes"), is
    extracted only up to the macro, so the catalogue holds a different
    string than the program looks up and it is never translated.
    """
    xgettext = shutil.which('xgettext')
    if xgettext is None:
        return None
    c_files = [p for p in listed if p.endswith(('.c', '.h'))
               and os.path.isfile(os.path.join(root, p))]
    if not c_files:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'check.pot')
        subprocess.run(
            [xgettext, '--from-code=UTF-8', '--language=C',
             '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2',
             '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3',
             '--keyword=ngettext:1,2', '--keyword=g_dpgettext2:2c,3',
             '-D', root, '-o', pot] + c_files,
            capture_output=True, text=True)
        text = open(pot, encoding='utf-8').read() if os.path.exists(pot) else ''
    problems = []
    # Entries: "#: file:line" references, then msgid "..." (maybe continued).
    for block in text.split('\n\n'):
        refs = ' '.join(l[3:] for l in block.splitlines() if l.startswith('#:'))
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        if re.search(r'(?<!%)(?:%%)*%$', msgid):
            problems.append(f'{refs}: the string "{msgid}" is cut short by a '
                            f'macro (print the number with %lu and a cast, '
                            f'or format it first)')
    return problems


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), '..'))
    potfiles = read_list(os.path.join(root, 'po', 'POTFILES.in'))
    skipped = {p for _, p in read_list(os.path.join(root, 'po', 'POTFILES.skip'))}
    errors = []

    listed = {}
    for lineno, path in potfiles:
        if path in listed:
            errors.append(f'po/POTFILES.in:{lineno}: {path} is listed twice '
                          f'(first on line {listed[path]})')
        listed.setdefault(path, lineno)
        if not os.path.isfile(os.path.join(root, path)):
            errors.append(f'po/POTFILES.in:{lineno}: {path} does not exist')

    scanned = 0
    for top in SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for filename in sorted(filenames):
                full = os.path.join(dirpath, filename)
                rel = os.path.relpath(full, root).replace(os.sep, '/')
                scanned += 1
                if rel in listed or rel in skipped:
                    continue
                if has_translatable_strings(full):
                    errors.append(f'{rel}: has translatable strings but is '
                                  f'missing from po/POTFILES.in')

    failed = 0
    print('1..2')
    if errors:
        failed += 1
        for e in errors:
            print(f'# {e}')
            print(e, file=sys.stderr)
        print(f'not ok 1 - POTFILES.in is complete ({len(errors)} problems, '
              f'{scanned} files scanned)')
    else:
        print(f'ok 1 - POTFILES.in is complete ({len(listed)} listed, '
              f'{scanned} files scanned)')

    cut = cut_strings(root, list(listed))
    if cut is None:
        print('ok 2 # SKIP xgettext not found')
    elif cut:
        failed += 1
        for e in cut:
            print(f'# {e}')
            print(e, file=sys.stderr)
        print('not ok 2 - no translatable string is cut short by a macro')
    else:
        print('ok 2 - no translatable string is cut short by a macro')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
