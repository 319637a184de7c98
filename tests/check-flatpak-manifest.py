#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check Flatpak manifests: valid JSON, every source pinned, sandbox minimal.

For each manifest given on the command line (default: the top-level
org.example.GPlusMigrate.json) this checks that
  - the file is valid JSON with id/app-id, runtime, runtime-version, sdk,
    command and modules;
  - the runtime is org.gnome.Platform with the matching org.gnome.Sdk;
  - every source of every module (nested modules and modules kept in their
    own JSON file included) is pinned: git sources name a commit and a tag,
    archive and file sources carry a sha256 (or sha512), and local sources
    (dir, patch, file with a path) stay inside the project;
  - the app module is built with meson and runs its tests;
  - finish-args are the minimal set: Wayland with X11 fallback, network,
    IPC, DRI, and no blanket file-system or session-bus access.

Output is TAP, one test per manifest.
"""

import json
import os
import re
import sys

REQUIRED_KEYS = ('runtime', 'runtime-version', 'sdk', 'command', 'modules')
REQUIRED_FINISH_ARGS = {
    '--share=network', '--share=ipc', '--socket=wayland',
    '--socket=fallback-x11', '--device=dri',
}
FORBIDDEN_FINISH_ARGS = re.compile(
    r'^--(?:filesystem=(?:home|host|host-os|host-etc|~)(?::\w+)?$'
    r'|filesystem=/$'
    r'|socket=session-bus$|socket=system-bus$|socket=x11$'
    r'|device=all$|talk-name=org\.freedesktop\.secrets$'
    r'|talk-name=org\.freedesktop\.Flatpak$)')
HEX = re.compile(r'^[0-9a-f]+$')
MESON_BUILTIN_OPTIONS = {
    'prefix', 'bindir', 'datadir', 'libdir', 'libexecdir', 'localedir',
    'sysconfdir', 'buildtype', 'debug', 'optimization', 'b_lto', 'b_ndebug',
    'b_sanitize', 'werror', 'warning_level', 'default_library', 'strip',
}


def project_options(project_root):
    """Names of the options meson_options.txt (or meson.options) defines."""
    names = set()
    for name in ('meson_options.txt', 'meson.options'):
        path = os.path.join(project_root, name)
        if os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                names.update(re.findall(r"option\s*\(\s*'([^']+)'", f.read()))
    return names


def check_source(src, where, base_dir, project_root, errors):
    if isinstance(src, str):
        # A source kept in its own JSON file
        path = os.path.normpath(os.path.join(base_dir, src))
        if not os.path.isfile(path):
            errors.append(f'{where}: source file {src} does not exist')
            return
        try:
            with open(path, encoding='utf-8') as f:
                data = json.load(f)
        except ValueError as e:
            errors.append(f'{where}: {src} is not valid JSON: {e}')
            return
        for i, s in enumerate(data if isinstance(data, list) else [data]):
            check_source(s, f'{src}[{i}]', os.path.dirname(path),
                         project_root, errors)
        return
    if not isinstance(src, dict) or 'type' not in src:
        errors.append(f'{where}: a source must be an object with a "type"')
        return
    kind = src['type']
    if kind == 'git':
        commit = src.get('commit', '')
        if not (len(commit) == 40 and HEX.match(commit)):
            errors.append(f'{where}: git source {src.get("url")} is not pinned '
                          f'to a full commit id')
        if not src.get('tag'):
            errors.append(f'{where}: git source {src.get("url")} names no tag')
        if src.get('branch'):
            errors.append(f'{where}: git source {src.get("url")} follows a '
                          f'branch')
    elif kind in ('archive', 'file'):
        if 'url' in src:
            sha256 = src.get('sha256', '')
            sha512 = src.get('sha512', '')
            if not ((len(sha256) == 64 and HEX.match(sha256)) or
                    (len(sha512) == 128 and HEX.match(sha512))):
                errors.append(f'{where}: {kind} source {src["url"]} has no '
                              f'sha256')
            if not src['url'].startswith('https://'):
                errors.append(f'{where}: {src["url"]} is not fetched over '
                              f'HTTPS')
        elif 'path' in src:
            check_local(src['path'], where, base_dir, project_root, errors)
        else:
            errors.append(f'{where}: {kind} source has neither url nor path')
    elif kind in ('dir', 'patch'):
        paths = src.get('paths') or [src.get('path')]
        for p in paths:
            if not p:
                errors.append(f'{where}: {kind} source has no path')
            else:
                check_local(p, where, base_dir, project_root, errors)
    elif kind in ('script', 'shell', 'inline'):
        pass
    else:
        errors.append(f'{where}: source type "{kind}" cannot be checked for '
                      f'pinning')


def check_local(path, where, base_dir, project_root, errors):
    full = os.path.realpath(os.path.join(base_dir, path))
    root = os.path.realpath(project_root)
    if full != root and not full.startswith(root + os.sep):
        errors.append(f'{where}: local source {path} is outside the project')
    elif not os.path.exists(full):
        errors.append(f'{where}: local source {path} does not exist')


def check_modules(modules, where, base_dir, project_root, errors, names):
    for i, module in enumerate(modules):
        if isinstance(module, str):
            path = os.path.normpath(os.path.join(base_dir, module))
            if not os.path.isfile(path):
                errors.append(f'{where}[{i}]: module file {module} does not '
                              f'exist')
                continue
            try:
                with open(path, encoding='utf-8') as f:
                    module = json.load(f)
            except ValueError as e:
                errors.append(f'{where}[{i}]: {module} is not valid JSON: {e}')
                continue
            mod_dir = os.path.dirname(path)
        else:
            mod_dir = base_dir
        if not isinstance(module, dict) or not module.get('name'):
            errors.append(f'{where}[{i}]: a module must be an object with a '
                          f'name')
            continue
        name = module['name']
        names.append(name)
        sources = module.get('sources', [])
        if not sources:
            errors.append(f'module {name}: has no sources')
        for j, src in enumerate(sources):
            check_source(src, f'module {name} source {j}', mod_dir,
                         project_root, errors)
        check_modules(module.get('modules', []), f'module {name} modules',
                      mod_dir, project_root, errors, names)


def check_manifest(path, project_root):
    errors = []
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        return [f'{path}: not valid JSON: {e}']

    app_id = manifest.get('id') or manifest.get('app-id')
    if not app_id:
        errors.append('no "id" (or "app-id")')
    elif os.path.basename(path) != app_id + '.json':
        errors.append(f'file name does not match the app id {app_id}')
    for key in REQUIRED_KEYS:
        if key not in manifest:
            errors.append(f'no "{key}"')
    if manifest.get('runtime') != 'org.gnome.Platform':
        errors.append('runtime is not org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        errors.append('sdk is not org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not re.match(r'^\d+$', version):
        errors.append(f'runtime-version "{version}" is not a stable GNOME '
                      f'release')

    finish_args = manifest.get('finish-args', [])
    missing = REQUIRED_FINISH_ARGS - set(finish_args)
    if missing:
        errors.append(f'finish-args lack {", ".join(sorted(missing))}')
    for arg in finish_args:
        if FORBIDDEN_FINISH_ARGS.match(arg):
            errors.append(f'finish-args grant too much: {arg}')

    names = []
    base_dir = os.path.dirname(os.path.abspath(path))
    check_modules(manifest.get('modules', []), 'modules', base_dir,
                  project_root, errors, names)

    modules = [m for m in manifest.get('modules', []) if isinstance(m, dict)]
    app = modules[-1] if modules else None
    if app is None:
        errors.append('the last module (the app) is missing')
    else:
        if app.get('buildsystem') != 'meson':
            errors.append(f'app module {app.get("name")} is not built with '
                          f'meson')
        if app.get('run-tests') is not True:
            errors.append(f'app module {app.get("name")} does not run its '
                          f'tests')
        known = project_options(project_root)
        for opt in app.get('config-opts', []):
            m = re.match(r'^-D([A-Za-z0-9_.:-]+)=', opt)
            if m and ':' not in m.group(1) and m.group(1) not in known \
                    and m.group(1) not in MESON_BUILTIN_OPTIONS:
                errors.append(f'app module config-opts set {m.group(1)}, '
                              f'which meson_options.txt does not define')
    if len(names) != len(set(names)):
        errors.append('two modules share a name')
    return errors


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    project_root = os.path.abspath(os.path.join(here, '..'))
    manifests = sys.argv[1:] or [
        os.path.join(project_root, 'org.example.GPlusMigrate.json')]
    failed = 0
    print(f'1..{len(manifests)}')
    for n, path in enumerate(manifests, 1):
        errors = check_manifest(path, project_root)
        name = os.path.relpath(path, project_root)
        if errors:
            failed += 1
            for e in errors:
                print(f'# {name}: {e}')
                print(f'{name}: {e}', file=sys.stderr)
            print(f'not ok {n} - {name}')
        else:
            print(f'ok {n} - {name} is valid and pinned')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
