#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the app icons against what GNOME expects of them.

- every icon is well-formed SVG;
- the full-colour icons (normal and Devel) are drawn on a 128×128 canvas;
- the symbolic icon is 16×16, uses one colour only and fills (no strokes,
  no gradients, no opacity tricks), so GTK can recolour it for the theme;
- the Devel icon differs from the normal one.
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

import gpm_checks

SVG = '{http://www.w3.org/2000/svg}'


def size_of(root):
    return root.get('width'), root.get('height'), root.get('viewBox')


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), '..')
    icons = os.path.join(src, 'data', 'icons', 'hicolor')
    app = os.path.join(icons, 'scalable', 'apps', 'org.example.GPlusMigrate.svg')
    devel = os.path.join(icons, 'scalable', 'apps',
                         'org.example.GPlusMigrate.Devel.svg')
    symbolic = os.path.join(icons, 'symbolic', 'apps',
                            'org.example.GPlusMigrate-symbolic.svg')

    def check(desc, cond, detail=''):
        gpm_checks.check(cond, desc, detail)

    trees = {}
    for path in (app, devel, symbolic):
        name = os.path.relpath(path, src)
        try:
            trees[path] = ET.parse(path).getroot()
            check(f'{name} is well-formed SVG', trees[path].tag == SVG + 'svg')
        except (OSError, ET.ParseError) as e:
            check(f'{name} is well-formed SVG', False, str(e))

    for path in (app, devel):
        if path in trees:
            check(f'{os.path.basename(path)} is 128×128',
                  size_of(trees[path]) == ('128', '128', '0 0 128 128'),
                  repr(size_of(trees[path])))
    if symbolic in trees:
        root = trees[symbolic]
        check('symbolic icon is 16×16',
              size_of(root) == ('16', '16', '0 0 16 16'), repr(size_of(root)))
        text = open(symbolic, encoding='utf-8').read()
        colours = set(re.findall(r'#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b', text))
        check('symbolic icon uses one colour', len(colours) == 1,
              ', '.join(sorted(colours)))
        check('symbolic icon has no strokes, gradients or opacity',
              not re.search(r'stroke=|stroke:|Gradient|opacity', text))
    if app in trees and devel in trees:
        check('Devel icon differs from the normal icon',
              open(app, 'rb').read() != open(devel, 'rb').read())

    return gpm_checks.finish()


if __name__ == '__main__':
    sys.exit(main())
