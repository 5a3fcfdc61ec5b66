/** The Linux platform plugin: provides the Platform that speaks rtnetlink, and link-level packet channels. */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { LinuxPlatform } from './linux-platform.js';
import { LinuxPacketIo } from './packet-io/linux-packet-io.js';

export { LinuxPlatform, type LinuxPlatformOptions } from './linux-platform.js';
export { LinuxPacketIo, type LinuxPacketIoOptions } from './packet-io/linux-packet-io.js';

export default definePlugin({
  setup(ctx) {
    const p = new LinuxPlatform({ logger: ctx.logger });
    ctx.provide(Tokens.Platform, p);
    ctx.onStop(() => p.stop());
    // The packet helper starts only when a channel is first opened.
    const packets = new LinuxPacketIo({ logger: ctx.logger });
    ctx.provide(Tokens.PacketIo, packets);
    ctx.onStop(() => packets.stop());
  },
});
