/**
 * A Redis address from the command line: `redis://[user:password@]HOST[:PORT][/DB]`, or `rediss://…` for TLS.
 * The connection options carry the credentials; `shown` (what logs and errors print) never does.
 */
import type { RedisOptions } from 'ioredis';
import { escapeControl } from '../util/safeText.js';

export interface RedisAddress {
  readonly options: RedisOptions;
  /** The address without credentials, e.g. `redis://10.0.0.5:6379/2`. */
  readonly shown: string;
}

const usage = 'give redis://[user:password@]HOST[:PORT][/DB] (rediss:// for TLS)';

export function parseRedisUrl(text: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--queue is not a URL: ${usage}`);
  }
  const tls = url.protocol === 'rediss:';
  if (url.protocol !== 'redis:' && !tls) {
    throw new Error(`--queue has scheme ${escapeControl(JSON.stringify(url.protocol))}: ${usage}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`--queue names no host: ${usage}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d{0,2}$/.test(path) || url.search !== '' || url.hash !== '') {
    throw new Error(
      `--queue has a path ${escapeControl(JSON.stringify(url.pathname + url.search))} that is not a database number: ${usage}`,
    );
  }
  const db = path === '' ? 0 : Number(path);
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(url.username !== '' && { username: decodeURIComponent(url.username) }),
    ...(url.password !== '' && { password: decodeURIComponent(url.password) }),
    ...(tls && { tls: { servername: host } }),
  };
  return { options, shown: `${url.protocol}//${url.host}/${db}` };
}
