/** nmcli's exit codes (NMCResultCode), which nmk keeps so scripts written for nmcli work unchanged. */
export const Exit = {
  OK: 0,
  UNKNOWN: 1,
  /** Bad command line: a missing or unknown argument, option or value. */
  USER_INPUT: 2,
  TIMEOUT: 3,
  ACTIVATION_FAILED: 4,
  DEACTIVATION_FAILED: 5,
  DISCONNECT_FAILED: 6,
  NOT_RUNNING: 8,
  /** A connection profile, active connection or device named on the command line does not exist. */
  NOT_FOUND: 10,
} as const;

/** An error the command line reports as "Error: MESSAGE" with its exit code. */
export class CliError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CliError';
  }
}
