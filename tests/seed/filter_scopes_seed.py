#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Part IV of the seed blog ("Visibility Scope & Filtering"), restored to what it
# clearly means: the lines lost in publication put back (the Visibility values,
# the else branches) and the event name read from the event, not from `user`.
# Python 3; output is UTF-8. Used only by the tests, as the reference.

import argparse
import json
import sys


class Visibility:
    PUBLIC = 'PUBLIC'
    CIRCLES = 'CIRCLES'
    EXTENDED = 'EXTENDED'
    CIRCLE = 'CIRCLE'
    USER = 'USER'
    COLLECTION = 'COLLECTION'
    COMMUNITY = 'COMMUNITY'
    EVENT = 'EVENT'


def parse_acl(acl):
    result = []

    # Post is public or has a visiblility defined by circles and/or users.
    if 'visibleToStandardAcl' in acl:
        if 'circles' in acl['visibleToStandardAcl']:
            for circle in acl['visibleToStandardAcl']['circles']:
                if circle['type'] == 'CIRCLE_TYPE_PUBLIC':
                    result.append((Visibility.PUBLIC, None, None))
                elif circle['type'] == 'CIRCLE_TYPE_YOUR_CIRCLES':
                    result.append((Visibility.CIRCLES, None, None))
                elif circle['type'] == 'CIRCLE_TYPE_EXTENDED_CIRCLES':
                    result.append((Visibility.EXTENDED, None, None))
                elif circle['type'] == 'CIRCLE_TYPE_USER_CIRCLE':
                    result.append((Visibility.CIRCLE, circle['resourceName'], circle.get('displayName', '')))
        if 'users' in acl['visibleToStandardAcl']:
            for user in acl['visibleToStandardAcl']['users']:
                result.append((Visibility.USER, user['resourceName'], user.get('displayName', '-')))

    # Post is part of a collection (could be public or private).
    if 'collectionAcl' in acl:
        collection = acl['collectionAcl']['collection']
        result.append((Visibility.COLLECTION, collection['resourceName'], collection.get('displayName', '-')))

    # Post is part of a community (could be public or closed).
    if 'communityAcl' in acl:
        community = acl['communityAcl']['community']
        result.append((Visibility.COMMUNITY, community['resourceName'], community.get('displayName', '-')))
        if 'users' in acl['communityAcl']:
            for user in acl['communityAcl']['users']:
                result.append((Visibility.USER, user['resourceName'], user.get('displayName', '-')))

    # Post is part of an event.
    if 'eventAcl' in acl:
        event = acl['eventAcl']['event']
        result.append((Visibility.EVENT, event['resourceName'], event.get('displayName', '-')))

    return result


parser = argparse.ArgumentParser(description='Filter G+ post JSON file by visibility')
parser.add_argument('--public', dest='scopes', action='append_const', const=Visibility.PUBLIC)
parser.add_argument('--circles', dest='scopes', action='append_const', const=Visibility.CIRCLES)
parser.add_argument('--ext-circles', dest='scopes', action='append_const', const=Visibility.EXTENDED)
parser.add_argument('--id', dest='scopes', action='append')

args = parser.parse_args()
scopes = frozenset(args.scopes) if args.scopes is not None else frozenset()

out = open(sys.stdout.fileno(), 'w', encoding='utf-8', closefd=False)
stats = {}
for filename in sys.stdin.readlines():
    filename = filename.strip()
    post = json.load(open(filename, encoding='utf-8'))
    acls = parse_acl(post['postAcl'])
    for acl in acls:
        if len(scopes) == 0:
            stats[acl] = stats.get(acl, 0) + 1
        else:
            if acl[0] in (Visibility.PUBLIC, Visibility.CIRCLES, Visibility.EXTENDED) and acl[0] in scopes:
                print(filename, file=out)
            elif acl[1] in scopes:
                print(filename, file=out)
if len(scopes) == 0:
    for item in sorted(stats.items(), reverse=True, key=lambda x: x[1]):
        if item[0][0] in (Visibility.PUBLIC, Visibility.CIRCLES, Visibility.EXTENDED):
            print('%d - %s' % (item[1], item[0][0]), file=out)
        else:
            print('%d - %s (%s):\t %s' % (item[1], item[0][0], item[0][2], item[0][1]), file=out)
out.flush()
