// A 'config' error about one value of a file the user gave, named by its JSON path:
// "config.json: /process/args: must not be empty". The path is kept in the error's detail.
import { RuntsError } from '../errors.js';

export function configError(jsonPath: string, msg: string, file = 'config.json'): RuntsError {
  return new RuntsError('config', `${file}: ${jsonPath}: ${msg}`, { jsonPath });
}
