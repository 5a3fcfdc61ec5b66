/**
 * Incoming messages are decoded by wire-reader.ts (in dbus-next's decoded
 * form); outgoing ones are OutgoingMessage, encoded by wire.ts.
 */
import { MessageKind, type OutgoingMessage } from './wire.js';
import type { Message } from './wire-reader.js';

export type { Message, OutgoingMessage };

/** The header flag of a call that wants no reply. */
export const NO_REPLY_EXPECTED = 1;

export function isMethodCall(msg: Message): boolean {
  return msg.type === MessageKind.METHOD_CALL;
}

export function isSignal(msg: Message): boolean {
  return msg.type === MessageKind.SIGNAL;
}

export function expectsReply(msg: Message): boolean {
  return (msg.flags & NO_REPLY_EXPECTED) === 0;
}

/** A method return; `body` in wire form. */
export function methodReturn(call: Message, signature: string, body: unknown[]): OutgoingMessage {
  return { type: MessageKind.METHOD_RETURN, replySerial: call.serial!, destination: call.sender, signature, body };
}

/** An error reply carrying a name and a message only. */
export function errorReturn(call: Message, name: string, text: string): OutgoingMessage {
  return { type: MessageKind.ERROR, replySerial: call.serial!, destination: call.sender, errorName: name, signature: 's', body: [text] };
}

/** A broadcast signal; `body` in wire form. */
export function signalMessage(path: string, iface: string, member: string, signature: string, body: unknown[]): OutgoingMessage {
  return { type: MessageKind.SIGNAL, path, interface: iface, member, signature, body };
}

/** A method call (for BusClient.call, which tracks the reply); `body` in wire form. */
export function methodCall(destination: string, path: string, iface: string, member: string, signature = '', body: unknown[] = []): OutgoingMessage {
  return { type: MessageKind.METHOD_CALL, destination, path, interface: iface, member, signature, body };
}

/** The body of a method return, in wire form. */
export interface ReplyBody {
  signature: string;
  body: unknown[];
}

/** The reply of a method with no out arguments. */
export const NO_REPLY: ReplyBody = Object.freeze({ signature: '', body: [] as unknown[] });
