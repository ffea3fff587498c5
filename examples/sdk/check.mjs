// Checks that `iktag sandbox` works with the official Node SDK, @imagekit/nodejs 7.x.
//
// Needs a fresh sandbox seeded with tests/fixtures/small-library.json, and the two
// variables the sandbox prints on start-up:
//   IMAGE_KIT_BASE_URL=http://127.0.0.1:PORT
//   IMAGEKIT_PRIVATE_KEY=private_...
// The SDK reads both itself (`new ImageKit()`). The script changes the library (it
// updates, tags and deletes files), so run it once per fresh sandbox.
// examples/sdk/run.sh does all of that.
//
// Prints one PASS/FAIL line per check and exits 1 if any check failed.

import ImageKit, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '@imagekit/nodejs';
import assert from 'node:assert/strict';

// The six files of tests/fixtures/small-library.json, in createdAt order.
const A1 = '6500000000000000000000a1'; // red-jacket-front.jpg  /products/jackets/  tags jacket,summer-sale,red  AI Jacket,Sleeve  1450000 B
const A2 = '6500000000000000000000a2'; // red-jacket-back.jpg   /products/jackets/  tags jacket,"Summer Sale"                1380000 B  coords 10,10,100,100
const A3 = '6500000000000000000000a3'; // logo.png              /brand/             no tags  AI Logo  private                20480 B
const A4 = '6500000000000000000000a4'; // lookbook-2023.pdf     /docs/              tags lookbook  non-image              5242880 B
const A5 = '6500000000000000000000a5'; // Hiker on ridge.webp   /blog/2023/         tags summersale,hiking  AI Mountain     240000 B
const A6 = '6500000000000000000000a6'; // avatar-jane.jpg       /users/avatars/     tags avatar  AI Person                   18000 B
const ALL = [A1, A2, A3, A4, A5, A6];
const UNKNOWN = '6500000000000000000000ff'; // well-formed, not in the library

const BASE = process.env.IMAGE_KIT_BASE_URL;
const KEY = process.env.IMAGEKIT_PRIVATE_KEY;
if (!BASE || !KEY) {
  console.error('Set IMAGE_KIT_BASE_URL and IMAGEKIT_PRIVATE_KEY (the sandbox prints both on start-up).');
  process.exit(2);
}

// The script deletes files by id: refuse anything but a sandbox on this machine.
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
if (!LOOPBACK.includes(new URL(BASE).hostname) && process.env.IKTAG_SDK_CHECK_ANY_HOST !== '1') {
  console.error(`Refusing to run against ${BASE}: not a loopback address (IKTAG_SDK_CHECK_ANY_HOST=1 overrides).`);
  process.exit(2);
}

const client = new ImageKit(); // reads both variables from the environment

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`PASS node ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL node ${name}: ${e?.stack ?? e}`);
  }
}

/** Runs `fn`, expects it to throw an instance of `cls`, returns the error. */
async function rejects(cls, fn) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${cls.name}, but the call succeeded`);
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err?.constructor?.name}: ${err?.message}`);
  return err;
}

const ids = (items) => items.map((f) => f.fileId);
const sorted = (a) => [...a].sort();
const aiNames = (f) => (f.AITags ?? []).map((t) => t.name);

/** Changes the sandbox's fault settings (`PUT /_sandbox/faults`, Basic auth with the key). */
async function setFaults(cfg) {
  const url = new URL('_sandbox/faults', BASE.endsWith('/') ? BASE : `${BASE}/`);
  const res = await fetch(url, {
    method: 'PUT',
    headers: {
      Authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(cfg),
  });
  assert.equal(res.status, 200, `PUT /_sandbox/faults ${JSON.stringify(cfg)}: ${res.status} ${await res.text()}`);
}

// ---------------------------------------------------------------------------------------
// List and search: client.assets.list

await check('assets.list() returns the whole library in createdAt order', async () => {
  const items = await client.assets.list();
  assert.ok(Array.isArray(items), `expected an array, got ${typeof items}`);
  assert.deepEqual(ids(items), ALL);
  assert.equal(items[0].name, 'red-jacket-front.jpg');
  assert.equal(items[0].type, 'file');
});

await check('assets.list({limit, skip}) pages', async () => {
  assert.deepEqual(ids(await client.assets.list({ limit: 2, skip: 1 })), [A2, A3]);
  assert.deepEqual(ids(await client.assets.list({ limit: 2, skip: 5 })), [A6]);
  assert.deepEqual(ids(await client.assets.list({ limit: 2, skip: 6 })), []);
});

await check('assets.list({path}) lists one folder', async () => {
  assert.deepEqual(ids(await client.assets.list({ path: '/products/jackets/' })), [A1, A2]);
});

await check('assets.list({sort}) sorts', async () => {
  assert.deepEqual(ids(await client.assets.list({ sort: 'DESC_CREATED', limit: 1 })), [A6]);
  assert.deepEqual(ids(await client.assets.list({ sort: 'ASC_SIZE', limit: 2 })), [A6, A3]);
  assert.deepEqual(ids(await client.assets.list({ path: '/products/jackets/', sort: 'ASC_NAME' })), [A2, A1]);
});

await check('assets.list({type: "file"}) returns files only', async () => {
  const items = await client.assets.list({ type: 'file' });
  assert.deepEqual(ids(items), ALL);
  assert.ok(items.every((f) => f.type === 'file'));
});

await check('assets.list({searchQuery}) filters: tags IN', async () => {
  const items = await client.assets.list({ searchQuery: 'tags IN ["summer-sale"]' });
  assert.deepEqual(ids(items), [A1]);
});

await check('assets.list({searchQuery}) filters: name begins-with', async () => {
  assert.deepEqual(ids(await client.assets.list({ searchQuery: 'name : "red-jacket"' })), [A1, A2]);
});

await check('assets.list({searchQuery}) filters: a quoted value with spaces', async () => {
  assert.deepEqual(ids(await client.assets.list({ searchQuery: 'name = "Hiker on ridge.webp"' })), [A5]);
});

await check('assets.list({searchQuery}) filters: AND, numbers and format', async () => {
  assert.deepEqual(ids(await client.assets.list({ searchQuery: 'width > 1000 AND format = "jpg"' })), [A1, A2]);
});

await check('assets.list({searchQuery}) filters: dates, sizes, OR, booleans', async () => {
  assert.deepEqual(ids(await client.assets.list({ searchQuery: 'createdAt > "2023-01-01"' })), [A4, A5, A6]);
  assert.deepEqual(ids(await client.assets.list({ searchQuery: 'size < "25kb"' })), [A3, A6]);
  assert.deepEqual(
    ids(await client.assets.list({ searchQuery: '(tags IN ["avatar"]) OR (private = true)' })),
    [A3, A6],
  );
});

await check('assets.list({searchQuery, path, sort, limit, skip}) combines them', async () => {
  const q = { searchQuery: 'size > 1000', path: '/products/jackets/', sort: 'DESC_SIZE', limit: 1, skip: 0 };
  assert.deepEqual(ids(await client.assets.list(q)), [A1]);
  assert.deepEqual(ids(await client.assets.list({ ...q, skip: 1 })), [A2]);
});

await check('assets.list: a malformed searchQuery is a BadRequestError', async () => {
  const err = await rejects(BadRequestError, () => client.assets.list({ searchQuery: 'name = ' }));
  assert.equal(err.status, 400);
  assert.equal(typeof err.error?.message, 'string');
});

await check('assets.list: limit=0 is a BadRequestError', async () => {
  const err = await rejects(BadRequestError, () => client.assets.list({ limit: 0 }));
  assert.match(err.message, /limit/);
});

// ---------------------------------------------------------------------------------------
// Get, update

await check('files.get returns the file details', async () => {
  const f = await client.files.get(A1);
  assert.equal(f.fileId, A1);
  assert.equal(f.name, 'red-jacket-front.jpg');
  assert.equal(f.filePath, '/products/jackets/red-jacket-front.jpg');
  assert.deepEqual(f.tags, ['jacket', 'summer-sale', 'red']);
  assert.deepEqual(aiNames(f), ['Jacket', 'Sleeve']);
  assert.equal(f.width, 2000);
  assert.equal(f.height, 3000);
  assert.equal(f.createdAt, '2021-03-01T10:00:00.000Z');
});

await check('files.get of an unknown id is a NotFoundError', async () => {
  const err = await rejects(NotFoundError, () => client.files.get(UNKNOWN));
  assert.equal(err.status, 404);
  assert.equal(err.message, '404 The requested file does not exist.');
});

await check('files.get of a malformed id is a BadRequestError', async () => {
  await rejects(BadRequestError, () => client.files.get('not-an-id'));
});

await check('files.update sets tags, customCoordinates, removeAITags and runs google-auto-tagging', async () => {
  const f = await client.files.update(A1, {
    tags: ['tag1', 'tag2'],
    customCoordinates: '10,10,100,100',
    removeAITags: ['Sleeve'],
    extensions: [{ name: 'google-auto-tagging', maxTags: 5, minConfidence: 95 }],
  });
  assert.equal(f.fileId, A1);
  assert.deepEqual(f.tags, ['tag1', 'tag2']);
  assert.equal(f.customCoordinates, '10,10,100,100');
  assert.ok(
    !(f.AITags ?? []).some((t) => t.name === 'Sleeve' && t.source === 'aws-auto-tagging'),
    `Sleeve (aws) should be gone: ${JSON.stringify(f.AITags)}`,
  );
  assert.equal(f.extensionStatus?.['google-auto-tagging'], 'success', JSON.stringify(f.extensionStatus));
  const google = (f.AITags ?? []).filter((t) => t.source === 'google-auto-tagging');
  assert.ok(google.length >= 1 && google.length <= 6, `google tags: ${JSON.stringify(google)}`);
  const fresh = google.filter((t) => t.name !== 'Jacket'); // Jacket (97.12) came with the seed
  assert.ok(fresh.length <= 5, `maxTags 5: ${JSON.stringify(fresh)}`);
  assert.ok(fresh.every((t) => t.confidence >= 95), `minConfidence 95: ${JSON.stringify(fresh)}`);

  const again = await client.files.get(A1);
  assert.deepEqual(again.tags, ['tag1', 'tag2']);
  assert.equal(again.customCoordinates, '10,10,100,100');
  assert.deepEqual(again.AITags, f.AITags);
});

await check('files.update with removeAITags "all" clears AI tags', async () => {
  const f = await client.files.update(A3, { removeAITags: 'all' });
  assert.deepEqual(f.AITags ?? [], []);
  assert.equal(f.extensionStatus, undefined);
});

await check('files.update with tags null and customCoordinates null unsets them', async () => {
  const f = await client.files.update(A2, { tags: null, customCoordinates: null });
  assert.deepEqual(f.tags ?? [], []);
  assert.equal(f.customCoordinates ?? null, null);
  await client.files.update(A2, { tags: ['jacket', 'Summer Sale'], customCoordinates: '10,10,100,100' });
});

await check('customMetadataFields.create + files.update customMetadata', async () => {
  const field = await client.customMetadataFields.create({ name: 'brand', label: 'Brand', schema: { type: 'Text' } });
  assert.equal(field.name, 'brand');
  const f = await client.files.update(A6, { customMetadata: { brand: 'Nike' } });
  assert.deepEqual(f.customMetadata, { brand: 'Nike' });
  const err = await rejects(BadRequestError, () => client.files.update(A6, { customMetadata: { nope: 1 } }));
  assert.equal(err.error?.message, 'Invalid custom metadata.');
});

await check('files.update of an unknown id is a NotFoundError', async () => {
  await rejects(NotFoundError, () => client.files.update(UNKNOWN, { tags: ['x'] }));
});

// ---------------------------------------------------------------------------------------
// Bulk tag calls

await check('files.bulk.addTags adds tags', async () => {
  const res = await client.files.bulk.addTags({ fileIds: [A4, A5], tags: ['sale', 'new'] });
  assert.deepEqual(sorted(res.successfullyUpdatedFileIds), [A4, A5]);
  assert.equal(res.errors, undefined);
  assert.deepEqual((await client.files.get(A4)).tags, ['lookbook', 'sale', 'new']);
  assert.deepEqual((await client.files.get(A5)).tags, ['summersale', 'hiking', 'sale', 'new']);
});

await check('files.bulk.removeTags removes tags', async () => {
  const res = await client.files.bulk.removeTags({ fileIds: [A4, A5], tags: ['sale', 'hiking'] });
  assert.deepEqual(sorted(res.successfullyUpdatedFileIds), [A4, A5]);
  assert.deepEqual((await client.files.get(A4)).tags, ['lookbook', 'new']);
  assert.deepEqual((await client.files.get(A5)).tags, ['summersale', 'new']);
});

await check('files.bulk.removeAITags removes AI tags', async () => {
  const res = await client.files.bulk.removeAITags({ fileIds: [A5, A6], AITags: ['Mountain', 'Person'] });
  assert.deepEqual(sorted(res.successfullyUpdatedFileIds), [A5, A6]);
  assert.deepEqual(aiNames(await client.files.get(A5)), []);
  assert.deepEqual(aiNames(await client.files.get(A6)), []);
});

await check('bulk call with an unknown id: NotFoundError with err.error.missingFileIds, nothing changed', async () => {
  const err = await rejects(NotFoundError, () =>
    client.files.bulk.addTags({ fileIds: [A4, UNKNOWN], tags: ['never'] }),
  );
  assert.equal(err.status, 404);
  assert.deepEqual(err.error.missingFileIds, [UNKNOWN]);
  assert.equal(err.message, '404 The requested file(s) does not exist.');
  assert.ok(!(await client.files.get(A4)).tags.includes('never'));
  for (const call of [
    () => client.files.bulk.removeTags({ fileIds: [UNKNOWN], tags: ['x'] }),
    () => client.files.bulk.removeAITags({ fileIds: [UNKNOWN], AITags: ['x'] }),
    () => client.files.bulk.delete({ fileIds: [A4, UNKNOWN] }),
  ]) {
    const e = await rejects(NotFoundError, call);
    assert.deepEqual(e.error.missingFileIds, [UNKNOWN]);
  }
  await client.files.get(A4); // bulk delete deleted nothing
});

await check('bulk call with 51 fileIds is a BadRequestError', async () => {
  const many = Array.from({ length: 51 }, (_, i) => i.toString(16).padStart(24, '0'));
  const err = await rejects(BadRequestError, () => client.files.bulk.addTags({ fileIds: many, tags: ['x'] }));
  assert.equal(err.status, 400);
  assert.equal(err.error.message, 'A maximum of 50 files can be edited at a time.');
  const tooMany = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(24, '0'));
  const e2 = await rejects(BadRequestError, () => client.files.bulk.delete({ fileIds: tooMany }));
  assert.equal(e2.error.message, 'fileIds cannot have more than 100 items.');
});

// ---------------------------------------------------------------------------------------
// Auth errors

await check('no Authorization header is an AuthenticationError (401)', async () => {
  // The SDK always sends the key it has; `Authorization: null` explicitly omits the header.
  const anon = new ImageKit({ privateKey: 'unused', defaultHeaders: { Authorization: null } });
  const err = await rejects(AuthenticationError, () => anon.files.get(A1));
  assert.equal(err.status, 401);
  assert.equal(err.error.message, 'Your request does not contain private API key.');
});

await check('a wrong key is a PermissionDeniedError (403)', async () => {
  const wrong = new ImageKit({ privateKey: 'private_not_the_sandbox_key' });
  const err = await rejects(PermissionDeniedError, () => wrong.assets.list({ limit: 1 }));
  assert.equal(err.status, 403);
  assert.equal(err.error.message, 'Your account cannot be authenticated.');
  await rejects(PermissionDeniedError, () => wrong.files.bulk.addTags({ fileIds: [A1], tags: ['x'] }));
});

await check('any password is accepted (only the username is the key)', async () => {
  const other = new ImageKit({ password: 'anything' });
  assert.equal((await other.files.get(A1)).fileId, A1);
});

// ---------------------------------------------------------------------------------------
// Faults: 207 and 429

await check('207 partial failure resolves with errors (failRate 1.0)', async () => {
  await setFaults({ failRate: 1.0 });
  try {
    const { data, response } = await client.files.bulk.addTags({ fileIds: [A4, A5], tags: ['x'] }).withResponse();
    assert.equal(response.status, 207);
    assert.deepEqual(data.successfullyUpdatedFileIds, []);
    assert.deepEqual(sorted(data.errors.map((e) => e.fileId)), [A4, A5]);
    assert.ok(data.errors.every((e) => typeof e.error === 'string' && e.error.length > 0));

    const rm = await client.files.bulk.removeAITags({ fileIds: [A4], AITags: ['x'] });
    assert.deepEqual(rm.successfullyUpdatedFileIds, []);
    assert.equal(rm.errors.length, 1);

    const del = await client.files.bulk.delete({ fileIds: [A4, A5] });
    assert.deepEqual(del.successfullyDeletedFileIds, []);
    assert.deepEqual(sorted(del.errors.map((e) => e.fileId)), [A4, A5]);
  } finally {
    await setFaults({});
  }
  assert.ok(!(await client.files.get(A4)).tags.includes('x'), 'a failed file must not change');
  await client.files.get(A5); // not deleted
});

await check('429 ends as RateLimitError (maxRetries 0) with X-RateLimit-* headers', async () => {
  await setFaults({ rateLimit: 1 });
  try {
    const fast = client.withOptions({ maxRetries: 0 });
    const err = await rejects(RateLimitError, async () => {
      for (let i = 0; i < 5; i += 1) await fast.assets.list({ limit: 1 });
    });
    assert.equal(err.status, 429);
    assert.equal(err.headers.get('x-ratelimit-limit'), '1');
    assert.ok(Number(err.headers.get('x-ratelimit-reset')) > 0, 'X-RateLimit-Reset');
    assert.equal(err.headers.get('x-ratelimit-interval'), '1000');
    assert.equal(typeof err.error?.message, 'string');
  } finally {
    await setFaults({});
  }
});

await check('429 is retried by the SDK (default maxRetries 2) and recovers once the window resets', async () => {
  await setFaults({ rateLimit: 1 });
  try {
    await client.assets.list({ limit: 1 }); // uses the one request of this second
    const started = Date.now();
    const items = await client.assets.list({ limit: 1 }); // 429, 429, then a new window
    assert.equal(items.length, 1);
    assert.ok(Date.now() - started >= 300, 'should have waited for retries');
  } finally {
    await setFaults({});
  }
});

await check('5xx (errorRate 1.0) ends as InternalServerError (maxRetries 0)', async () => {
  await setFaults({ errorRate: 1.0, rngSeed: 7 });
  try {
    const fast = client.withOptions({ maxRetries: 0 });
    const err = await rejects(InternalServerError, () => fast.files.get(A1));
    assert.ok([500, 502, 503].includes(err.status), `status ${err.status}`);
    assert.equal(typeof err.error?.message, 'string');
  } finally {
    await setFaults({});
  }
});

// ---------------------------------------------------------------------------------------
// Delete

await check('files.delete deletes one file (204)', async () => {
  const { data, response } = await client.files.delete(A4).withResponse();
  assert.equal(response.status, 204);
  assert.equal(data, null); // the SDK never reads a 204 body and resolves with null
  assert.equal(await response.text(), '');
  await rejects(NotFoundError, () => client.files.get(A4));
  await rejects(NotFoundError, () => client.files.delete(A4));
});

await check('files.bulk.delete deletes files', async () => {
  const res = await client.files.bulk.delete({ fileIds: [A5, A6] });
  assert.deepEqual(sorted(res.successfullyDeletedFileIds), [A5, A6]);
  assert.equal(res.errors, undefined);
  assert.deepEqual(ids(await client.assets.list()), [A1, A2, A3]);
});

console.log(`node: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
