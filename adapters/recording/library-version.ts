/** The library's name and version, as cassette headers record them (bundlers inline package.json). */
import pkg from '../../package.json' with { type: 'json' };

/** The package name written into cassette headers. */
export const LIBRARY_NAME: string = pkg.name;

/** The package version written into cassette headers. */
export const LIBRARY_VERSION: string = pkg.version;
