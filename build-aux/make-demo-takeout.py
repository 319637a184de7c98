#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes data/demo/takeout-demo.zip: a small, realistic Google+ Stream Takeout
# (JSON format) for the README's demo run and for screenshots. The photos are
# made with ImageMagick's `convert` when it is there; the zip is committed, so
# users never need to run this.
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "demo", "takeout-demo.zip")
ME = {"displayName": "Alex Example", "resourceName": "users/104857600000000000001",
      "profilePageUrl": "https://plus.google.com/104857600000000000001",
      "avatarImageUrl": "https://lh3.googleusercontent.com/-demo/photo.jpg"}
POSTS_DIR = "Takeout/Google+ Stream/Posts/"

PUBLIC = {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_PUBLIC"}]}}
CIRCLES = {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_YOUR_CIRCLES"}]}}
EXTENDED = {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_EXTENDED_CIRCLES"}]}}
FAMILY = {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_USER_CIRCLE",
          "resourceName": "circles/104857600000000000001-3f9a1c0e8b7d2a61", "displayName": "Family"}]}}
CLIMBING = {"visibleToStandardAcl": {"circles": [{"type": "CIRCLE_TYPE_USER_CIRCLE",
          "resourceName": "circles/104857600000000000001-7c2e5b1a9f0d4e38", "displayName": "Climbing friends"}]}}
TO_SAM = {"visibleToStandardAcl": {"users": [{"resourceName": "users/109876543210987654321", "displayName": "Sam Rivera"}]}}
def community(cid, name):
    return {"communityAcl": {"community": {"resourceName": "communities/" + cid, "displayName": name}}}
PI = community("113390432655174294208", "Raspberry Pi")
TOWNS = community("103604153020461235235", "Alte Städte / Old Towns")
MIGRATION = community("112164273001338979772", "Google+ Mass Migration")
COLLECTION = {"collectionAcl": {"collection": {"resourceName": "collections/Qx9tLmWb3", "displayName": "Sourdough diaries"}}}
EVENT = {"eventAcl": {"event": {"resourceName": "events/c0demo8sn5u2k1", "displayName": "Summer barbecue 2017"}}}

def hashtag(t):
    return '<a rel="nofollow" class="ot-hashtag bidi_isolate" href="https://plus.google.com/s/%23{0}/posts">#{0}</a>'.format(t)

def mention(name, uid):
    return ('<span class="proflinkWrapper"><span class="proflinkPrefix">+</span>'
            '<a rel="nofollow" class="proflink" href="https://plus.google.com/{1}">{0}</a></span>').format(name, uid)

posts = [
    ("2011-07-02 09:14:03+0200", PUBLIC, "Hello Google+! Let&#39;s see what this circles thing is all about. " + hashtag("firstpost"), {}),
    ("2012-03-18 18:40:11+0100", PUBLIC, "<b>Finally</b> finished the bookshelf. Took <i>three</i> weekends and one trip to the emergency room (just a splinter, I promise).", {"photo": "bookshelf"}),
    ("2012-05-05 11:02:47+0200", FAMILY, "Grandma turns 90 today! Thank you all for the photos, I made an album.", {"album": ["cake", "garden", "family"]}),
    ("2012-09-21 21:15:00+0200", PI, "My first Raspberry Pi arrived. It runs a tiny weather station on the balcony now. " + hashtag("raspberrypi") + " " + hashtag("weather"), {"link": ("Raspberry Pi weather station guide", "https://projects.example.org/weather-station")}),
    ("2013-01-06 08:30:12+0100", PUBLIC, "New year&#39;s resolution list:<br><br>1. Read more books<br>2. Learn to bake bread<br>3. Stop starting lists I never finish", {}),
    ("2013-04-14 16:45:09+0200", TOWNS, "The old town of Quedlinburg: more than 2,000 timber-framed houses. " + hashtag("Fachwerk") + " " + hashtag("Quedlinburg"), {"photo": "quedlinburg", "location": ("Quedlinburg, Germany", "Markt, 06484 Quedlinburg, Germany", 51.7892, 11.1413)}),
    ("2013-08-30 19:22:31+0200", CLIMBING, "Who&#39;s in for Saturday at the crag? I can drive three people. Bring your own chalk 😄", {}),
    ("2014-02-11 12:00:00+0100", COLLECTION, "Day 12 of the starter: it finally smells like bread and not like feet. Recipe in the comments? No — recipe <b>right here</b>:<br>500 g flour, 350 g water, 100 g starter, 10 g salt.", {"photo": "bread"}),
    ("2014-06-01 10:10:10+0200", PUBLIC, "Reading " + mention("Sam Rivera", "109876543210987654321") + "&#39;s thoughts on privacy. Worth your time.", {"reshare": ("Sam Rivera", "Why privacy is a team sport", "https://blog.example.net/privacy-team-sport")}),
    ("2014-11-23 22:05:44+0100", EXTENDED, "Anyone know a good bike repair shop near the station?", {}),
    ("2015-03-14 15:09:26+0100", PUBLIC, "Happy π day! 3.14159265358979… " + hashtag("piday") + " " + hashtag("math"), {}),
    ("2015-07-19 13:37:00+0200", TO_SAM, "Sam, here are the notes from our call. Let me know what you think.", {}),
    ("2016-01-30 17:48:02+0100", PUBLIC, "Poll time! What should I cook for the club dinner?", {"poll": ["Lasagna", "Curry", "Tacos"]}),
    ("2016-09-09 09:09:09+0200", PI, "Version 2 of the weather station: now with a proper case and <s>duct tape</s> screws.", {"photo": "weather"}),
    ("2017-06-24 20:30:00+0200", EVENT, "Thanks for coming, everyone! Photos are up.", {"album": ["bbq", "sunset"]}),
    ("2017-12-24 18:00:00+0100", CIRCLES, "Merry Christmas to all my circles! 🎄", {}),
    ("2018-03-03 07:45:15+0100", PUBLIC, "Morning run along the river, −5 °C. My fingers are still cold. " + hashtag("running"), {"location": ("Riverside Park", "Riverside Drive, Example City", 52.5200, 13.4050)}),
    ("2018-07-15 20:43:51+0000", PUBLIC, "1 WTC", {"photo": "tower"}),
    ("2018-10-08 18:22:03+0200", MIGRATION, "Google+ is shutting down. I am moving to diaspora* — find me there! " + hashtag("plexodus"), {"link": ("The diaspora* project", "https://diasporafoundation.org/")}),
    ("2018-10-08 18:25:40+0200", PUBLIC, "Also: שלום and مرحبا to my new friends — testing right-to-left text ✓", {}),
    ("2019-01-20 11:11:11+0100", PUBLIC, "Last Google+ post. It was fun. See you on the other side.", {}),
]

COLORS = {"bookshelf": "sienna", "cake": "pink", "garden": "green", "family": "orange",
          "quedlinburg": "brown", "bread": "wheat", "weather": "skyblue", "bbq": "firebrick",
          "sunset": "darkorange", "tower": "steelblue"}

def make_jpeg(name, tmp):
    path = os.path.join(tmp, name + ".jpg")
    color = COLORS.get(name, "gray")
    try:
        subprocess.run(["convert", "-size", "640x426", "gradient:%s-white" % color,
                        "-quality", "70", path], check=True, capture_output=True)
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\xff\xd8":
            return data
    except (OSError, subprocess.CalledProcessError):
        pass
    raise SystemExit("make-demo-takeout: ImageMagick's convert is needed to draw the demo photos")

def media_entry(name):
    return {"url": "https://lh3.googleusercontent.com/-demo/%s.jpg" % name, "contentType": "image/*",
            "width": 640, "height": 426, "description": name.capitalize(),
            "resourceName": "media/demo-" + name, "localFilePath": name.capitalize() + ".jpg"}

def title_of(content):
    import html, re
    text = html.unescape(re.sub("<[^>]+>", " ", content)).strip()
    text = re.sub(r"\s+", " ", text)
    return (text[:39] or "Post").replace("/", "_")

rng = random.Random(42)
used = {}
with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
    for i, (when, acl, content, extra) in enumerate(posts):
        day = when[:10].replace("-", "")
        base = "%s - %s" % (day, title_of(content))
        n = used.get(base, 0)
        used[base] = n + 1
        fname = base + ("(%d)" % n if n else "") + ".json"
        pid = "UgdemoPost%03d" % i
        post = {"url": "https://plus.google.com/104857600000000000001/posts/" + pid,
                "creationTime": when, "updateTime": when, "author": ME, "content": content,
                "resourceName": "users/104857600000000000001/posts/" + pid, "postAcl": acl}
        if rng.random() < 0.6:
            post["plusOnes"] = [{"plusOner": {"displayName": "Friend %d" % k, "resourceName": "users/2%020d" % k}} for k in range(rng.randint(1, 9))]
        if rng.random() < 0.4:
            post["comments"] = [{"creationTime": when, "author": {"displayName": "Commenter"}, "content": "Nice one!",
                                 "resourceName": "users/1/posts/%s/comments/c%d" % (pid, k)} for k in range(rng.randint(1, 4))]
        photos = []
        if "photo" in extra:
            post["media"] = media_entry(extra["photo"])
            photos.append(extra["photo"])
        if "album" in extra:
            post["album"] = {"media": [media_entry(p) for p in extra["album"]]}
            photos += extra["album"]
        if "link" in extra:
            post["link"] = {"title": extra["link"][0], "url": extra["link"][1]}
        if "location" in extra:
            name, addr, lat, lon = extra["location"]
            post["location"] = {"displayName": name, "physicalAddress": addr, "latitude": lat, "longitude": lon}
        if "reshare" in extra:
            who, title, url = extra["reshare"]
            post["resharedPost"] = {"url": "https://plus.google.com/109876543210987654321/posts/UgSamPost1",
                                    "author": {"displayName": who, "resourceName": "users/109876543210987654321"},
                                    "content": "Privacy is not something you can do alone.",
                                    "link": {"title": title, "url": url},
                                    "resourceName": "users/109876543210987654321/posts/UgSamPost1"}
        if "poll" in extra:
            post["poll"] = {"choices": [{"description": c, "voteCount": rng.randint(0, 12),
                                         "resourceName": "polls/demo/choices/%d" % k} for k, c in enumerate(extra["poll"])],
                            "totalVotes": 17}
        z.writestr(POSTS_DIR + fname, json.dumps(post, ensure_ascii=False, indent=2))
        for p in photos:
            z.writestr(zipfile.ZipInfo(POSTS_DIR + p.capitalize() + ".jpg", date_time=(2019, 1, 25, 12, 0, 0)), make_jpeg(p, tmp))
            z.writestr(POSTS_DIR + p.capitalize() + ".jpg.metadata.csv",
                       "title,description,url,creation_time\n%s.jpg,%s,https://lh3.googleusercontent.com/-demo/%s.jpg,%s\n" % (p.capitalize(), p.capitalize(), p, when))
    z.writestr("Takeout/archive_browser.html", "<html><body>Takeout archive (demo)</body></html>\n")
print(OUT)
