/**
 * File access for plugins that keep configuration or profiles on disk: the
 * careful reads and atomic writes every settings plugin needs, written once.
 *
 *   readFileLimited(file, maxBytes, options?): Promise<Buffer | undefined>
 *   readFileLimitedSync(file, maxBytes, options?): Buffer | undefined
 *     undefined when missing; throws FileReadError { file, kind, reason, size?, cause? }
 *     kind: 'link' | 'open' | 'not-regular' | 'refused' | 'too-large' | 'read'
 *     LimitedReadOptions { followLinks? (default true), check?(stats): reason | undefined }
 *   readTextFile(file, { plugin, maxBytes }): Promise<{ text } | { missing: true } | { error: NmkError }>
 *   decodeTextFile(bytes, file, plugin): the same, from bytes already read
 *   writeFileAtomic(file, data, { mode, keepMode?, followLink? }): Promise<void>
 *   refuseOversize(file, data, maxBytes, plugin): throws PROFILE_TOO_LARGE before a write its reader would refuse
 *   removeFileDurable(file): Promise<boolean>       false when there was no file
 *   syncDirectory(dir): Promise<void>
 */
export * from './read-limited.js';
export * from './text-file.js';
export * from './write-atomic.js';
export * from './write-limit.js';
