/**
 * Modem and Bluetooth settings: "gsm", "cdma", "serial" (the modem's serial
 * line) and "bluetooth". Facts from NetworkManager 1.42 (nm-setting-gsm.c,
 * nm-setting-cdma.c, nm-setting-serial.c, nm-setting-bluetooth.c).
 */
import { defineSetting, UINT32_MAX, UINT64_SAFE_MAX } from '../schema.js';
import { secretString } from './rows.js';

/** Longest gsm.apn NetworkManager accepts, in bytes. */
export const GSM_APN_MAX = 64;

/**
 * serial.parity as D-Bus carries it: the ASCII code of 'E' (even), 'o'
 * (odd) or 'n' (none). NetworkManager's own enum (0 none, 1 even, 2 odd)
 * is what its keyfiles hold.
 */
export const SERIAL_PARITY = { EVEN: 0x45, ODD: 0x6f, NONE: 0x6e } as const;

export const BLUETOOTH_TYPES = ['dun', 'nap', 'panu'] as const;

export const gsmSetting = defineSetting({
  name: 'gsm',
  baseType: true,
  description: 'GSM/UMTS/LTE mobile broadband (ModemManager).',
  properties: [
    { name: 'apn', type: 'string', canonical: 'strip', description: 'Access point name: up to 64 of A-Z a-z 0-9 . _ -.' },
    { name: 'auto-config', type: 'boolean', default: false, description: 'Take APN, user name and password from the mobile broadband provider database.' },
    { name: 'device-id', type: 'string', description: 'Only use the modem with this ModemManager device identifier.' },
    { name: 'home-only', type: 'boolean', default: false, description: 'Never connect while roaming.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Largest packet sent; 0 default.' },
    { name: 'network-id', type: 'string', canonical: 'strip', description: 'Register only on this network (MCC-MNC, 5 or 6 digits).' },
    { name: 'number', type: 'string', deprecated: true, description: 'Deprecated dial string (ignored since NetworkManager 1.16).' },
    ...secretString('password', 'Password for the mobile network.'),
    ...secretString('pin', 'PIN that unlocks the SIM card.'),
    { name: 'sim-id', type: 'string', description: 'Only use a modem holding the SIM card with this identifier.' },
    { name: 'sim-operator-id', type: 'string', description: 'Only use a SIM card of this operator (MCC-MNC, 5 or 6 digits).' },
    { name: 'username', type: 'string', description: 'User name for the mobile network.' },
  ],
});

export const cdmaSetting = defineSetting({
  name: 'cdma',
  baseType: true,
  description: 'CDMA/EVDO mobile broadband (ModemManager).',
  properties: [
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Largest packet sent; 0 default.' },
    { name: 'number', type: 'string', description: 'Number to dial (required; usually #777).' },
    ...secretString('password', 'Password for the mobile network.'),
    { name: 'username', type: 'string', description: 'User name for the mobile network.' },
  ],
});

export const serialSetting = defineSetting({
  name: 'serial',
  description: 'Serial line of a modem.',
  properties: [
    { name: 'baud', type: 'uint32', default: 57600, min: 0, max: UINT32_MAX, description: 'Line speed in baud (most modems ignore it).' },
    { name: 'bits', type: 'uint32', default: 8, min: 5, max: 8, description: 'Data bits per character (the 8 of "8n1").' },
    {
      name: 'parity',
      type: 'uint32',
      dbus: 'y',
      default: SERIAL_PARITY.NONE,
      values: [SERIAL_PARITY.EVEN, SERIAL_PARITY.NONE, SERIAL_PARITY.ODD],
      description: "Parity, as an ASCII code: 69 'E' even, 111 'o' odd, 110 'n' none.",
    },
    { name: 'send-delay', type: 'uint64', default: 0, min: 0, max: UINT64_SAFE_MAX, description: 'Microseconds to wait between bytes sent to the modem.' },
    { name: 'stopbits', type: 'uint32', default: 1, min: 1, max: 2, description: 'Stop bits (the 1 of "8n1"): 1 or 2.' },
  ],
});

export const bluetoothSetting = defineSetting({
  name: 'bluetooth',
  baseType: true,
  description: 'Bluetooth PAN (panu, nap) or dial-up (dun) connection.',
  properties: [
    { name: 'bdaddr', type: 'mac', description: 'Address of the Bluetooth device (not needed for nap).' },
    { name: 'type', type: 'string', values: BLUETOOTH_TYPES, description: 'dun (with a gsm or cdma setting), panu, or nap (with a bridge setting).' },
  ],
});
