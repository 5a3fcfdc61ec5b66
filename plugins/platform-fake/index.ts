/** The fake platform plugin: provides an in-memory Platform and PacketIo (unit tests, demos). */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { FakePacketIo } from './fake-packet-io.js';
import { FakePlatform } from './fake-platform.js';

export { FakePacketIo, type FakeChannel, type FakeSentPacket } from './fake-packet-io.js';
export { FakePlatform, type ExternalChange, type ExternalLinkSpec, type FakeCall, type FakeOperation } from './fake-platform.js';

export default definePlugin({
  setup(ctx) {
    const p = new FakePlatform();
    ctx.provide(Tokens.Platform, p);
    ctx.onStop(() => p.stop());
    ctx.provide(Tokens.PacketIo, new FakePacketIo());
  },
});
