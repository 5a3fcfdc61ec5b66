/** Loads a ruleset through `nft -f -`; a refusal rejects with nft's own message. */
import { spawn } from 'node:child_process';
import { NmkError } from '../../sdk/index.js';

/** nft answers in milliseconds; a hung one (a locked netlink socket) is killed after this. */
const NFT_TIMEOUT_MS = 10_000;

export function runNft(nftPath: string, ruleset: string, hook: 'start' | 'stop', timeoutMs = NFT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(nftPath, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    // A child that dies before reading its input closes the pipe; the exit code tells the story.
    child.stdin!.on('error', () => undefined);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new NmkError('PLATFORM', `could not run ${nftPath}: ${e.message}`, { plugin: 'sharing', hook }, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = timedOut ? `no answer within ${timeoutMs} ms` : stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new NmkError('PLATFORM', `nft refused the sharing rules: ${why}`, { plugin: 'sharing', hook }));
    });
    child.stdin!.end(ruleset);
  });
}
