/** The tool's version, from package.json (reports record it). */
import packageJson from '../package.json' with { type: 'json' };

export const TOOL_VERSION: string = packageJson.version;
