import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../../db/client.js';
import { newId } from '../../db/uuid.js';
import { SCOPES, type Scope } from '../../tenant/tenant.js';

const KEY_PREFIX = 'cgk_';
/** `cgk_` + 43 base64url characters = 256 random bits */
const KEY_PATTERN = /^cgk_[A-Za-z0-9_-]{43}$/;
/** how much of the key is stored in clear to find and revoke it */
const LOOKUP_PREFIX_LENGTH = 12;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

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

/** Revokes the key whose stored prefix is `prefix`; false when no such live key exists. */
export async function revokeApiKey(prisma: PrismaClient, prefix: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({
    where: { prefix, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count > 0;
}

export interface Authenticated {
  organizationId: string;
  userId: string;
  apiKeyId: string;
  /** the key's first characters, which its holder knows: how a sync client spots its own writes */
  apiKeyPrefix: string;
  scopes: Set<Scope>;
}

/** The organisation, user and scopes a bearer key stands for, or null when it does not. */
export async function authenticate(prisma: PrismaClient, key: string): Promise<Authenticated | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const record = await prisma.apiKey.findUnique({
    where: { prefix: key.slice(0, LOOKUP_PREFIX_LENGTH) },
    select: { id: true, prefix: true, organizationId: true, userId: true, hash: true, scopes: true, revokedAt: true },
  });
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
