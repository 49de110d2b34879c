/**
 * A small typed wrapper of the real faas-cli (../shared/tools/bin/faas-cli, 0.18.12; or the
 * directory in SNF_TOOLS) for e2e tests: each call spawns it with its own config directory
 * (OPENFAAS_CONFIG, so logins never touch ~/.openfaas) and returns exit code and output.
 * Under CI=true a missing binary is an error, never a skip.
 */
import { spawn } from 'child_process';
import { sharedToolPath } from './tools';

/** The faas-cli binary, or null when absent (outside CI only). */
export function faasCliPath(): string | null {
  return sharedToolPath('faas-cli');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes (invoke answers are packets). */
  raw: Buffer;
}

export class FaasCli {
  constructor(readonly bin: string, readonly gateway: string, readonly configDir: string, readonly cwd: string) {}

  run(args: string[], stdin?: Buffer | string, timeoutMs = 60_000): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENFAAS_CONFIG: this.configDir, OPENFAAS_URL: this.gateway };
    delete env.CI; // faas-cli would read ./.openfaas instead of OPENFAAS_CONFIG
    return new Promise((done, fail) => {
      const p = spawn(this.bin, args, { cwd: this.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.stdout.on('data', (c: Buffer) => out.push(c));
      p.stderr.on('data', (c: Buffer) => (err += c.toString()));
      p.once('error', fail);
      p.once('close', (code) => {
        clearTimeout(timer);
        const raw = Buffer.concat(out);
        done({ code: code ?? -1, stdout: raw.toString('utf8'), stderr: err, raw });
      });
      // A command that exits without reading stdin makes this write fail with EPIPE: its exit code
      // and output say how it went, not the pipe.
      p.stdin.on('error', () => undefined);
      p.stdin.end(stdin ?? '');
    });
  }

  private g(): string[] {
    return ['--gateway', this.gateway];
  }

  login(user: string, password: string): Promise<CliResult> {
    return this.run(['login', ...this.g(), '--username', user, '--password-stdin'], password);
  }

  deploy(stackFile: string, extra: string[] = []): Promise<CliResult> {
    return this.run(['deploy', '-f', stackFile, ...this.g(), ...extra]);
  }

  list(extra: string[] = []): Promise<CliResult> {
    return this.run(['list', ...this.g(), ...extra]);
  }

  describe(name: string): Promise<CliResult> {
    return this.run(['describe', name, ...this.g()]);
  }

  /** One request body (a raw packet) to /function/<name>.openfaas-fn; stdout carries the answer bytes. */
  invoke(name: string, body: Buffer, extra: string[] = []): Promise<CliResult> {
    return this.run(['invoke', name, ...this.g(), '--content-type', 'application/octet-stream', ...extra], body);
  }

  secretCreate(name: string, value: string): Promise<CliResult> {
    return this.run(['secret', 'create', name, '--from-literal', value, ...this.g()]);
  }

  secretList(): Promise<CliResult> {
    return this.run(['secret', 'list', ...this.g()]);
  }

  /** The lines logged so far (no following). */
  logs(name: string, lines = -1): Promise<CliResult> {
    return this.run(['logs', name, ...this.g(), '--tail=false', `--lines=${lines}`]);
  }

  remove(name: string): Promise<CliResult> {
    return this.run(['remove', name, ...this.g()]);
  }

  /** `remove -f <stack>`: every function of a stack file. */
  removeStack(stackFile: string): Promise<CliResult> {
    return this.run(['remove', '-f', stackFile, ...this.g()]);
  }
}

/** Parses `faas-cli describe` output into its "Key: value" fields and annotations. */
export function parseDescribe(text: string): { fields: Record<string, string>; annotations: Record<string, string> } {
  const fields: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  let inAnn = false;
  for (const line of text.split('\n')) {
    if (/^Annotations:/.test(line)) {
      inAnn = true;
      continue;
    }
    const ann = /^ (\S+): (.*)$/.exec(line);
    if (inAnn && ann) {
      annotations[ann[1]!] = ann[2]!.trim();
      continue;
    }
    inAnn = false;
    const m = /^([A-Za-z ]+):\s+(.*)$/.exec(line);
    if (m) fields[m[1]!] = m[2]!.trim();
  }
  return { fields, annotations };
}

/** `faas-cli list` rows: function → { invocations, replicas }. */
export function parseList(text: string): Record<string, { invocations: number; replicas: number }> {
  const out: Record<string, { invocations: number; replicas: number }> = {};
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) out[m[1]!] = { invocations: Number(m[2]), replicas: Number(m[3]) };
  }
  return out;
}
