/**
 * IPv6 neighbour discovery for hosts (contrib.ndisc): router solicitations
 * and advertisements over the platform's 'icmp6-nd' packet channel, SLAAC
 * addresses as NetworkManager 1.42 makes them (eui64, stable-privacy,
 * ipv6.token). Core starts one session per link and configures what it
 * reports.
 *
 * The packet channel is looked up when a session starts, not at setup: the
 * platform plugin may be set up after this one, and naming it in `needs`
 * would pull platform-linux in even where another platform was chosen.
 *
 * The session code (./session.js and its five modules) is imported when the
 * first session starts: an idle daemon, or one without IPv6 auto links,
 * never needs it. Sessions are stopped by core; the plugin keeps none.
 */
import { definePlugin, Tokens, type Ndisc } from '../../sdk/index.js';

let sessionModule: Promise<typeof import('./session.js')> | undefined;
const loadSession = () => (sessionModule ??= import('./session.js'));

export default definePlugin({
  setup(ctx) {
    const clock = ctx.resolve(Tokens.Clock);
    const ndisc: Ndisc = {
      start: async (request, events) =>
        (await loadSession()).Session.start({ packetIo: () => ctx.resolve(Tokens.PacketIo), logger: ctx.logger, now: () => clock.now() }, request, events),
    };
    ctx.provide(Tokens.Ndisc, ndisc);
  },
});
