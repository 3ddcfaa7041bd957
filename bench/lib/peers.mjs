// The third-party peers we measure against, each loaded on its own: one that failed to install
// or to load (a native addon without a compiler, say) is reported as "not available" and its
// rows are skipped; the harness never crashes for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

// Some packages keep package.json out of their exports map: walk up from the entry instead.
function versionOf(name) {
  try {
    let dir = dirname(require.resolve(name));
    for (;;) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (manifest.name === name) return manifest.version;
      } catch {}
      const parent = dirname(dir);
      if (parent === dir) return '?';
      dir = parent;
    }
  } catch {
    return '?';
  }
}

async function attempt(name, load) {
  try {
    const module = await load();
    return { name, version: versionOf(name), available: true, module };
  } catch (error) {
    const reason = String(error?.message ?? error).split('\n')[0];
    return { name, version: null, available: false, module: null, reason };
  }
}

/**
 * Loads every peer. `ws` resolves from bench/node_modules first, then from the project's own
 * devDependencies; the native addons (zlib-sync, erlpack, zstd-napi) only from bench/.
 */
export async function loadPeers() {
  const peers = {
    ws: await attempt('ws', async () => {
      const ws = require('ws');
      if (typeof ws.Receiver !== 'function' || typeof ws.Sender?.frame !== 'function') {
        throw new Error('ws has no Receiver/Sender.frame');
      }
      return ws;
    }),
    zlibSync: await attempt('zlib-sync', async () => require('zlib-sync')),
    erlpack: await attempt('erlpack', async () => require('erlpack')),
    zstdNapi: await attempt('zstd-napi', async () => require('zstd-napi/binding')),
    fzstd: await attempt('fzstd', async () => require('fzstd')),
    discordjsWs: await attempt('@discordjs/ws', async () => {
      const module = await import('@discordjs/ws');
      if (typeof module.WebSocketShard?.prototype?.unpackMessage !== 'function') {
        throw new Error('@discordjs/ws has no WebSocketShard.prototype.unpackMessage');
      }
      return module;
    }),
  };
  return peers;
}

/** One line per peer for the report: version, or why it is missing. */
export function describePeers(peers) {
  return Object.values(peers).map((p) => (p.available ? `${p.name} ${p.version}` : `${p.name}: not available (${p.reason})`));
}
