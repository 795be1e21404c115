// An error in a bundle's config.json: the message already names the file and the JSON path.
export class ConfigError extends Error {
  constructor(message: string) { super(message); this.name = 'ConfigError'; }
}
