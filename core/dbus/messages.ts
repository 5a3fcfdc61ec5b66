/**
 * Incoming messages are dbus-next's Message (decoded by dbus-next); outgoing
 * replies and signals are OutgoingMessage, encoded by wire.ts. The casts
 * dbus-next's loose typings need live here.
 */
import { Message, MessageFlag, MessageType } from 'dbus-next';
import { MessageKind, type OutgoingMessage } from './wire.js';

export { Message };
export type { OutgoingMessage };

export function isMethodCall(msg: Message): boolean {
  return msg.type === MessageType.METHOD_CALL;
}

export function isSignal(msg: Message): boolean {
  return msg.type === MessageType.SIGNAL;
}

export function expectsReply(msg: Message): boolean {
  return (msg.flags & MessageFlag.NO_REPLY_EXPECTED) === 0;
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

/** A dbus-next method call (for MessageBus.call, which tracks the reply); `body` in wire form. */
export function methodCall(destination: string, path: string, iface: string, member: string, signature = '', body: unknown[] = []): Message {
  return new Message({ type: MessageType.METHOD_CALL, destination, path, interface: iface, member, signature, body });
}

/** The body of a method return, in wire form. */
export interface ReplyBody {
  signature: string;
  body: unknown[];
}

/** The reply of a method with no out arguments. */
export const NO_REPLY: ReplyBody = Object.freeze({ signature: '', body: [] as unknown[] });
