/**
 * update_file calls a model gets slightly wrong (slips) and calls that must
 * not land (traps), each against a small realistic file. A slip names the file
 * it should leave; a trap leaves the file as it was.
 */
export interface EditCase {
  name: string;
  kind: 'slip' | 'trap';
  file: string;
  contents: string;
  oldString: string;
  newString: string;
  /** What the file must hold after a slip lands. */
  expected?: string;
}

const serverTs = `import { createServer } from 'node:http';

export class Server {
    private port: number;

    constructor(port: number) {
        this.port = port;
    }

    start(): void {
        const server = createServer((request, response) => {
            response.end('ok');
        });
        server.listen(this.port);
    }
}
`;

const cachePy = `import time


class Cache:
    """A small cache with an expiry."""

    def __init__(self, ttl):
        self.ttl = ttl
        self.items = {}

    def get(self, key):
        entry = self.items.get(key)
        if entry is None:
            return None
        if time.time() - entry[1] > self.ttl:
            del self.items[key]
            return None
        return entry[0]
`;

const workerGo = `package worker

import "fmt"

func Run(jobs []string) error {
\tfor i, job := range jobs {
\t\tif job == "" {
\t\t\treturn fmt.Errorf("job %d is empty", i)
\t\t}
\t\tfmt.Println("running", job)
\t}
\treturn nil
}
`;

const guideMd = `# Contributing

We’re glad you’re here. Read the “quick start” first — it takes five minutes.

## Style

Keep lines short. Don’t reformat code you didn’t change.
Write tests for every fix\u00a0— no exceptions.
`;

const programCs =
  'using System;\r\n\r\nnamespace App\r\n{\r\n\tpublic static class Program\r\n\t{\r\n\t\tpublic static void Main(string[] args)\r\n\t\t{\r\n' +
  '\t\t\tConsole.WriteLine("Hello");\r\n\t\t}\r\n\t}\r\n}\r\n';

const trailingTs = serverTs.replace('        this.port = port;\n', '        this.port = port;   \n');

/** Slips: each tolerance at least once, in several languages; each must land exactly as meant. */
const SLIPS: EditCase[] = [
  {
    name: 'TypeScript: trailing whitespace the file has and the snippet lacks',
    kind: 'slip',
    file: 'server.ts',
    contents: trailingTs,
    oldString: '    constructor(port: number) {\n        this.port = port;\n    }',
    newString: '    constructor(port: number) {\n        this.port = port;\n        this.start();\n    }',
    expected: trailingTs.replace('        this.port = port;   \n', '        this.port = port;   \n        this.start();\n'),
  },
  {
    name: 'Python: trailing whitespace the snippet has and the file lacks',
    kind: 'slip',
    file: 'cache.py',
    contents: cachePy,
    oldString: '        if entry is None:  \n            return None',
    newString: '        if entry is None:\n            return default',
    expected: cachePy.replace('        if entry is None:\n            return None', '        if entry is None:\n            return default'),
  },
  {
    name: 'Go: spaces sent for the file’s tabs',
    kind: 'slip',
    file: 'worker.go',
    contents: workerGo,
    oldString: '        if job == "" {\n            return fmt.Errorf("job %d is empty", i)\n        }',
    newString: '        if job == "" {\n            continue\n        }',
    expected: workerGo.replace('\t\t\treturn fmt.Errorf("job %d is empty", i)\n', '\t\t\tcontinue\n'),
  },
  {
    name: 'Python: a method sent without its class indentation',
    kind: 'slip',
    file: 'cache.py',
    contents: cachePy,
    oldString: 'def __init__(self, ttl):\n    self.ttl = ttl\n    self.items = {}',
    newString: 'def __init__(self, ttl, clock=time.time):\n    self.ttl = ttl\n    self.clock = clock\n    self.items = {}',
    expected: cachePy.replace(
      '    def __init__(self, ttl):\n        self.ttl = ttl\n',
      '    def __init__(self, ttl, clock=time.time):\n        self.ttl = ttl\n        self.clock = clock\n',
    ),
  },
  {
    name: 'TypeScript: a nested block sent without its indentation',
    kind: 'slip',
    file: 'server.ts',
    contents: serverTs,
    oldString: "const server = createServer((request, response) => {\n    response.end('ok');\n});",
    newString: "const server = createServer((request, response) => {\n    response.statusCode = 200;\n    response.end('ok');\n});",
    expected: serverTs.replace("            response.end('ok');\n", "            response.statusCode = 200;\n            response.end('ok');\n"),
  },
  {
    name: 'Markdown: ASCII quotes and dash sent for typographic ones',
    kind: 'slip',
    file: 'CONTRIBUTING.md',
    contents: guideMd,
    oldString: 'We\'re glad you\'re here. Read the "quick start" first - it takes five minutes.',
    newString: 'We\'re glad you\'re here. Read the "quick start" first - it takes ten minutes.',
    expected: guideMd.replace('We’re glad you’re here. Read the “quick start” first — it takes five minutes.', 'We\'re glad you\'re here. Read the "quick start" first - it takes ten minutes.'),
  },
  {
    name: 'Markdown: a no-break space and apostrophes; the unchanged line keeps its characters',
    kind: 'slip',
    file: 'CONTRIBUTING.md',
    contents: guideMd,
    oldString: "Keep lines short. Don't reformat code you didn't change.\nWrite tests for every fix - no exceptions.",
    newString: "Keep lines short. Don't reformat code you didn't change.\nWrite a test for every fix - no exceptions.",
    expected: guideMd.replace('Write tests for every fix\u00a0— no exceptions.', 'Write a test for every fix - no exceptions.'),
  },
  {
    name: "TypeScript: read_file's line-number prefixes in both snippets",
    kind: 'slip',
    file: 'server.ts',
    contents: serverTs,
    oldString: '   10\t    start(): void {\n   11\t        const server = createServer((request, response) => {',
    newString: '   10\t    start(): void {\n   11\t        const server = createServer((_request, response) => {',
    expected: serverTs.replace('(request, response)', '(_request, response)'),
  },
  {
    name: "Go: line-number prefixes in old_string only, and spaces for tabs",
    kind: 'slip',
    file: 'worker.go',
    contents: workerGo,
    oldString: '   10\t        fmt.Println("running", job)\n   11\t    }',
    newString: '        fmt.Println("running", job, i)\n    }',
    expected: workerGo.replace('\t\tfmt.Println("running", job)\n', '\t\tfmt.Println("running", job, i)\n'),
  },
  {
    name: 'Python: blank lines at both ends of the snippets',
    kind: 'slip',
    file: 'cache.py',
    contents: cachePy,
    oldString: '\n\n        return entry[0]\n\n',
    newString: '\n\n        return entry[0] if entry else None\n\n',
    expected: cachePy.replace('        return entry[0]\n', '        return entry[0] if entry else None\n'),
  },
  {
    name: 'C# (CRLF, tabs): an LF snippet with spaces',
    kind: 'slip',
    file: 'Program.cs',
    contents: programCs,
    oldString: '{\n    Console.WriteLine("Hello");\n}',
    newString: '{\n    Console.WriteLine("Hello, " + args[0]);\n}',
    expected: programCs.replace('Console.WriteLine("Hello");', 'Console.WriteLine("Hello, " + args[0]);'),
  },
  {
    name: 'C# (CRLF): trailing whitespace, LF snippet',
    kind: 'slip',
    file: 'Program.cs',
    contents: programCs.replace('\t\t{\r\n\t\t\tConsole', '\t\t{ \r\n\t\t\tConsole'),
    oldString: '\t\tpublic static void Main(string[] args)\n\t\t{\n\t\t\tConsole.WriteLine("Hello");',
    newString: '\t\tpublic static int Main(string[] args)\n\t\t{\n\t\t\tConsole.WriteLine("Hello");',
    expected: programCs.replace('\t\t{\r\n\t\t\tConsole', '\t\t{ \r\n\t\t\tConsole').replace('static void Main', 'static int Main'),
  },
];

/** Traps: text that fits more than one place, or is only close; none may land. */
const TRAPS: EditCase[] = [
  {
    name: 'Python: a snippet that fits two places exactly',
    kind: 'trap',
    file: 'cache.py',
    contents: cachePy,
    oldString: '            return None',
    newString: '            return default',
  },
  {
    name: 'TypeScript: merely similar (one identifier differs)',
    kind: 'trap',
    file: 'server.ts',
    contents: serverTs,
    oldString: '        server.listen(this.host);',
    newString: '        server.listen(this.port, this.host);',
  },
  {
    name: 'Python: merely similar (a comparison differs)',
    kind: 'trap',
    file: 'cache.py',
    contents: cachePy,
    oldString: '        if time.time() - entry[1] >= self.ttl:\n            del self.items[key]',
    newString: '        if self.expired(entry):\n            del self.items[key]',
  },
  {
    name: 'Python: its indentation-stripped form fits two places',
    kind: 'trap',
    file: 'handlers.py',
    contents: 'def load(path):\n    if not path:\n        raise ValueError(path)\n\n\nclass Store:\n    def save(self, path):\n        if not path:\n            raise ValueError(path)\n',
    oldString: 'if not path:\n    raise ValueError(path)',
    newString: 'if not path:\n    raise ValueError("empty path")',
  },
  {
    name: 'Go: spaces for tabs that fit two functions',
    kind: 'trap',
    file: 'check.go',
    contents: 'package check\n\nfunc A(err error) error {\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}\n\nfunc B(err error) error {\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}\n',
    oldString: '    if err != nil {\n        return err\n    }',
    newString: '    if err != nil {\n        return fmt.Errorf("check: %w", err)\n    }',
  },
  {
    name: 'TypeScript: trailing-whitespace form fits two places',
    kind: 'trap',
    file: 'flags.ts',
    contents: 'export const flags = {\n  verbose: false, \n};\n\nexport const defaults = {\n  verbose: false,\t\n};\n',
    oldString: '  verbose: false,\n};',
    newString: '  verbose: true,\n};',
  },
  {
    name: 'Markdown: typographic form fits two places',
    kind: 'trap',
    file: 'NOTES.md',
    contents: '# Notes\n\n- Don’t push to main.\n\n## Later\n\n- Don’t push to main.\n',
    oldString: "- Don't push to main.",
    newString: "- Don't push to main; open a pull request.",
  },
  {
    name: 'Python: same lines, different nesting',
    kind: 'trap',
    file: 'loop.py',
    contents: 'for item in items:\n    if item.ready:\n        process(item)\n    log(item)\n',
    oldString: 'for item in items:\n    if item.ready:\n        process(item)\n        log(item)',
    newString: 'for item in items:\n    if item.ready:\n        process(item)\n        log(item, done=True)',
  },
  {
    name: 'Markdown: typographic quotes and a changed word',
    kind: 'trap',
    file: 'CONTRIBUTING.md',
    contents: guideMd,
    oldString: 'Read the "quick start" first - it takes four minutes.',
    newString: 'Read the "quick start" first.',
  },
  {
    name: 'Go: a fragment with blank end lines must not land inside a line',
    kind: 'trap',
    file: 'worker.go',
    contents: workerGo,
    oldString: 'fmt.Println("running"\n\n',
    newString: 'fmt.Println("started"\n\n',
  },
  {
    name: 'C# (CRLF): similar text in a CRLF file',
    kind: 'trap',
    file: 'Program.cs',
    contents: programCs,
    oldString: '\t\t\tConsole.WriteLine("Hello!");',
    newString: '\t\t\tConsole.WriteLine("Bye");',
  },
];

/** The whole corpus: slips first, then traps. */
export const EDIT_CASES: readonly EditCase[] = [...SLIPS, ...TRAPS];
