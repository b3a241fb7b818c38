import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, PrismaClient, SqlRunner } from '../../db/client.js';
import { newId } from '../../db/uuid.js';
import { SCOPES, type Scope } from '../../tenant/tenant.js';

const KEY_PREFIX = 'cgk_';
/** `cgk_` + 43 base64url characters = 256 random bits */
const KEY_PATTERN = /^cgk_[A-Za-z0-9_-]{43}$/;
/** how much of the key is stored in clear to find and revoke it */
const LOOKUP_PREFIX_LENGTH = 12;

// one-shot: cheaper than createHash().update().digest() on every request's key
const sha256 = (value: string) => hash('sha256', value, 'buffer');

export function parseScopes(list: string): Scope[] {
  const scopes = list
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope as Scope));
  if (unknown.length > 0) {
    throw new Error(`unknown scope(s): ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  }
  if (scopes.length === 0) throw new Error(`at least one scope is needed; known: ${SCOPES.join(', ')}`);
  return [...new Set(scopes as Scope[])];
}

/** Creates a key and returns it in clear: the only time it is ever shown. */
export async function createApiKey(
  prisma: PrismaClient,
  input: { organizationId: string; userId: string; scopes: Scope[] },
) {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const record = await prisma.apiKey.create({
    data: {
      id: newId(),
      organizationId: input.organizationId,
      userId: input.userId,
      prefix: key.slice(0, LOOKUP_PREFIX_LENGTH),
      hash: sha256(key).toString('hex'),
      scopes: input.scopes,
    },
  });
  return { key, record };
}

/**
 * Revokes the key whose stored prefix is `prefix`; false when no such live key exists. The
 * key's cache entries in this process go at once; other processes' expire within
 * KEY_CACHE_TTL_MS.
 */
export async function revokeApiKey(prisma: PrismaClient, prefix: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({
    where: { prefix, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  // even when no live key matched: another process may have revoked it a moment ago
  for (const cache of cachesOf(prisma)) cache.forget(prefix);
  return count > 0;
}

export interface Authenticated {
  organizationId: string;
  userId: string;
  apiKeyId: string;
  /** the key's first characters, which its holder knows: how a sync client spots its own writes */
  apiKeyPrefix: string;
  /** shared by every request a cache entry answers: never changed */
  scopes: ReadonlySet<Scope>;
}

/**
 * The organisation, user and scopes a bearer key stands for, or null when it does not. One plain
 * statement rather than Prisma's: a process that only reads then never starts Prisma's query
 * compiler (about 60 MB of its memory).
 */
export async function authenticate(sql: Pick<SqlRunner, 'read'>, key: string): Promise<Authenticated | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const [record] = await sql.read<{ id: string; prefix: string; organizationId: string; userId: string; hash: string; scopes: string[]; revokedAt: Date | null }>(
    'SELECT id, prefix, organization_id AS "organizationId", user_id AS "userId", hash, scopes, revoked_at AS "revokedAt" FROM "api_keys" WHERE prefix = $1',
    [key.slice(0, LOOKUP_PREFIX_LENGTH)],
  );
  if (!record || record.revokedAt) return null;
  if (!timingSafeEqual(sha256(key), Buffer.from(record.hash, 'hex'))) return null;
  return {
    organizationId: record.organizationId,
    userId: record.userId,
    apiKeyId: record.id,
    apiKeyPrefix: record.prefix,
    scopes: new Set(record.scopes.filter((scope): scope is Scope => SCOPES.includes(scope as Scope))),
  };
}

/**
 * How long a successful authentication is trusted without asking the database: a key revoked
 * by another process (the CLI, another instance) is refused everywhere within this, with no
 * messaging between processes.
 */
export const KEY_CACHE_TTL_MS = 1000;
/** at most this many keys are remembered; past it the oldest entry goes */
export const KEY_CACHE_MAX_ENTRIES = 10_000;

export interface ApiKeyCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
}

/** authenticate() for one app: a key it authenticated less than ttlMs ago costs no statement. */
export interface ApiKeyCache {
  authenticate(key: string): Promise<Authenticated | null>;
  /** drops the entries of the key whose stored prefix is `prefix` (revokeApiKey calls it) */
  forget(prefix: string): void;
  /** how many entries it holds (pending lookups included) */
  readonly size: number;
}

interface CacheEntry {
  /** performance.now() past which the entry is not used: ttlMs after its lookup started */
  expiresAt: number;
  prefix: string;
  auth: Promise<Authenticated | null>;
}

/** The caches made in this process, by the client they read keys with: what revokeApiKey empties. */
const caches = new WeakMap<PrismaClient, Set<WeakRef<ApiKeyCache>>>();

function* cachesOf(prisma: PrismaClient): Generator<ApiKeyCache> {
  const refs = caches.get(prisma);
  if (!refs) return;
  for (const ref of refs) {
    const cache = ref.deref();
    if (cache) yield cache;
    else refs.delete(ref);
  }
}

/**
 * An in-process cache of authenticated keys, by the key's SHA-256 (the key itself is not kept).
 * Only a key that authenticated is remembered: an unknown or revoked one asks the database
 * every time, as before (remembering refusals would let a flood of made-up keys push the
 * valid ones out, and buys nothing a well-behaved client needs). Concurrent first requests
 * with one key share one lookup. The entry's life counts from the lookup's start, so a
 * revocation committed at time t is seen by every lookup after t and no entry outlives t + ttlMs.
 */
export function createApiKeyCache(db: Pick<Database, 'prisma' | 'sql'>, { ttlMs = KEY_CACHE_TTL_MS, maxEntries = KEY_CACHE_MAX_ENTRIES }: ApiKeyCacheOptions = {}): ApiKeyCache {
  const entries = new Map<string, CacheEntry>();
  const cache: ApiKeyCache = {
    get size() {
      return entries.size;
    },
    authenticate(key) {
      if (!KEY_PATTERN.test(key)) return Promise.resolve(null);
      const hash = sha256(key).toString('base64url');
      const now = performance.now();
      const cached = entries.get(hash);
      if (cached && cached.expiresAt > now) return cached.auth;
      entries.delete(hash);
      // a Map iterates in insertion order: the first entry is the oldest
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const entry: CacheEntry = { expiresAt: now + ttlMs, prefix: key.slice(0, LOOKUP_PREFIX_LENGTH), auth: authenticate(db.sql, key) };
      entries.set(hash, entry);
      const drop = () => {
        if (entries.get(hash) === entry) entries.delete(hash);
      };
      entry.auth.then((auth) => auth || drop(), drop);
      return entry.auth;
    },
    forget(prefix) {
      for (const [hash, entry] of entries) if (entry.prefix === prefix) entries.delete(hash);
    },
  };
  let refs = caches.get(db.prisma);
  if (!refs) caches.set(db.prisma, (refs = new Set()));
  for (const ref of refs) if (!ref.deref()) refs.delete(ref);
  refs.add(new WeakRef(cache));
  return cache;
}
