import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads the repository's Dockerfile into the few facts e2e/standalone.spec.ts replays, so the spec
 * runs the image's own commands rather than a copy that could drift. It understands only what the
 * Dockerfile's header promises: one instruction per line (a trailing `\` continues it), ENV as
 * KEY=value pairs, CMD and HEALTHCHECK in exec (JSON) form. Anything else fails loudly.
 */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  instructions: Instruction[];
}

export interface DockerImage {
  stages: Stage[];
  /** The last stage: what the image runs. */
  runtime: {
    workdir: string;
    env: Record<string, string>;
    user: string;
    cmd: string[];
    healthcheck: string[];
    copiedFromBuild: { from: string; source: string; target: string }[];
  };
}

export function readDockerfile(file: string): DockerImage {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  const stages: Stage[] = [];
  for (const line of lines) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`${file}: cannot read "${line}"`);
    const [, keyword, args] = match as unknown as [string, string, string];
    if (keyword === 'FROM') {
      const name = / AS (\S+)$/i.exec(args)?.[1] ?? String(stages.length);
      stages.push({ name, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push({ keyword, args });
    }
  }
  const last = stages.at(-1);
  if (!last) throw new Error(`${file}: no FROM`);

  const all = (keyword: string) => last.instructions.filter((i) => i.keyword === keyword);
  const one = (keyword: string) => {
    const found = all(keyword);
    if (found.length !== 1) throw new Error(`${file}: the runtime stage needs exactly one ${keyword}, has ${found.length}`);
    return found[0]!.args;
  };

  const env: Record<string, string> = {};
  for (const { args } of all('ENV')) {
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`${file}: ENV must be KEY=value pairs, got "${pair}"`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const healthcheck = /\bCMD\s+(\[.*\])$/.exec(one('HEALTHCHECK'))?.[1];
  if (!healthcheck) throw new Error(`${file}: HEALTHCHECK must end in CMD ["..."]`);
  const copiedFromBuild = all('COPY').flatMap(({ args }) => {
    const m = /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(args);
    return m ? [{ from: m[1]!, source: m[2]!, target: m[3]! }] : [];
  });

  return {
    stages,
    runtime: {
      workdir: one('WORKDIR'),
      env,
      user: one('USER'),
      cmd: execForm(one('CMD'), file),
      healthcheck: execForm(healthcheck, file),
      copiedFromBuild,
    },
  };
}

function execForm(json: string, file: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`${file}: expected exec form ["cmd", "arg", ...], got ${json}`);
  }
  return parsed as string[];
}

/** The RUN lines of a stage, as written. */
export function runLines(image: DockerImage, stage: string): string[] {
  const found = image.stages.find((s) => s.name === stage);
  if (!found) throw new Error(`Dockerfile has no stage ${stage}`);
  return found.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

export const DOCKERFILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'Dockerfile');
