import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from './redisUrl.js';
import { checkJobData, checkName } from './sweep.js';

describe('parseRedisUrl', () => {
  it('reads host, port, database and credentials, and shows none of the credentials', () => {
    const { options, shown } = parseRedisUrl('redis://alice:s%40cret@10.0.0.5:6380/2');
    expect(options).toEqual({ host: '10.0.0.5', port: 6380, db: 2, username: 'alice', password: 's@cret' });
    expect(shown).toBe('redis://10.0.0.5:6380/2');
  });

  it('defaults to port 6379 and database 0; rediss:// is TLS', () => {
    expect(parseRedisUrl('redis://localhost')).toEqual({
      options: { host: 'localhost', port: 6379, db: 0 },
      shown: 'redis://localhost/0',
    });
    const tls = parseRedisUrl('rediss://:pw@cache.example:6390');
    expect(tls.options).toEqual({
      host: 'cache.example',
      port: 6390,
      db: 0,
      password: 'pw',
      tls: { servername: 'cache.example' },
    });
    expect(tls.shown).toBe('rediss://cache.example:6390/0');
  });

  it('refuses what is not a Redis URL with one line naming the fix, never echoing a password', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(
      /--queue (is not a URL|has scheme).*redis:\/\/\[user:password@\]HOST/,
    );
    expect(() => parseRedisUrl('http://h')).toThrow(/--queue has scheme "http:"/);
    const error = (() => {
      try {
        parseRedisUrl('redis://u:topsecret@h/queue?x=1');
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toMatch(/not a database number/);
    expect(error).not.toContain('topsecret');
  });
});

describe('sweeps and jobs', () => {
  it('takes sweep and namespace names that are safe as Redis key parts and job ids', () => {
    expect(checkName('paper-table_2.v1', '--sweep')).toBe('paper-table_2.v1');
    for (const bad of ['', 'a:b', 'a/b', 'a b', '-x', 'x'.repeat(65), 'a\nb']) {
      expect(() => checkName(bad, '--sweep')).toThrow(/^--sweep .* is not a name: use up to 64 letters/);
      expect(() => checkName(bad, '--namespace')).toThrow(/^--namespace .* is not a name/);
    }
  });

  it('refuses a job that is not a topkast run, or whose config the schema refuses', () => {
    expect(() => checkJobData({ hello: 1 }, '7')).toThrow('job 7 is not a topkast run');
    expect(() => checkJobData({ sweep: 's', index: 3, total: 3, label: 'a', config: {} }, '7')).toThrow(
      'job 7 is not a topkast run',
    );
    expect(() => checkJobData({ sweep: 's', index: 0, total: 1, label: '../x', config: {} }, '7')).toThrow(
      'job 7 is not a topkast run',
    );
    expect(() => checkJobData({ sweep: 'a/b', index: 0, total: 1, label: 'a', config: {} }, '7')).toThrow(
      'job 7 is not a topkast run',
    );
    expect(() =>
      checkJobData(
        { sweep: 's', index: 0, total: 1, label: 'a', config: { dataset: 'mnist', rm: '-rf' } },
        '7',
      ),
    ).toThrow(/^job a: its run config is not valid/);
  });
});
