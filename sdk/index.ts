/**
 * nmk's SDK: the public contract between core and plugins. It imports
 * nothing of nmk's; a third-party plugin imports only this.
 */
export * from './token.js';
export * from './tokens.js';
export * from './plugin.js';
export * from './platform.js';
export * from './events.js';
export * from './model.js';
export * from './device.js';
export * from './ethtool.js';
export * from './ethtool-apply.js';
export * from './logger.js';
export * from './config.js';
export * from './connection-defaults.js';
export * from './errors.js';
export * from './nm.js';
export * from './device-props.js';
export * from './link-options.js';
export * from './packet.js';
export * from './dhcp.js';
export * from './ndisc.js';
export * from './dns.js';
export * from './sharing.js';
export * from './vpn.js';
export * from './gkeyfile/index.js';
export * from './settings/index.js';
export * from './files/index.js';
