// The TypeScript checker for Node and Bun cells, in a process of its own (forked by typecheck.ts):
// a check takes a second or two of CPU, which must not stall the harness's watchdog or a verdict
// being printed. It keeps each runtime's last program, so the next save re-checks only what changed.
import { join } from "node:path";
import ts from "typescript";

interface Request {
  id: number;
  repo: string;
  runtime: "node" | "bun";
  file: string;
}

const previous = new Map<string, ts.Program>();

function check({ repo, runtime, file }: Request) {
  const config = ts.getParsedCommandLineOfConfigFile(join(repo, `tsconfig.${runtime}.json`), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) return [];
  const program = ts.createProgram({ rootNames: [file], options: config.options, oldProgram: previous.get(runtime) });
  previous.set(runtime, program);
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    if (!d.file || d.start === undefined) return [];
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return [{ file: d.file.fileName, line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, " ") }];
  });
}

process.on("message", (request: Request) => {
  let reply: unknown;
  try {
    reply = { id: request.id, problems: check(request) };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  process.send?.(reply);
});
process.on("disconnect", () => process.exit(0));
