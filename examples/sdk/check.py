"""Checks that `iktag sandbox` works with the official Python SDK, imagekitio 5.x.

Needs a fresh sandbox seeded with tests/fixtures/small-library.json, and the two
variables the sandbox prints on start-up:
  IMAGE_KIT_BASE_URL=http://127.0.0.1:PORT
  IMAGEKIT_PRIVATE_KEY=private_...
The SDK reads both itself (`ImageKit()`). The script changes the library (it updates,
tags and deletes files), so run it once per fresh sandbox. examples/sdk/run.sh does all
of that.

Prints one PASS/FAIL line per check and exits 1 if any check failed.
"""

import base64
import json
import os
import sys
import time
import traceback
import urllib.parse
import urllib.request
from datetime import datetime, timezone

from imagekitio import (
    AuthenticationError,
    BadRequestError,
    ImageKit,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    omit,
)

# The six files of tests/fixtures/small-library.json, in createdAt order.
A1 = "6500000000000000000000a1"  # red-jacket-front.jpg  /products/jackets/  tags jacket,summer-sale,red  AI Jacket,Sleeve  1450000 B
A2 = "6500000000000000000000a2"  # red-jacket-back.jpg   /products/jackets/  tags jacket,"Summer Sale"                1380000 B  coords 10,10,100,100
A3 = "6500000000000000000000a3"  # logo.png              /brand/             no tags  AI Logo  private                20480 B
A4 = "6500000000000000000000a4"  # lookbook-2023.pdf     /docs/              tags lookbook  non-image              5242880 B
A5 = "6500000000000000000000a5"  # Hiker on ridge.webp   /blog/2023/         tags summersale,hiking  AI Mountain     240000 B
A6 = "6500000000000000000000a6"  # avatar-jane.jpg       /users/avatars/     tags avatar  AI Person                   18000 B
ALL = [A1, A2, A3, A4, A5, A6]
UNKNOWN = "6500000000000000000000ff"  # well-formed, not in the library

BASE = os.environ.get("IMAGE_KIT_BASE_URL")
KEY = os.environ.get("IMAGEKIT_PRIVATE_KEY")
if not BASE or not KEY:
    print("Set IMAGE_KIT_BASE_URL and IMAGEKIT_PRIVATE_KEY (the sandbox prints both on start-up).", file=sys.stderr)
    sys.exit(2)

# The script deletes files by id: refuse anything but a sandbox on this machine.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
if urllib.parse.urlsplit(BASE).hostname not in LOOPBACK and os.environ.get("IKTAG_SDK_CHECK_ANY_HOST") != "1":
    print(f"Refusing to run against {BASE}: not a loopback address (IKTAG_SDK_CHECK_ANY_HOST=1 overrides).", file=sys.stderr)
    sys.exit(2)

client = ImageKit()  # reads both variables from the environment

results = {"passed": 0, "failed": 0}


def check(name):
    """Decorator: runs the function at once and records PASS/FAIL."""

    def run(fn):
        try:
            fn()
            results["passed"] += 1
            print(f"PASS python {name}", flush=True)
        except Exception:  # noqa: BLE001 - report every failure and go on
            results["failed"] += 1
            print(f"FAIL python {name}: {traceback.format_exc()}", flush=True)
        return fn

    return run


def raises(cls, fn):
    """Calls fn, expects it to raise `cls`, returns the exception."""
    try:
        fn()
    except cls as e:
        return e
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"expected {cls.__name__}, got {type(e).__name__}: {e}") from e
    raise AssertionError(f"expected {cls.__name__}, but the call succeeded")


def eq(actual, expected, what=""):
    assert actual == expected, f"{what}: expected {expected!r}, got {actual!r}"


def ids(items):
    return [f.file_id for f in items]


def ai_names(f):
    return [t.name for t in (f.ai_tags or [])]


def set_faults(cfg):
    """Changes the sandbox's fault settings (PUT /_sandbox/faults, Basic auth with the key)."""
    url = BASE.rstrip("/") + "/_sandbox/faults"
    auth = base64.b64encode(f"{KEY}:".encode()).decode()
    req = urllib.request.Request(
        url,
        data=json.dumps(cfg).encode(),
        method="PUT",
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        eq(r.status, 200, f"PUT /_sandbox/faults {cfg}")


# ---------------------------------------------------------------------------------------
# List and search: client.assets.list


@check("assets.list() returns the whole library in createdAt order")
def _():
    items = client.assets.list()
    assert isinstance(items, list), f"expected a list, got {type(items).__name__}: {items!r:.200}"
    eq(ids(items), ALL, "ids")
    eq(items[0].name, "red-jacket-front.jpg", "name")
    eq(items[0].type, "file", "type")
    eq(type(items[0]).__name__, "File", "model")


@check("assets.list(limit, skip) pages")
def _():
    eq(ids(client.assets.list(limit=2, skip=1)), [A2, A3])
    eq(ids(client.assets.list(limit=2, skip=5)), [A6])
    eq(ids(client.assets.list(limit=2, skip=6)), [])


@check("assets.list(path) lists one folder")
def _():
    eq(ids(client.assets.list(path="/products/jackets/")), [A1, A2])


@check("assets.list(sort) sorts")
def _():
    eq(ids(client.assets.list(sort="DESC_CREATED", limit=1)), [A6])
    eq(ids(client.assets.list(sort="ASC_SIZE", limit=2)), [A6, A3])
    eq(ids(client.assets.list(path="/products/jackets/", sort="ASC_NAME")), [A2, A1])


@check('assets.list(type="file") returns files only')
def _():
    items = client.assets.list(type="file")
    eq(ids(items), ALL)
    assert all(f.type == "file" for f in items)


@check("assets.list(search_query) filters: tags IN")
def _():
    eq(ids(client.assets.list(search_query='tags IN ["summer-sale"]')), [A1])


@check("assets.list(search_query) filters: name begins-with")
def _():
    eq(ids(client.assets.list(search_query='name : "red-jacket"')), [A1, A2])


@check("assets.list(search_query) filters: a quoted value with spaces")
def _():
    eq(ids(client.assets.list(search_query='name = "Hiker on ridge.webp"')), [A5])


@check("assets.list(search_query) filters: AND, numbers and format")
def _():
    eq(ids(client.assets.list(search_query='width > 1000 AND format = "jpg"')), [A1, A2])


@check("assets.list(search_query) filters: dates, sizes, OR, booleans")
def _():
    eq(ids(client.assets.list(search_query='createdAt > "2023-01-01"')), [A4, A5, A6])
    eq(ids(client.assets.list(search_query='size < "25kb"')), [A3, A6])
    eq(ids(client.assets.list(search_query='(tags IN ["avatar"]) OR (private = true)')), [A3, A6])


@check("assets.list(search_query, path, sort, limit, skip) combines them")
def _():
    q = dict(search_query="size > 1000", path="/products/jackets/", sort="DESC_SIZE", limit=1)
    eq(ids(client.assets.list(**q, skip=0)), [A1])
    eq(ids(client.assets.list(**q, skip=1)), [A2])


@check("assets.list: a malformed search_query is a BadRequestError")
def _():
    e = raises(BadRequestError, lambda: client.assets.list(search_query="name = "))
    eq(e.status_code, 400)
    assert isinstance(e.body.get("message"), str), e.body


@check("assets.list: limit=0 is a BadRequestError")
def _():
    e = raises(BadRequestError, lambda: client.assets.list(limit=0))
    assert "limit" in e.body["message"], e.body


# ---------------------------------------------------------------------------------------
# Get, update


@check("files.get returns the file details")
def _():
    f = client.files.get(A1)
    eq(f.file_id, A1)
    eq(f.name, "red-jacket-front.jpg")
    eq(f.file_path, "/products/jackets/red-jacket-front.jpg")
    eq(f.tags, ["jacket", "summer-sale", "red"])
    eq(ai_names(f), ["Jacket", "Sleeve"])
    eq(f.width, 2000)
    eq(f.height, 3000)
    eq(f.created_at, datetime(2021, 3, 1, 10, 0, tzinfo=timezone.utc))


@check("files.get of an unknown id is a NotFoundError")
def _():
    e = raises(NotFoundError, lambda: client.files.get(UNKNOWN))
    eq(e.status_code, 404)
    eq(e.body["message"], "The requested file does not exist.")


@check("files.get of a malformed id is a BadRequestError")
def _():
    raises(BadRequestError, lambda: client.files.get("not-an-id"))


@check("files.update sets tags, customCoordinates, removeAITags and runs google-auto-tagging")
def _():
    f = client.files.update(
        A1,
        tags=["tag1", "tag2"],
        custom_coordinates="10,10,100,100",
        remove_ai_tags=["Sleeve"],
        extensions=[{"name": "google-auto-tagging", "max_tags": 5, "min_confidence": 95}],
    )
    eq(f.file_id, A1)
    eq(f.tags, ["tag1", "tag2"])
    eq(f.custom_coordinates, "10,10,100,100")
    assert not any(t.name == "Sleeve" and t.source == "aws-auto-tagging" for t in f.ai_tags or []), f.ai_tags
    assert f.extension_status is not None, "extensionStatus missing"
    eq(f.extension_status.google_auto_tagging, "success", "extensionStatus")
    google = [t for t in f.ai_tags or [] if t.source == "google-auto-tagging"]
    assert 1 <= len(google) <= 6, google
    fresh = [t for t in google if t.name != "Jacket"]  # Jacket (97.12) came with the seed
    assert len(fresh) <= 5, f"maxTags 5: {fresh}"
    assert all(t.confidence >= 95 for t in fresh), f"minConfidence 95: {fresh}"

    again = client.files.get(A1)
    eq(again.tags, ["tag1", "tag2"])
    eq(again.custom_coordinates, "10,10,100,100")
    eq(again.ai_tags, f.ai_tags)


@check('files.update with remove_ai_tags="all" clears AI tags')
def _():
    f = client.files.update(A3, remove_ai_tags="all")
    eq(f.ai_tags or [], [])
    eq(f.extension_status, None)


@check("files.update with tags=None and custom_coordinates=None unsets them")
def _():
    f = client.files.update(A2, tags=None, custom_coordinates=None)
    eq(f.tags or [], [])
    eq(f.custom_coordinates, None)
    client.files.update(A2, tags=["jacket", "Summer Sale"], custom_coordinates="10,10,100,100")


@check("custom_metadata_fields.create + files.update custom_metadata")
def _():
    field = client.custom_metadata_fields.create(name="brand", label="Brand", schema={"type": "Text"})
    eq(field.name, "brand")
    f = client.files.update(A6, custom_metadata={"brand": "Nike"})
    eq(f.custom_metadata, {"brand": "Nike"})
    e = raises(BadRequestError, lambda: client.files.update(A6, custom_metadata={"nope": 1}))
    eq(e.body["message"], "Invalid custom metadata.")


@check("files.update of an unknown id is a NotFoundError")
def _():
    raises(NotFoundError, lambda: client.files.update(UNKNOWN, tags=["x"]))


# ---------------------------------------------------------------------------------------
# Bulk tag calls


@check("files.bulk.add_tags adds tags")
def _():
    res = client.files.bulk.add_tags(file_ids=[A4, A5], tags=["sale", "new"])
    eq(sorted(res.successfully_updated_file_ids), [A4, A5])
    eq(getattr(res, "errors", None), None, "errors")
    eq(client.files.get(A4).tags, ["lookbook", "sale", "new"])
    eq(client.files.get(A5).tags, ["summersale", "hiking", "sale", "new"])


@check("files.bulk.remove_tags removes tags")
def _():
    res = client.files.bulk.remove_tags(file_ids=[A4, A5], tags=["sale", "hiking"])
    eq(sorted(res.successfully_updated_file_ids), [A4, A5])
    eq(client.files.get(A4).tags, ["lookbook", "new"])
    eq(client.files.get(A5).tags, ["summersale", "new"])


@check("files.bulk.remove_ai_tags removes AI tags")
def _():
    res = client.files.bulk.remove_ai_tags(file_ids=[A5, A6], ai_tags=["Mountain", "Person"])
    eq(sorted(res.successfully_updated_file_ids), [A5, A6])
    eq(ai_names(client.files.get(A5)), [])
    eq(ai_names(client.files.get(A6)), [])


@check("bulk call with an unknown id: NotFoundError with body missingFileIds, nothing changed")
def _():
    e = raises(NotFoundError, lambda: client.files.bulk.add_tags(file_ids=[A4, UNKNOWN], tags=["never"]))
    eq(e.status_code, 404)
    eq(e.body["missingFileIds"], [UNKNOWN])
    eq(e.body["message"], "The requested file(s) does not exist.")
    assert "never" not in client.files.get(A4).tags
    for call in (
        lambda: client.files.bulk.remove_tags(file_ids=[UNKNOWN], tags=["x"]),
        lambda: client.files.bulk.remove_ai_tags(file_ids=[UNKNOWN], ai_tags=["x"]),
        lambda: client.files.bulk.delete(file_ids=[A4, UNKNOWN]),
    ):
        eq(raises(NotFoundError, call).body["missingFileIds"], [UNKNOWN])
    client.files.get(A4)  # bulk delete deleted nothing


@check("bulk call with 51 file_ids is a BadRequestError")
def _():
    many = [format(i, "024x") for i in range(51)]
    e = raises(BadRequestError, lambda: client.files.bulk.add_tags(file_ids=many, tags=["x"]))
    eq(e.status_code, 400)
    eq(e.body["message"], "A maximum of 50 files can be edited at a time.")
    too_many = [format(i, "024x") for i in range(101)]
    e2 = raises(BadRequestError, lambda: client.files.bulk.delete(file_ids=too_many))
    eq(e2.body["message"], "fileIds cannot have more than 100 items.")


# ---------------------------------------------------------------------------------------
# Auth errors


@check("no Authorization header is an AuthenticationError (401)")
def _():
    # The SDK always sends the key it has; `omit` explicitly leaves the header out.
    e = raises(AuthenticationError, lambda: client.files.get(A1, extra_headers={"Authorization": omit}))
    eq(e.status_code, 401)
    eq(e.body["message"], "Your request does not contain private API key.")


@check("a wrong key is a PermissionDeniedError (403)")
def _():
    wrong = ImageKit(private_key="private_not_the_sandbox_key")
    e = raises(PermissionDeniedError, lambda: wrong.assets.list(limit=1))
    eq(e.status_code, 403)
    eq(e.body["message"], "Your account cannot be authenticated.")
    raises(PermissionDeniedError, lambda: wrong.files.bulk.add_tags(file_ids=[A1], tags=["x"]))


@check("any password is accepted (only the username is the key)")
def _():
    eq(ImageKit(password="anything").files.get(A1).file_id, A1)


# ---------------------------------------------------------------------------------------
# Faults: 207 and 429


@check("207 partial failure returns with errors (failRate 1.0)")
def _():
    set_faults({"failRate": 1.0})
    try:
        raw = client.files.bulk.with_raw_response.add_tags(file_ids=[A4, A5], tags=["x"])
        eq(raw.status_code, 207, "status")
        res = raw.parse()
        eq(res.successfully_updated_file_ids, [])
        eq(sorted(e["fileId"] for e in res.errors), [A4, A5])
        assert all(isinstance(e["error"], str) and e["error"] for e in res.errors), res.errors

        rm = client.files.bulk.remove_ai_tags(file_ids=[A4], ai_tags=["x"])
        eq(rm.successfully_updated_file_ids, [])
        eq(len(rm.errors), 1)

        d = client.files.bulk.delete(file_ids=[A4, A5])
        eq(d.successfully_deleted_file_ids, [])
        eq(sorted(e["fileId"] for e in d.errors), [A4, A5])
    finally:
        set_faults({})
    assert "x" not in client.files.get(A4).tags, "a failed file must not change"
    client.files.get(A5)  # not deleted


@check("429 ends as RateLimitError (max_retries=0) with X-RateLimit-* headers")
def _():
    set_faults({"rateLimit": 1})
    try:
        fast = client.with_options(max_retries=0)

        def burst():
            for _ in range(5):
                fast.assets.list(limit=1)

        e = raises(RateLimitError, burst)
        eq(e.status_code, 429)
        h = e.response.headers
        eq(h.get("x-ratelimit-limit"), "1")
        assert int(h.get("x-ratelimit-reset", "0")) > 0, "X-RateLimit-Reset"
        eq(h.get("x-ratelimit-interval"), "1000")
        assert isinstance(e.body.get("message"), str), e.body
    finally:
        set_faults({})


@check("429 is retried by the SDK (default max_retries 2) and recovers once the window resets")
def _():
    set_faults({"rateLimit": 1})
    try:
        client.assets.list(limit=1)  # uses the one request of this second
        started = time.monotonic()
        eq(len(client.assets.list(limit=1)), 1)  # 429, 429, then a new window
        assert time.monotonic() - started >= 0.3, "should have waited for retries"
    finally:
        set_faults({})


@check("5xx (errorRate 1.0) ends as InternalServerError (max_retries=0)")
def _():
    set_faults({"errorRate": 1.0, "rngSeed": 7})
    try:
        e = raises(InternalServerError, lambda: client.with_options(max_retries=0).files.get(A1))
        assert e.status_code in (500, 502, 503), e.status_code
        assert isinstance(e.body.get("message"), str), e.body
    finally:
        set_faults({})


# ---------------------------------------------------------------------------------------
# Delete


@check("files.delete deletes one file (204)")
def _():
    # Python sends Content-Type: application/json on this body-less DELETE.
    raw = client.files.with_raw_response.delete(A4)
    eq(raw.status_code, 204, "status")
    eq(raw.parse(), None)
    eq(raw.http_response.content, b"")
    eq(raw.http_request.headers.get("content-type"), "application/json", "request content-type")
    raises(NotFoundError, lambda: client.files.get(A4))
    raises(NotFoundError, lambda: client.files.delete(A4))


@check("files.bulk.delete deletes files")
def _():
    res = client.files.bulk.delete(file_ids=[A5, A6])
    eq(sorted(res.successfully_deleted_file_ids), [A5, A6])
    eq(getattr(res, "errors", None), None, "errors")
    eq(ids(client.assets.list()), [A1, A2, A3])


print(f"python: {results['passed']} passed, {results['failed']} failed")
sys.exit(0 if results["failed"] == 0 else 1)
