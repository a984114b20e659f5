import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** A fresh random per-start token, URL-safe. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the expected one in constant time (lengths included). */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  // Hashing first gives equal-length buffers, so neither the content nor the length leaks.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The address to listen on for a host option, or null when it is not a loopback address. The
 * host exposes project files to whoever holds the token, so it must never face the network.
 */
export function loopbackAddress(host: string): string | null {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) === 4 && host.startsWith('127.')) return host;
  if (host === '::1' || host === '[::1]') return '::1';
  return null;
}

/** The `host:port` part of a URL for an address (brackets for IPv6). */
export function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
