/**
 * What each verification rule works with: typed access to the profile
 * (values that failed their type check read as absent, so rules never see
 * a value of the wrong shape) and a way to report issues.
 */
import { makeIssue, type IssueSeverity, type VerifyIssue } from '../issues.js';
import { propertyDefinition } from '../registry.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue } from '../types.js';
import { isValueOfType } from '../values.js';

export class VerifyContext {
  readonly issues: VerifyIssue[] = [];

  constructor(readonly settings: ConnectionSettings) {}

  has(setting: string): boolean {
    const s = this.settings[setting];
    return s !== undefined && s !== null && typeof s === 'object';
  }

  /** The value as set (undefined when absent or of the wrong type). */
  raw(setting: string, property: string): SettingValue | undefined {
    // Most properties a rule asks about are absent: no row lookup for those.
    const values = this.settings[setting];
    if (values === undefined || values === null || typeof values !== 'object') return undefined;
    const v = values[property];
    if (v === undefined) return undefined;
    const row = propertyDefinition(setting, property);
    return row && isValueOfType(v, row.type) ? v : undefined;
  }

  /** The value as set, else the row's default. */
  get(setting: string, property: string): SettingValue | undefined {
    return this.raw(setting, property) ?? propertyDefinition(setting, property)?.default;
  }

  str(setting: string, property: string): string | undefined {
    const v = this.get(setting, property);
    return typeof v === 'string' ? v : undefined;
  }

  num(setting: string, property: string): number | undefined {
    const v = this.get(setting, property);
    return typeof v === 'number' ? v : undefined;
  }

  bool(setting: string, property: string): boolean | undefined {
    const v = this.get(setting, property);
    return typeof v === 'boolean' ? v : undefined;
  }

  list(setting: string, property: string): string[] {
    const v = this.get(setting, property);
    return Array.isArray(v) ? (v as string[]) : [];
  }

  dict(setting: string, property: string): Record<string, string> {
    const v = this.get(setting, property);
    return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, string>) : {};
  }

  addresses(setting: string): IpAddress[] {
    return (this.get(setting, 'address-data') as IpAddress[] | undefined) ?? [];
  }

  routes(setting: string): IpRoute[] {
    return (this.get(setting, 'route-data') as IpRoute[] | undefined) ?? [];
  }

  report(severity: IssueSeverity, setting: string, property: string | undefined, reason: string, value?: unknown): void {
    this.issues.push(makeIssue(severity, setting, property, reason, value));
  }

  error(setting: string, property: string | undefined, reason: string, value?: unknown): void {
    this.report('error', setting, property, reason, value);
  }
}

/** One setting's rules; run only when the setting is in the profile. */
export interface SettingRules {
  readonly setting: string;
  verify(ctx: VerifyContext): void;
}
