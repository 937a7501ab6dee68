/**
 * A throwaway `redis-server` (tests, the queue benchmark): on a free loopback port (127.0.0.1 only), in a
 * temporary directory, saving its data only when it is shut down (`bounce`: Redis going away and coming back
 * with its data); `stop` ends it for good. `redisServer` is undefined when Debian's redis-server is not
 * installed (tests then skip, saying so; .ci/run installs it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const candidates = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
export const redisServer = candidates.find((file) => existsSync(file));

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Shuts the server down (saving its data), and starts it again on the same port and data `downMs` later. */
  bounce(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** A port the kernel just gave out and took back: free for the server that asks next. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts redis-server on `port` (default: a free one), with `password` if given, and resolves once it accepts
 * connections.
 */
export async function startRedis(port?: number, password?: string): Promise<TestRedis> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'topkast-redis-'));
  let server = await spawnServer(chosen, dir, password);
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    bounce: async (downMs) => {
      await server.end('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await spawnServer(chosen, dir, password);
    },
    stop: async () => {
      await server.end('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server on `port` keeping its data in `dir` (saved on SIGTERM, read at start), once it is ready. */
async function spawnServer(
  port: number,
  dir: string,
  password?: string,
): Promise<{ end(signal: NodeJS.Signals): Promise<void> }> {
  if (redisServer === undefined)
    throw new Error('redis-server is not installed: apt-get install redis-server');
  // A save point an hour away: no save while a test runs, but a shutdown saves.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '3600 1', '--appendonly', 'no'];
  args.push('--dir', dir);
  if (password !== undefined) args.push('--requirepass', password);
  const server: ChildProcess = spawn(redisServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)));
  });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  return {
    end: async (signal) => {
      server.kill(signal);
      await exited;
    },
  };
}
