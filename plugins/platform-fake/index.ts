/** The fake platform plugin: provides an in-memory Platform (unit tests, demos). */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { FakePlatform } from './fake-platform.js';

export { FakePlatform, type ExternalChange, type ExternalLinkSpec, type FakeCall, type FakeOperation } from './fake-platform.js';

export default definePlugin({
  setup(ctx) {
    const p = new FakePlatform();
    ctx.provide(Tokens.Platform, p);
    ctx.onStop(() => p.stop());
  },
});
