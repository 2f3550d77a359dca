/**
 * `Authorization: Bearer <token>` checking in constant time. Both sides are hashed first so
 * that `timingSafeEqual` compares equal-length digests: neither the token's content nor its
 * length can be learnt from how long a refusal takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(.+)$/i.exec(authorization ?? '');
    const given = digest(match?.[1]?.trim() ?? '');
    // Always compare, also without a header, so a missing token costs as long as a wrong one.
    return timingSafeEqual(given, expected) && match !== null;
  };
}
